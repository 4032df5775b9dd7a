// The webmail: drafts saved as one types, keyboard shortcuts (never while typing in a field),
// and the shortcuts' help dialog. Without the script every page still works with its forms.
const DRAFT_DELAY_MS = 3000;

function typing(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable], dialog[open]"));
}

function setUpDrafts(form) {
  const url = form.dataset.draftUrl;
  const status = form.querySelector("[data-draft-status]");
  const draftId = form.querySelector("[data-draft-id]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  let timer = 0;
  let saving = false;
  const save = async () => {
    if (saving) return;
    saving = true;
    const body = new FormData(form);
    body.delete("attachments");
    body.delete("drive_files");
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (response.ok) {
        draftId.value = answer.draft;
        if (status) status.textContent = answer.message;
      } else if (status) {
        status.textContent = answer.error || "";
      }
    } catch (error) {
      if (status) status.textContent = "";
    } finally {
      saving = false;
    }
  };
  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DRAFT_DELAY_MS);
  });
  form.addEventListener("submit", () => window.clearTimeout(timer));
}

function move(items, step) {
  if (!items.length) return;
  const index = items.findIndex(
    (item) => item === document.activeElement || item.contains(document.activeElement),
  );
  const next = items[Math.max(0, Math.min(items.length - 1, index + step))];
  if (index === -1) items[0].focus();
  else next.focus();
}

function setUpShortcuts(root) {
  const help = root.querySelector("[data-mail-help]");
  root.querySelectorAll("[data-mail-help-open]").forEach((button) => {
    button.addEventListener("click", () => help?.showModal());
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const items = Array.from(root.querySelectorAll("[data-mail-item]"));
    const click = (key) => {
      const target = root.querySelector(`[data-shortcut="${key}"]`);
      if (!target) return false;
      target.click();
      return true;
    };
    let handled = true;
    switch (event.key) {
      case "c":
        handled = click("c");
        break;
      case "r":
      case "a":
      case "f":
      case "#":
        handled = click(event.key);
        break;
      case "j":
        move(items, 1);
        break;
      case "k":
        move(items, -1);
        break;
      case "?":
        if (help) help.showModal();
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
}

export function setUpMail(root) {
  const mail = root.querySelector("[data-mail]");
  if (!mail) return;
  setUpShortcuts(mail);
  mail.querySelectorAll("form[data-mail-compose]").forEach(setUpDrafts);
}
