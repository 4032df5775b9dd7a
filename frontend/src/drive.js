// The drive's uploads: files chosen with the button, a whole folder, or dropped on the listing
// (many files, folders too) are sent in chunks through the resumable upload API. After a
// network cut the script asks the server how far it got and goes on from there, again and
// again, so the progress bar survives. Without this script the form posts the files as usual.

const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // Coming back online retries at once instead of waiting for the end of the delay.
    window.addEventListener("online", () => { clearTimeout(timer); resolve(); }, { once: true });
    if (signal) signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); });
  });
}

class HttpError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function request(url, options) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  let body = null;
  if (response.status !== 204) {
    try { body = await response.json(); } catch (_) { body = null; }
  }
  if (!response.ok) throw new HttpError(response.status, body);
  return body;
}

// A row of the upload panel: name, progress bar and a sentence for screen readers.
function progressRow(panel, name, size) {
  const item = document.createElement("li");
  item.className = "upload";
  const label = document.createElement("span");
  label.className = "upload__name";
  label.textContent = name;
  const bar = document.createElement("progress");
  bar.className = "upload__bar";
  bar.max = Math.max(size, 1);
  bar.value = 0;
  bar.setAttribute("aria-label", name);
  const state = document.createElement("span");
  state.className = "upload__state";
  item.append(label, bar, state);
  panel.querySelector("ul").append(item);
  panel.hidden = false;
  const percent = (offset) => Math.floor((100 * offset) / Math.max(size, 1));
  return {
    progress(offset) {
      bar.value = size === 0 ? 1 : offset;
      state.textContent = `${percent(offset)} %`;
    },
    waiting(seconds) {
      item.classList.add("upload--waiting");
      state.textContent = panel.dataset.waiting.replace("%s", String(seconds));
    },
    resumed() { item.classList.remove("upload--waiting"); },
    done() {
      bar.value = bar.max;
      item.classList.add("upload--done");
      state.textContent = panel.dataset.done;
    },
    failed(message) {
      item.classList.add("upload--failed");
      state.textContent = message;
      state.setAttribute("role", "alert");
    },
  };
}

// Where an upload of this file already started (a reload, a crash): its session's address.
function rememberKey(folder, path, file) {
  return `beffroi-envoi:${folder}:${path}:${file.size}:${file.lastModified}`;
}

async function uploadOne(form, panel, file, path) {
  const row = progressRow(panel, path, file.size);
  const headers = { "X-CSRFToken": csrfToken(form) };
  const key = rememberKey(form.dataset.parent, path, file);
  const chunkBytes = Number(form.dataset.chunkBytes) || 8 * 1024 * 1024;
  let url = null;
  let offset = 0;
  let failures = 0;

  const saved = window.localStorage ? localStorage.getItem(key) : null;
  if (saved) {
    try {
      offset = (await request(saved, { headers })).offset;
      url = saved;
    } catch (_) {
      localStorage.removeItem(key);
    }
  }
  for (;;) {
    try {
      if (url === null) {
        const started = await request(form.dataset.uploadStart, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify({ parent: form.dataset.parent, path, size: file.size }),
        });
        url = started.url;
        offset = started.offset;
        if (window.localStorage) localStorage.setItem(key, url);
      }
      row.progress(offset);
      while (offset < file.size) {
        const chunk = file.slice(offset, offset + chunkBytes);
        const answer = await request(url, {
          method: "PUT",
          headers: { ...headers, "Upload-Offset": String(offset), "Content-Type": "application/octet-stream" },
          body: chunk,
        });
        offset = answer.offset;
        failures = 0;
        row.progress(offset);
      }
      await request(`${url}terminer/`, { method: "POST", headers });
      if (window.localStorage) localStorage.removeItem(key);
      row.done();
      return true;
    } catch (error) {
      if (error instanceof HttpError && error.status === 409 && typeof error.body.offset === "number") {
        offset = error.body.offset; // the server has more (or less) than we thought: go on from there
        continue;
      }
      if (error instanceof HttpError && error.status < 500 && error.status !== 408 && error.status !== 429) {
        if (error.status === 404 && url !== null) {
          // The upload was forgotten (abandoned too long): start again from zero.
          if (window.localStorage) localStorage.removeItem(key);
          url = null;
          offset = 0;
          continue;
        }
        row.failed(error.message);
        return false;
      }
      // A network cut or a server in trouble: wait, then ask the server where it stands.
      const delay = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length - 1)];
      failures += 1;
      row.waiting(Math.round(delay / 1000));
      await sleep(delay);
      row.resumed();
      if (url !== null) {
        try {
          offset = (await request(url, { headers })).offset;
        } catch (_) {
          // Still cut off: the next round waits longer.
        }
      }
    }
  }
}

async function uploadAll(form, panel, entries) {
  if (!entries.length) return;
  let allDone = true;
  // One file after the other: a commune's uplink is rarely wider than one stream.
  for (const { file, path } of entries) {
    const done = await uploadOne(form, panel, file, path);
    allDone = allDone && done;
  }
  if (allDone) {
    window.location.reload();
  } else {
    const reload = panel.querySelector(".upload-panel__reload");
    if (reload) reload.hidden = false;
  }
}

// Files of a dropped folder, with their paths, read through the entries API.
function readEntry(entry, prefix) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((file) => resolve([{ file, path: prefix + file.name }]), () => resolve([]));
      return;
    }
    const reader = entry.createReader();
    const found = [];
    const readBatch = () => {
      reader.readEntries(async (batch) => {
        if (!batch.length) {
          resolve(found);
          return;
        }
        for (const child of batch) {
          found.push(...(await readEntry(child, `${prefix}${entry.name}/`)));
        }
        readBatch();
      }, () => resolve(found));
    };
    readBatch();
  });
}

async function droppedFiles(dataTransfer) {
  const items = Array.from(dataTransfer.items || []);
  const entries = items.map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) {
    return Array.from(dataTransfer.files || []).map((file) => ({ file, path: file.name }));
  }
  const found = [];
  for (const entry of entries) found.push(...(await readEntry(entry, "")));
  return found;
}

export function setUpDriveUploads(root) {
  const form = root.querySelector("form.drive-upload[data-upload-start]");
  const panel = root.getElementById("envois");
  if (!form || !panel) return;
  const filesInput = form.querySelector("input[type=file][multiple]");
  const folderInput = form.querySelector("input[webkitdirectory]");

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = Array.from(filesInput.files || []).map((file) => ({ file, path: file.name }));
    const folder = folderInput
      ? Array.from(folderInput.files || []).map((file) => ({ file, path: file.webkitRelativePath || file.name }))
      : [];
    uploadAll(form, panel, chosen.concat(folder));
  });

  const zone = root.querySelector("[data-drop-zone]");
  if (!zone) return;
  let depth = 0;
  zone.addEventListener("dragenter", (event) => {
    event.preventDefault();
    depth += 1;
    zone.classList.add("drop-zone--active");
  });
  zone.addEventListener("dragover", (event) => event.preventDefault());
  zone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove("drop-zone--active");
  });
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    depth = 0;
    zone.classList.remove("drop-zone--active");
    uploadAll(form, panel, await droppedFiles(event.dataTransfer));
  });
}
