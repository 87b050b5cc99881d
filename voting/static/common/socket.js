// One reconnecting WebSocket for every page: the tablet's connection and the watchers of the
// console, the hall display and the print sheets.
//
// It sends the page's hello when the socket opens (or, on a `challenged` socket such as the
// tablet's, in answer to the server's challenge) and waits for the welcome; an error answered
// to the hello means "refused" (a revoked tablet, an expired token): no more attempts then.
// A ping goes out every `pingMs`; nothing heard for `silenceMs` closes the socket, since a
// WebSocket can outlive its network for minutes. A lost socket is reopened after a backoff
// that grows per failed attempt, with jitter so that a hall of tablets does not reconnect in
// one burst. The browser's offline event drops the socket at once, its online event reconnects
// without waiting.
//
// A socket may be given several addresses: the same endpoint on the two servers of a
// primary/standby pair (docs/operations.md §14). It keeps to the one that welcomed it last; an
// attempt that fails before its welcome — no answer within `connectMs`, a closed connection, or
// a server on standby (error `standby`, 「备用服务器待命中」) — moves on to the next address, and
// the backoff grows once per round of all the addresses. Only the socket moves: the page
// stays where it was loaded from, and reads over HTTP from `origin`, the server in use.

// Timeouts (milliseconds)
export const DEFAULTS = {
  pingMs: 10_000, // a ping this often while connected
  silenceMs: 25_000, // nothing heard for this long: the connection is dead
  backoffMs: [500, 1000, 2000, 4000, 8000], // pause before attempt n (the last one repeats)
  jitter: 0.3, // each pause is stretched by up to this share, at random
  connectMs: 8_000, // no welcome this soon after opening: the server is not answering
};

/** The error of a server whose database is a standby not yet promoted: try elsewhere. */
const STANDBY = "standby";

/** The refusal reported when the page cannot make its hello. */
const HELLO_FAILED = {
  type: "error",
  error: "hello-failed",
  message: "无法生成连接请求",
  message_en: "the hello could not be made",
};

/** The pause before reconnection attempt `attempt` (0-based), jitter included. */
export function backoffDelay(attempt, { backoffMs, jitter } = DEFAULTS, random = Math.random) {
  const base = backoffMs[Math.min(attempt, backoffMs.length - 1)];
  return base * (1 + random() * jitter);
}

/** ws:// or wss:// for a path on this page's server, or on the server at `origin`
 * (`https://host:port`). */
export function socketUrl(path, origin = location.origin) {
  const { protocol, host } = new URL(origin);
  return `${protocol === "https:" ? "wss" : "ws"}://${host}${path}`;
}

export class ReconnectingSocket {
  /**
   * `url` is the socket's address, or a list of addresses tried in turn (see above).
   * `hello(nonce)` gives (or promises) the hello message — on a `challenged` socket it answers
   * the nonce of the server's challenge; `onMessage(msg)` gets every message after the hello
   * (the welcome first, before the status turns "online"); `onStatus(status)` hears
   * "connecting" | "online" | "offline" | "refused"; `onRefused(error)` gets the error answered
   * to the hello. `options` override DEFAULTS.
   */
  constructor(
    url,
    { hello, onMessage, onStatus = () => {}, onRefused = () => {}, challenged = false, ...options },
  ) {
    this.urls = Array.isArray(url) ? [...url] : [url];
    this.current = 0; // the address in use, or tried next
    this.hello = hello;
    this.challenged = challenged;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onRefused = onRefused;
    this.options = { ...DEFAULTS, ...options };
    this.ws = null;
    this.welcomed = false;
    this.status = null;
    this.attempt = 0;
    this.retry = null;
    this.pinger = null;
    this.opening = null; // the timer that gives up on a connection not yet welcomed
    this.stopped = false;
    this.lastHeard = 0;
    this.pings = 0;
    this.goneOffline = () => this.drop();
    this.cameOnline = () => {
      this.attempt = 0;
      this.open();
    };
  }

  /** The address in use (or tried next). */
  get url() {
    return this.urls[this.current];
  }

  /** The HTTP origin (`https://host:port`) of the server in use (or tried next). */
  get origin() {
    const { protocol, host } = new URL(this.url);
    return `${protocol === "wss:" ? "https" : "http"}://${host}`;
  }

  start() {
    this.stopped = false;
    window.addEventListener("offline", this.goneOffline);
    window.addEventListener("online", this.cameOnline);
    this.pinger = setInterval(() => this.heartbeat(), this.options.pingMs);
    this.setStatus("connecting");
    this.open();
  }

  /** Close for good: no reconnection, and no more status reports. */
  stop() {
    this.stopped = true;
    window.removeEventListener("offline", this.goneOffline);
    window.removeEventListener("online", this.cameOnline);
    clearInterval(this.pinger);
    clearTimeout(this.retry);
    this.drop(null);
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
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.setStatus("offline");
      this.schedule();
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    this.lastHeard = Date.now();
    clearTimeout(this.opening);
    this.opening = setTimeout(() => {
      if (this.ws === ws && !this.welcomed) this.unanswered();
    }, this.options.connectMs);
    ws.onopen = () => {
      if (!this.challenged) this.sendHello(ws);
    };
    ws.onmessage = (event) => this.receive(ws, event.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      if (!this.welcomed) {
        this.unanswered();
        return;
      }
      this.ws = null;
      this.welcomed = false;
      this.setStatus("offline");
      this.schedule();
    };
  }

  /** The attempt at this address failed before its welcome: drop it and try the next one. */
  unanswered() {
    this.drop();
    this.current = (this.current + 1) % this.urls.length;
    if (this.current === 0) this.attempt += 1; // one more round of every address
    this.schedule(false);
  }

  receive(ws, data) {
    if (this.ws !== ws) return;
    this.lastHeard = Date.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (this.welcomed) {
      this.onMessage(message);
    } else if (message.type === "challenge" && this.challenged) {
      this.sendHello(ws, message.nonce);
    } else if (message.type === "welcome") {
      this.welcomed = true;
      clearTimeout(this.opening);
      this.attempt = 0;
      this.onMessage(message);
      this.setStatus("online");
    } else if (message.type === "error" && message.error === STANDBY) {
      this.unanswered();
    } else if (message.type === "error") {
      this.stopped = true;
      this.drop("refused");
      this.onRefused(message);
    }
  }

  /** Send the hello (for `nonce`, on a challenged socket) if `ws` is still this socket's. */
  sendHello(ws, nonce) {
    Promise.resolve()
      .then(() => this.hello(nonce))
      .then(
        (hello) => {
          if (this.ws === ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(hello));
        },
        (reason) => {
          // No hello can be made (e.g. no device key): refused, as the server would.
          if (this.ws !== ws) return;
          this.stopped = true;
          this.drop("refused");
          this.onRefused(reason?.type === "error" ? reason : HELLO_FAILED);
        },
      );
  }

  /** Open again after the backoff; `count` false: the attempt was counted already. */
  schedule(count = true) {
    if (this.stopped || this.retry || !navigator.onLine) return;
    const delay = backoffDelay(this.attempt, this.options);
    if (count) this.attempt += 1;
    this.retry = setTimeout(() => this.open(), delay);
  }

  /** Close the socket now (network gone, silent, or refused) and report `status` (if any). */
  drop(status = "offline") {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    clearTimeout(this.opening);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
    if (status) this.setStatus(status);
  }

  heartbeat() {
    if (!this.ws || !this.welcomed) return;
    if (Date.now() - this.lastHeard > this.options.silenceMs) {
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
