// The feature app page's live connection to the user's instance (through the gateway). When the
// socket closes (the instance restarted, the network dropped) it reconnects by itself, waiting
// longer after each failure; a ping every 25 s keeps idle proxies from closing a quiet socket.
// The status texts come from data- attributes the server rendered in the page's language.
const status = document.getElementById("connection-status");
const PING_EVERY_MS = 25_000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
let failures = 0;
let pingId = 0;

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/app/ws`);
  let pinger;
  socket.addEventListener("open", () => {
    failures = 0;
    status.textContent = status.dataset.connected;
    pinger = setInterval(() => socket.send(JSON.stringify({ type: "ping", id: ++pingId })), PING_EVERY_MS);
  });
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") showProgress(event.data);
  });
  socket.addEventListener("close", () => {
    clearInterval(pinger);
    failures += 1;
    status.textContent = status.dataset.reconnecting.replace("{attempt}", String(failures));
    setTimeout(connect, Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS));
  });
}

// Long imports and exports report {type:"progress", task, done, total}; every <progress
// data-progress-task=…> for that task on the page follows it.
function showProgress(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  if (message.type !== "progress" || typeof message.task !== "string") return;
  for (const bar of document.querySelectorAll("progress[data-progress-task]")) {
    if (bar.dataset.progressTask !== message.task) continue;
    bar.max = Math.max(1, message.total);
    bar.value = message.done;
    bar.hidden = message.done >= message.total;
  }
}

// An upload's own progress, as the browser reports it to htmx.
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.querySelector?.("[data-upload-progress]");
  if (bar && event.detail.lengthComputable) {
    bar.max = event.detail.total;
    bar.value = event.detail.loaded;
  }
});

connect();
