// On a phone the main navigation folds behind a "Menu" button.
export function setUpNavigationToggle(root) {
  const button = root.querySelector(".nav-toggle");
  if (!button) return;
  const menu = root.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  document.documentElement.classList.add("js");
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    menu.classList.toggle("is-open", !open);
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      menu.classList.remove("is-open");
      button.focus();
    }
  });
}
