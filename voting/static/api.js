// The HTTP API and the watcher WebSocket, as the console, the display and the print sheets
// use them.

import { lang } from "./i18n.js";
import { ReconnectingSocket, socketUrl } from "/static/common/socket.js";

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
 * A watcher WebSocket (/ws/meetings/{m}/watch): hello with the token, then state pushes, on the
 * reconnecting socket every page shares. `onStatus` hears "connecting", "online",
 * "reconnecting" or "refused" (the token was not accepted: no more attempts).
 */
export class Watcher {
  constructor(meeting, token, { onState, onStatus = () => {}, onRefused = () => {} }) {
    const path = `/ws/meetings/${encodeURIComponent(meeting)}/watch`;
    this.socket = new ReconnectingSocket(socketUrl(path), {
      hello: () => ({ type: "hello", token }),
      onMessage: (message) => {
        if (message.type === "welcome") onState(message.state, message.role);
        else if (message.type === "state") onState(message.state);
      },
      onStatus: (status) => onStatus(status === "offline" ? "reconnecting" : status),
      // Refused at hello (bad or expired token, no such meeting): retrying will not help.
      onRefused: (message) => onRefused(new ApiError(401, message)),
    });
  }

  start() {
    this.socket.start();
  }

  stop() {
    this.socket.stop();
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
