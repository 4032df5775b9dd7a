// The wiki editor: a formatting toolbar over the Markdown text and a live preview, asked of the
// server (which renders and sanitises it exactly as the page will show).
const PREVIEW_DELAY_MS = 400;

function insert(textarea, button) {
  const before = button.dataset.insert || "";
  const after = button.dataset.close ?? (button.hasAttribute("data-wrap") ? before : "");
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  let text;
  let caret;
  if (button.hasAttribute("data-line")) {
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    text = value.slice(0, lineStart) + before + value.slice(lineStart);
    caret = end + before.length;
  } else if (button.hasAttribute("data-block")) {
    const prefix = start > 0 && value[start - 1] !== "\n" ? "\n\n" : "";
    text = value.slice(0, start) + prefix + before + value.slice(end);
    caret = start + prefix.length + before.length;
  } else {
    text = value.slice(0, start) + before + value.slice(start, end) + after + value.slice(end);
    caret = end + before.length;
  }
  textarea.value = text;
  textarea.focus();
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new Event("input"));
}

function setUpEditor(form) {
  const textarea = form.querySelector("textarea");
  const toolbar = form.querySelector(".wiki-editor__toolbar");
  const preview = form.querySelector(".wiki-editor__preview");
  if (!textarea) return;
  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-insert]");
      if (button) insert(textarea, button);
    });
  }
  if (!preview) return;
  preview.hidden = false;
  const target = preview.querySelector(".wiki-content");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  let timer = 0;
  const refresh = async () => {
    const body = new URLSearchParams({ body: textarea.value });
    const response = await fetch(form.dataset.previewUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
    if (response.ok) target.innerHTML = await response.text();
  };
  textarea.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, PREVIEW_DELAY_MS);
  });
  refresh();
}

export function setUpWikiEditors(root) {
  root.querySelectorAll("form.wiki-editor[data-preview-url]").forEach(setUpEditor);
}
