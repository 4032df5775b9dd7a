// On a phone the main navigation folds behind a "Menu" button. Without the script the button
// stays hidden (see main.css) and the navigation is always shown.
export function setUpNavigationToggle(root) {
  const button = root.querySelector(".nav-toggle");
  if (!button) return;
  const menu = root.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };

  button.addEventListener("click", () => {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
}
