// "Copy" buttons for secrets shown once: <button data-copy="element-id" data-copied="Copied" hidden>.
// They stay hidden without the script or without clipboard access; the secret remains selectable.
export function setUpCopyButtons(root) {
  if (!navigator.clipboard) return;
  for (const button of root.querySelectorAll("button[data-copy]")) {
    const source = root.getElementById(button.dataset.copy);
    if (!source) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
      } catch {
        return;
      }
      button.textContent = button.dataset.copied || label;
    });
  }
}
