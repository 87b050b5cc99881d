// What the parts of the chair console share: the session, the meeting's state, the notice line,
// API calls and the one dialog.

import { ApiError, call } from "./api.js";
import { $, fill, h } from "/static/common/dom.js";
import { t } from "./i18n.js";

export const ctx = {
  token: "",
  username: "",
  role: "",
  meeting: "",
  /** The console view of the meeting, as the watcher WebSocket last sent it. */
  state: null,
  /** Sample poll definitions by item, for the meeting (prefill of the open-vote dialog). */
  definitions: {},
  /** Does the server print pairing cards? */
  pairingCard: false,
  /** Called when the session is no longer valid. */
  onExpired: () => {},
};

export function meetingPath(suffix = "") {
  return `/api/meetings/${encodeURIComponent(ctx.meeting)}${suffix}`;
}

/** An authenticated API call; an expired session sends the chair back to the login form. */
export async function api(method, path, body) {
  try {
    return await call(method, path, { token: ctx.token, body });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) ctx.onExpired();
    throw error;
  }
}

let noticeTimer = null;

/** The status line under the top bar: what just happened, or what went wrong. */
export function notify(text, tone = "ok") {
  const el = $("#notice");
  el.textContent = text;
  el.className = `notice ${tone}`;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    el.textContent = "";
    el.className = "notice";
  }, 8000);
}

/** Run an action from a button: success → notice, failure → the server's message. */
export async function run(action, doneText) {
  try {
    const answer = await action();
    if (doneText) notify(doneText, "ok");
    return answer;
  } catch (error) {
    notify(error instanceof ApiError ? error.text : String(error), "error");
    return undefined;
  }
}

/**
 * Open a page of the API that needs the login (a printable pairing card) in a new window.
 * The page's HTML is fetched with the token, then moved into a blank window of this origin;
 * its styles become a constructed style sheet, since this site's policy allows no inline
 * styles and runs no scripts from it.
 */
export async function openAuthorisedPage(path) {
  const win = window.open("", "_blank");
  if (!win) throw new Error("popup blocked");
  let html;
  try {
    html = await call("GET", path, { token: ctx.token, text: true });
  } catch (error) {
    win.close();
    throw error;
  }
  const source = new DOMParser().parseFromString(html, "text/html");
  const target = win.document;
  target.title = source.title;
  target.documentElement.lang = source.documentElement.lang || "zh-CN";
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(
    [...source.querySelectorAll("style")].map((style) => style.textContent).join("\n"),
  );
  target.adoptedStyleSheets = [sheet];
  for (const script of source.querySelectorAll("script, style, link")) script.remove();
  target.body.replaceChildren(
    ...[...source.body.childNodes].map((node) => target.importNode(node, true)),
  );
  return win;
}

// The dialog ------------------------------------------------------------------------------------

const dialog = () => $("#dialog");

/**
 * Show the dialog. `actions`: [{label, tone: "primary" | "danger" | undefined, run}] where `run`
 * is async and returns false to keep the dialog open; an ApiError it throws is shown inside.
 */
export function openDialog({ title, body = [], actions = [], cancel = t("act_cancel") }) {
  const el = dialog();
  fill($("#dialog-title"), title);
  fill($("#dialog-body"), ...body);
  dialogError("");
  const buttons = actions.map((action) => {
    const button = h("button", { type: "button", class: action.tone || "secondary" }, action.label);
    button.addEventListener("click", async () => {
      dialogError("");
      for (const b of el.querySelectorAll("button")) b.disabled = true;
      try {
        const keep = (await action.run()) === false;
        if (!keep) closeDialog();
      } catch (error) {
        dialogError(error instanceof ApiError ? error.text : String(error.message || error));
      } finally {
        for (const b of el.querySelectorAll("button")) b.disabled = false;
      }
    });
    return button;
  });
  const close = h("button", { type: "button", class: "secondary", onclick: closeDialog }, cancel);
  fill($("#dialog-actions"), ...buttons, close);
  if (!el.open) el.showModal();
  const first = el.querySelector("#dialog-body input, #dialog-body textarea, #dialog-body select");
  (first || buttons[0] || close).focus();
}

export function dialogError(text) {
  $("#dialog-error").textContent = text;
}

export function closeDialog() {
  const el = dialog();
  if (el.open) el.close();
}

/** A labelled form field: label text, then the control (input, select or textarea). */
export function field(id, labelText, control, help = null) {
  control.id = id;
  const helpId = help ? `${id}-help` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, labelText),
    control,
    help ? h("p", { class: "help", id: helpId }, help) : null,
  );
}
