// The vote in hand: live participation and countdown, close, result, announce, void and re-run,
// manual entry with the scrutineers' confirmation; and the list of every vote so far.

import { itemTitle } from "./chair-agenda.js";
import { openPollDialog } from "./chair-poll-form.js";
import { api, ctx, field, meetingPath, notify, openDialog, run } from "./chair-context.js";
import { serverNow } from "./api.js";
import { $, clock, fill, h } from "/static/common/dom.js";
import { lang, t } from "./i18n.js";
import { resultBlock } from "./result-view.js";
import { decryptionLine } from "./chair-ceremony.js";
import { word } from "/static/common/results.js";
import { manualDialog } from "./chair-manual.js";
import { awaitsConfirmation, roundButtons } from "./chair-rounds.js";

function pollPath(poll, suffix) {
  return meetingPath(`/polls/${encodeURIComponent(poll.poll)}${suffix}`);
}

/**
 * Open the print sheet in a new window (it shares this window's login); `sheet`
 * "certificates" opens the certificates of a confirmed election instead of its report.
 */
export function openPrint(poll = null, sheet = null) {
  let query = poll ? `?poll=${encodeURIComponent(poll)}` : "";
  if (poll && sheet) query += `&sheet=${encodeURIComponent(sheet)}`;
  window.open(`/print/${encodeURIComponent(ctx.meeting)}${query}`, "_blank");
}

function itemOf(id) {
  return (ctx.state.items || []).find((i) => i.item === id);
}

export function renderPoll(state) {
  const body = $("#poll-body");
  const poll = state.poll;
  const current = state.current_item ? itemOf(state.current_item) : null;
  if (!poll || (current && poll.item !== current.item)) {
    fill(body, idle(state, current));
    return;
  }
  const title = itemTitle(poll.item);
  const meta = h(
    "p",
    { class: "poll-meta" },
    `${poll.poll} · `,
    t("poll_mode_line", {
      mode: t(`mode_${poll.mode}`),
      policy: t(`policy_${poll.change_policy}`),
    }),
  );
  if (poll.status === "open") {
    fill(body, openPanel(poll, title, meta));
  } else if (poll.status === "closed") {
    fill(body, closedPanel(poll, title, meta));
  } else {
    fill(body, voidedPanel(poll, title, meta));
  }
}

function idle(state, current) {
  if (!current) return h("p", { class: "muted-line" }, t("poll_no_current"));
  const votable = ["motion", "election", "selection", "evaluation"].includes(current.kind);
  return h(
    "div",
    {},
    h("p", { class: "poll-item" }, t("poll_current_item", { title: current.title })),
    h("p", { class: "muted-line" }, t("poll_none")),
    votable && !state.closed
      ? h(
          "div",
          { class: "button-row" },
          h(
            "button",
            { type: "button", class: "primary", onclick: () => openPollDialog(current) },
            t("agenda_open_poll"),
          ),
        )
      : null,
  );
}

function openPanel(poll, title, meta) {
  const share = poll.present ? Math.min(100, (100 * poll.cast) / poll.present) : 0;
  const manual = poll.mode === "manual";
  return h(
    "div",
    { class: "poll-open" },
    h(
      "p",
      { class: "poll-state voting" },
      h("span", { "aria-hidden": "true" }, "● "),
      t("poll_voting"),
    ),
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    manual
      ? h("p", { class: "muted-line" }, t("poll_manual_waiting"))
      : h(
          "div",
          {},
          h(
            "p",
            { class: "live-count", id: "live-count", "aria-live": "polite" },
            t("cast_of", { cast: poll.cast, present: poll.present }),
          ),
          h(
            "div",
            { class: "progress", "aria-hidden": "true" },
            h("div", { class: "progress-bar", css: { width: `${share}%` } }),
          ),
        ),
    h(
      "p",
      { class: "countdown", id: "countdown", dataset: { closesAt: poll.closes_at || "" } },
      poll.closes_at ? countdownText(poll.closes_at) : t("poll_no_time_limit"),
    ),
    h(
      "div",
      { class: "button-row" },
      manual
        ? h(
            "button",
            { type: "button", class: "primary", onclick: () => manualDialog(poll) },
            t("poll_enter_result"),
          )
        : h(
            "button",
            { type: "button", class: "primary", onclick: () => closePoll(poll) },
            t("poll_close"),
          ),
      h(
        "button",
        { type: "button", class: "danger", onclick: () => voidDialog(poll) },
        t("poll_void_rerun"),
      ),
    ),
  );
}

