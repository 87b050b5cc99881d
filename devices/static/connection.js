// The tablet's WebSocket to the meeting server: challenge, hello, then live state. On a lost
// connection it reports "offline" and reconnects with backoff; a heartbeat ping every 10 s notices a silent
// network. The browser's offline event closes the socket at once (a WebSocket can outlive the
// network for minutes), and the online event reconnects without waiting.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const PING_MS = 10_000;
const SILENCE_MS = 25_000;

export class Connection {
  /**
   * `hello(nonce)` gives (or promises) the hello message answering the server's challenge; `onMessage(msg)` gets every message (the welcome first,
   * before the status turns "online"); `onStatus(status)` gets "connecting" | "online" |
   * "offline"; `onRefused(error)` gets an error answered to the hello (no reconnection then).
   */
  constructor(url, { hello, onMessage, onStatus, onRefused }) {
    this.url = url;
    this.hello = hello;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onRefused = onRefused;
    this.ws = null;
    this.welcomed = false;
    this.status = "connecting";
    this.attempt = 0;
    this.retry = null;
    this.stopped = false;
    this.lastHeard = 0;
    this.pings = 0;
  }

  start() {
    window.addEventListener("offline", () => this.drop());
    window.addEventListener("online", () => {
      this.attempt = 0;
      this.open();
    });
    setInterval(() => this.heartbeat(), PING_MS);
    this.open();
  }

  setStatus(status) {
    if (status !== this.status) {
      this.status = status;
      this.onStatus(status);
    }
  }

  open() {
    clearTimeout(this.retry);
    this.retry = null;
    if (this.stopped || this.ws) return;
    if (!navigator.onLine) {
      this.setStatus("offline");
      return; // the online event reconnects
    }
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.welcomed = false;
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!this.welcomed) {
        if (message.type === "challenge") {
          // The hello answers the server's challenge, signed with the device key.
          Promise.resolve(this.hello(message.nonce)).then((hello) => {
            if (this.ws === ws) ws.send(JSON.stringify(hello));
          });
        } else if (message.type === "welcome") {
          this.welcomed = true;
          this.attempt = 0;
          this.onMessage(message);
          this.setStatus("online");
        } else if (message.type === "error") {
          this.stopped = true;
          this.drop();
          this.onRefused(message);
        }
        return;
      }
      this.onMessage(message);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      this.setStatus("offline");
      this.schedule();
    };
  }

  schedule() {
    if (this.stopped || this.retry || !navigator.onLine) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.retry = setTimeout(() => this.open(), delay * (1 + Math.random() * 0.3));
  }

  /** Close the socket now (network gone or silent) and show the tablet as offline. */
  drop() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
    this.setStatus("offline");
  }

  heartbeat() {
    if (!this.ws || !this.welcomed) return;
    if (Date.now() - this.lastHeard > SILENCE_MS) {
      this.drop();
      this.schedule();
      return;
    }
    this.pings += 1;
    this.send({ type: "ping", id: `ping-${this.pings}` });
  }

  /** Send a message if connected and welcomed; false otherwise. */
  send(message) {
    if (!this.ws || !this.welcomed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }
}
