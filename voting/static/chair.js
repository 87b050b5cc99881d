// The chair console: log in, pick a meeting, then run it — seats, agenda, votes — live.

import { ApiError, Watcher, call } from "./api.js";
import { renderAccounts, renderRunners } from "./chair-accounts.js";
import { renderAgenda } from "./chair-agenda.js";
import { api, ctx, meetingPath, notify, openAuthorisedPage, run } from "./chair-context.js";
import { openPrint, renderPoll, tick } from "./chair-poll.js";
import { renderHistory } from "./chair-history.js";
import { renderProposals } from "./chair-proposals.js";
import { renderBodies } from "./chair-bodies.js";
import { renderSpeaking } from "./chair-speaking.js";
import { renderNotices } from "./chair-notices.js";
import { renderSplitView } from "./split-view.js";
import { renderAbsences } from "./chair-absences.js";
import { renderProjects } from "./chair-projects.js";
import { renderCeremony } from "./chair-ceremony.js";
import { renderAttendance, renderSeats } from "./chair-seats.js";
import { CHAIR_WORDS } from "./chair-words.js";
import { FORM_WORDS } from "./chair-form-words.js";
import { $, fill, h } from "/static/common/dom.js";
import { onLang, register, setupLanguage, t } from "./i18n.js";

register(CHAIR_WORDS);
register(FORM_WORDS);

const SESSION = "congress-token";
const PAIRING_CARD = "/api/meetings/{meeting}/deputies/{deputy}/pairing-card";
const PAIRING_CARDS = "/api/meetings/{meeting}/pairing-cards";
let watcher = null;
let connection = "connecting";

function show(view) {
  for (const id of ["login-view", "picker-view", "meeting-view"]) $(`#${id}`).hidden = id !== view;
  const inside = view !== "login-view";
  $("#logout").hidden = !inside;
  $("#change-meeting").hidden = view !== "meeting-view";
  $("#open-display").hidden = view !== "meeting-view";
  $("#open-minutes").hidden = view !== "meeting-view";
  $("#conn").hidden = view !== "meeting-view";
  if (view !== "meeting-view") $("#meeting-title").textContent = "";
}

// Session ----------------------------------------------------------------------------------------

function remember(answer) {
  ctx.token = answer.token;
  ctx.username = answer.username;
  ctx.role = answer.role;
  sessionStorage.setItem(SESSION, answer.token);
  sessionStorage.setItem(
    "congress-user",
    JSON.stringify({ username: answer.username, role: answer.role }),
  );
}

function forget() {
  ctx.token = "";
  sessionStorage.removeItem(SESSION);
  sessionStorage.removeItem("congress-user");
  if (watcher) watcher.stop();
  watcher = null;
  ctx.state = null;
  ctx.meeting = "";
  history.replaceState(null, "", location.pathname);
}

ctx.onExpired = () => {
  forget();
  showLogin(t("session_expired"));
};

function showLogin(message = "") {
  show("login-view");
  $("#login-error").textContent = message;
  $("#username").focus();
}

async function login(event) {
  event.preventDefault();
  const username = $("#username").value.trim();
  const password = $("#password").value;
  const error = $("#login-error");
  error.textContent = "";
  if (!username || !password) {
    error.textContent = t("login_missing");
    return;
  }
  const button = $("#login-form button[type=submit]");
  button.disabled = true;
  try {
    remember(await call("POST", "/api/login", { body: { username, password } }));
    $("#password").value = "";
    await showPicker({ straight: true });
  } catch (problem) {
    error.textContent = problem instanceof ApiError ? problem.text : String(problem);
  } finally {
    button.disabled = false;
  }
}

// Meetings ---------------------------------------------------------------------------------------

/**
 * The meeting switcher: the meetings this account may run (the server lists no others), with
 * each one's title, date, status and log origin. `straight`: an account with one meeting (and
 * no accounts to manage) goes straight to it.
 */
async function showPicker({ straight = false } = {}) {
  if (watcher) watcher.stop();
  watcher = null;
  ctx.meeting = "";
  history.replaceState(null, "", location.pathname);
  show("picker-view");
  const list = $("#meeting-list");
  fill(list, h("li", {}, t("loading")));
  let meetings;
  try {
    meetings = (await api("GET", "/api/meetings")).meetings;
  } catch (error) {
    fill(list, h("li", { class: "error" }, error instanceof ApiError ? error.text : String(error)));
    return;
  }
  renderAccounts(ctx.role, meetings);
  if (!meetings.length) {
    fill(list, h("li", {}, t("no_meetings")));
    return;
  }
  if (straight && meetings.length === 1 && ctx.role !== "admin") {
    await openMeeting(meetings[0].meeting);
    return;
  }
  fill(
    list,
    ...meetings.map((m) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "meeting-choice",
            dataset: { meeting: m.meeting },
            onclick: () => openMeeting(m.meeting),
          },
          h("span", { class: "meeting-name" }, m.title),
          h("span", { class: "meeting-meta" }, `${m.date} · ${t(`meeting_status_${m.status}`)}`),
          h("span", { class: "meeting-origin" }, m.origin),
        ),
      ),
    ),
  );
}

