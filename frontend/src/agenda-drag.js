// Dragging an event in the week or day grid moves it; dragging its bottom edge resizes it.
// A convenience only: without the script, or from the keyboard, the event's form does the same.
// The server decides (conflicts, rights) and the page reloads to show what it decided, with
// the reason of a refusal among the page's messages.

const SLOT_MINUTES = 15;
const EDGE_PIXELS = 8;
const THRESHOLD_PIXELS = 5;

function csrfToken(root) {
  const input = root.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function pad(number) {
  return String(number).padStart(2, "0");
}

// Wall-clock "YYYY-MM-DDTHH:MM" arithmetic without time zones: the server reads it in the
// calendar's zone, so no browser zone conversion may slip in.
function toMinutes(text) {
  const [day, time] = text.split("T");
  const [year, month, date] = day.split("-").map(Number);
  const [hours, minutes] = time.split(":").map(Number);
  return Date.UTC(year, month - 1, date, hours, minutes) / 60000;
}

function fromMinutes(total) {
  const moment = new Date(total * 60000);
  return `${moment.getUTCFullYear()}-${pad(moment.getUTCMonth() + 1)}-${pad(moment.getUTCDate())}T${pad(moment.getUTCHours())}:${pad(moment.getUTCMinutes())}`;
}

function slotAt(event) {
  const target = document.elementFromPoint(event.clientX, event.clientY);
  const slots = target ? target.closest(".agenda-day__slots") : null;
  if (!slots) return null;
  const box = slots.getBoundingClientRect();
  const rowHeight = parseFloat(getComputedStyle(slots).gridTemplateRows.split(" ")[0]) || 12;
  const row = Math.max(0, Math.floor((event.clientY - box.top) / rowHeight));
  const firstHour = Number(slots.dataset.firstHour);
  return toMinutes(`${slots.dataset.day}T${pad(firstHour)}:00`) + row * SLOT_MINUTES;
}

function send(item, start, end, root) {
  const body = new URLSearchParams({ start, end, etag: item.dataset.etag });
  return fetch(item.dataset.move, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(root), "X-Requested-With": "fetch" },
    body,
  }).finally(() => window.location.reload());
}

function follow(item, down, root) {
  const box = item.getBoundingClientRect();
  const resizing = box.bottom - down.clientY <= EDGE_PIXELS;
  const start = toMinutes(item.dataset.start);
  const end = toMinutes(item.dataset.end);
  const grabbed = slotAt(down);
  let moved = false;
  let last = down;

  function onMove(event) {
    last = event;
    const dx = event.clientX - down.clientX;
    const dy = event.clientY - down.clientY;
    if (!moved && Math.hypot(dx, dy) < THRESHOLD_PIXELS) return;
    moved = true;
    item.classList.add("agenda-event--dragging");
    // Let the pointer see through the dragged event to the day under it.
    item.style.pointerEvents = "none";
    if (resizing) {
      item.style.height = `${Math.max(box.height + dy, 8)}px`;
    } else {
      item.style.transform = `translate(${dx}px, ${dy}px)`;
    }
  }

  function onUp() {
    document.removeEventListener("pointermove", onMove);
    document.removeEventListener("pointerup", onUp);
    if (!moved) return;
    // The link under the pointer must not open after a drag.
    item.addEventListener("click", (event) => event.preventDefault(), { once: true, capture: true });
    const dropped = slotAt(last);
    if (dropped === null || grabbed === null) {
      window.location.reload();
      return;
    }
    const shift = dropped - grabbed;
    if (resizing) {
      send(item, fromMinutes(start), fromMinutes(Math.max(end + shift, start + SLOT_MINUTES)), root);
    } else {
      send(item, fromMinutes(start + shift), fromMinutes(end + shift), root);
    }
  }

  document.addEventListener("pointermove", onMove);
  document.addEventListener("pointerup", onUp);
}

export function setUpAgendaDrag(root) {
  for (const item of root.querySelectorAll(".agenda-event[data-move]")) {
    item.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || !window.matchMedia("(min-width: 48rem)").matches) return;
      event.preventDefault();
      follow(item, event, root);
    });
  }
}