function closedPanel(poll, title, meta) {
  const l = lang();
  return h(
    "div",
    { class: "poll-closed" },
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    h("h3", { class: "result-title" }, t("poll_result_title")),
    decryptionLine(poll)
      ? h("p", { class: "result-line decryption", id: "decryption" }, decryptionLine(poll))
      : resultBlock(l, poll.definition, poll.result),
    poll.confirmed_by
      ? h(
          "p",
          { class: "result-line" },
          t("manual_confirmed_by", { names: poll.confirmed_by.join("、") }),
        )
      : null,
    namedDetail(poll),
    awaitsConfirmation(poll) ? h("p", { class: "result-line" }, t("round_held")) : null,
    h(
      "div",
      { class: "button-row" },
      ...roundButtons(poll),
      poll.announced
        ? h(
            "p",
            { class: "badge-line good" },
            h("span", { "aria-hidden": "true" }, "✓ "),
            t("poll_announced"),
          )
        : awaitsConfirmation(poll)
          ? null
          : h(
            "button",
            {
              type: "button",
              class: "primary",
              onclick: () =>
                run(() => api("POST", pollPath(poll, "/announce")), t("done_announce")),
            },
            t("poll_announce"),
          ),
      poll.announced
        ? null
        : h(
            "button",
            { type: "button", class: "danger", onclick: () => voidDialog(poll) },
            t("poll_void_rerun"),
          ),
      h(
        "button",
        { type: "button", class: "secondary", onclick: () => openPrint(poll.poll) },
        t("poll_print"),
      ),
      poll.kind === "election" && poll.confirmation
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              id: "print-certificates",
              onclick: () => openPrint(poll.poll, "certificates"),
            },
            t("poll_print_certificates"),
          )
        : null,
    ),
  );
}

function voidedPanel(poll, title, meta) {
  const item = itemOf(poll.item);
  return h(
    "div",
    { class: "poll-voided" },
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    h(
      "p",
      { class: "verdict-line bad" },
      t("poll_voided_line", { reason: poll.void_reason || "" }),
    ),
    item && !ctx.state.closed
      ? h(
          "div",
          { class: "button-row" },
          h(
            "button",
            { type: "button", class: "primary", onclick: () => openPollDialog(item, poll) },
            t("poll_rerun"),
          ),
        )
      : null,
  );
}

function namedDetail(poll) {
  if (poll.mode !== "named" || !poll.votes) return null;
  const names = Object.fromEntries(
    (ctx.state.roster || []).map((d) => [d.deputy, `${d.seat} ${d.name}`]),
  );
  const l = lang();
  return h(
    "details",
    { class: "named" },
    h("summary", {}, t("named_detail")),
    h(
      "ul",
      {},
      Object.entries(poll.votes).map(([deputy, choice]) =>
        h("li", {}, `${names[deputy] || deputy}：${choiceText(l, choice)}`),
      ),
    ),
  );
}

function choiceText(l, choice) {
  return typeof choice === "string" ? word(l, choice) : JSON.stringify(choice);
}

export function countdownText(closesAt) {
  const left = (Date.parse(closesAt) - serverNow()) / 1000;
  return t("time_left", { time: clock(left) });
}

/** Called a few times a second: the countdown. */
export function tick() {
  const el = document.getElementById("countdown");
  if (el && el.dataset.closesAt) el.textContent = countdownText(el.dataset.closesAt);
}

function closePoll(poll) {
  openDialog({
    title: t("poll_close"),
    body: [h("p", {}, t("confirm_close"))],
    actions: [
      {
        label: t("poll_close"),
        tone: "primary",
        run: async () => {
          await api("POST", pollPath(poll, "/close"));
          notify(t("done_close"), "ok");
        },
      },
    ],
  });
}

function voidDialog(poll) {
  const reason = h("textarea", { rows: "3", required: true, maxlength: "500" });
  openDialog({
    title: t("void_title", { poll: poll.poll }),
    body: [
      field("void-reason", t("void_reason"), reason),
      h("p", { class: "help" }, t("void_then_rerun")),
    ],
    actions: [
      {
        label: t("void_confirm"),
        tone: "danger",
        run: async () => {
          if (!reason.value.trim()) throw new Error(t("reason_required"));
          await api("POST", pollPath(poll, "/void"), { reason: reason.value.trim() });
          notify(t("done_void"), "ok");
          const item = itemOf(poll.item);
          if (item) setTimeout(() => openPollDialog(item, poll), 0);
        },
      },
    ],
  });
}

