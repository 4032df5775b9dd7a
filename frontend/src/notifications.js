// The bell in the page header: listens to the events websocket and, when a notification
// arrives, updates the unread count and says it in a polite live region (shown as a toast).
// A lost socket is tried again, less and less often (a proxy that does not pass websockets
// must not be hammered).
const FIRST_RETRY_MS = 5000;
const LAST_RETRY_MS = 300000;

function socketUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws/events/`;
}

function show(root, payload) {
  const count = root.querySelector("[data-unread-count]");
  const badge = root.querySelector("[data-unread]");
  if (count && typeof payload.unread === "number") {
    count.textContent = String(payload.unread);
    if (badge) badge.hidden = payload.unread === 0;
  }
  const live = root.querySelector("[data-notifications-live]");
  if (live) {
    live.textContent = "";
    const link = document.createElement("a");
    link.textContent = payload.text;
    link.href = payload.url || "/notifications/";
    live.append(link);
    live.classList.add("live-toast--shown");
  }
}

export function setUpNotifications(root) {
  if (!root.querySelector("[data-notifications-bell]") || !("WebSocket" in window)) return;
  let retry = FIRST_RETRY_MS;
  const connect = () => {
    const socket = new WebSocket(socketUrl());
    socket.addEventListener("open", () => {
      retry = FIRST_RETRY_MS;
      document.documentElement.dataset.eventsConnected = "true";
    });
    socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.type === "notification.created") show(root, event.payload);
    });
    socket.addEventListener("close", (closing) => {
      delete document.documentElement.dataset.eventsConnected;
      // 4401: not signed in any more; anything else: try again later.
      if (closing.code === 4401) return;
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, LAST_RETRY_MS);
    });
  };
  connect();
}