async function openMeeting(meeting) {
  ctx.meeting = meeting;
  history.replaceState(null, "", `#meeting=${encodeURIComponent(meeting)}`);
  let view;
  try {
    view = await api("GET", meetingPath());
  } catch (error) {
    notify(error instanceof ApiError ? error.text : String(error), "error");
    await showPicker();
    return;
  }
  if (view.status === "draft") {
    show("picker-view");
    fill(
      $("#meeting-list"),
      h("li", {}, h("p", {}, `${view.meeting.title} — ${t("meeting_not_open")}`)),
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "primary",
            onclick: async () => {
              const done = await run(
                () => api("POST", meetingPath("/open")),
                t("meeting_status_open"),
              );
              if (done) await openMeeting(meeting);
            },
          },
          t("open_meeting"),
        ),
      ),
    );
    return;
  }
  ctx.definitions = await loadDefinitions(meeting);
  const paths = await apiPaths();
  ctx.pairingCard = PAIRING_CARD in paths;
  $("#print-cards").hidden = !(PAIRING_CARDS in paths);
  show("meeting-view");
  $("#meeting-title").textContent = view.meeting.title;
  update(view);
  renderRunners(ctx.role);
  if (watcher) watcher.stop();
  watcher = new Watcher(meeting, ctx.token, {
    onState: (state) => update(state),
    onStatus: (status) => {
      connection = status;
      renderConnection();
    },
    onRefused: () => ctx.onExpired(),
  });
  watcher.start();
}

async function loadDefinitions(meeting) {
  try {
    const all = await call("GET", "/static/app/sample-definitions.json");
    return all[meeting] || {};
  } catch {
    return {};
  }
}

/** The paths the server offers (some, like pairing cards, come with optional parts). */
async function apiPaths() {
  try {
    return (await call("GET", "/openapi.json")).paths || {};
  } catch {
    return {};
  }
}

// Rendering --------------------------------------------------------------------------------------

function renderConnection() {
  const el = $("#conn");
  el.className = `conn ${connection}`;
  fill(el, h("span", { class: "conn-dot", "aria-hidden": "true" }), t(connection));
}

function update(state) {
  ctx.state = { ...ctx.state, ...state };
  render();
}

function render() {
  if (!ctx.state || $("#meeting-view").hidden) return;
  const state = ctx.state;
  renderAttendance(state);
  renderSeats(state);
  renderPoll(state);
  renderAgenda(state);
  renderHistory(state);
  renderProposals(state);
  renderBodies(state);
  renderSpeaking(state);
  renderNotices(state);
  const names = new Map((state.roster || []).map((d) => [d.deputy, `${d.name}（${d.seat}）`]));
  renderSplitView($("#split-view-alarm"), state, (deputy) => names.get(deputy) || deputy);
  renderAbsences();
  renderProjects(state);
  renderCeremony(state);
  renderConnection();
}

// Start ------------------------------------------------------------------------------------------

function start() {
  setupLanguage();
  onLang(() => {
    render();
    if (!$("#picker-view").hidden && !ctx.meeting) showPicker();
  });
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", () => {
    forget();
    showLogin();
  });
  $("#change-meeting").addEventListener("click", () => showPicker());
  $("#open-display").addEventListener("click", () => {
    window.open(`/display/${encodeURIComponent(ctx.meeting)}`, "_blank");
  });
  $("#open-minutes").addEventListener("click", () => openPrint());
  $("#print-cards").addEventListener("click", () =>
    run(() => openAuthorisedPage(meetingPath("/pairing-cards"))),
  );
  setInterval(tick, 250);

  ctx.token = sessionStorage.getItem(SESSION) || "";
  if (!ctx.token) {
    showLogin();
    return;
  }
  try {
    Object.assign(ctx, JSON.parse(sessionStorage.getItem("congress-user") || "{}"));
  } catch {
    // keep the token alone
  }
  const asked = new URLSearchParams(location.hash.slice(1)).get("meeting");
  if (asked) openMeeting(asked);
  else showPicker({ straight: true });
}

start();
