// The HTTP API and the watcher WebSocket, as the console, the display and the print sheets
// use them.

import { lang } from "./i18n.js";

/** An error the server (or the network) reported, with its message in both languages. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.message_en || body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.error || "http-error";
    this.zh = body.message || `请求失败（HTTP ${status}）`;
    this.en = body.message_en || `request failed (HTTP ${status})`;
    this.details = body.details || {};
  }

  /** The message in the page's language. */
  get text() {
    return lang() === "en" ? this.en : this.zh;
  }
}

const NETWORK = {
  error: "network",
  message: "无法连接服务器，请检查网络",
  message_en: "cannot reach the server",
};

/** Milliseconds to add to the local clock to get the server's (from the HTTP Date header). */
let serverOffset = 0;

export function serverNow() {
  return Date.now() + serverOffset;
}

function noteServerTime(response) {
  const date = Date.parse(response.headers.get("date") || "");
  if (Number.isNaN(date)) return;
  const offset = date - Date.now();
  // The header has whole seconds: only correct a clock that is clearly off.
  serverOffset = Math.abs(offset) > 2000 ? offset : 0;
}

/** Call the API; resolves to the JSON (or text) answer, rejects with an ApiError. */
export async function call(method, path, { token = null, body = undefined, text = false } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, NETWORK);
  }
  noteServerTime(response);
  if (!response.ok) {
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    throw new ApiError(response.status, data);
  }
  if (text) return response.text();
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/**
 * A watcher WebSocket (/ws/meetings/{m}/watch): hello with the token, then state pushes.
 * Reconnects by itself with a growing pause; `onStatus` hears "connecting", "online",
 * "reconnecting" or "refused" (the token was not accepted: no more attempts).
 */
export class Watcher {
  constructor(meeting, token, { onState, onStatus = () => {}, onRefused = () => {} }) {
    this.meeting = meeting;
    this.token = token;
    this.onState = onState;
    this.onStatus = onStatus;
    this.onRefused = onRefused;
    this.socket = null;
    this.stopped = false;
    this.attempt = 0;
    this.timer = null;
    this.pinger = null;
    this.lastHeard = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) this.socket.close(1000);
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const path = `/ws/meetings/${encodeURIComponent(this.meeting)}/watch`;
    const url = `${scheme}://${location.host}${path}`;
    this.onStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let welcomed = false;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", token: this.token }));
    });
    socket.addEventListener("message", (event) => {
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") {
        welcomed = true;
        this.attempt = 0;
        this.onStatus("online");
        this.onState(message.state, message.role);
      } else if (message.type === "state") {
        this.onState(message.state);
      } else if (message.type === "error" && !welcomed) {
        // Refused at hello (bad or expired token, no such meeting): retrying will not help.
        this.stopped = true;
        this.onStatus("refused");
        this.onRefused(new ApiError(401, message));
      }
    });
    socket.addEventListener("close", () => {
      clearInterval(this.pinger);
      if (this.socket === socket) this.socket = null;
      if (!this.stopped) this.retry();
    });
    clearInterval(this.pinger);
    this.lastHeard = Date.now();
    this.pinger = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastHeard > 45000) {
        socket.close(); // nothing heard for too long: reconnect
        return;
      }
      socket.send(JSON.stringify({ type: "ping" }));
    }, 15000);
  }

  retry() {
    this.attempt += 1;
    this.onStatus("reconnecting");
    const delay = Math.min(10000, 500 * 2 ** Math.min(this.attempt, 5));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/**
 * The token a page was given: #token=… in its address (the fragment never reaches the server,
 * so it is in no access log), else the console's login. A ?token=… query is not read.
 */
export function pageToken() {
  const fromFragment = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  return fromFragment || sessionStorage.getItem("congress-token") || "";
}
