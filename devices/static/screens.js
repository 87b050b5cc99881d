// What the tablet shows: the header, the banners and the main area, rebuilt from the app state
// (tablet.js) only when what it depends on changes, so that typing and focus survive updates.

import { lang, t } from "./i18n.js";
import { h, zh } from "./ui.js";
import { utf8 } from "./bytes.js";
import { qrSvg } from "./qr.js";
import { renderResult } from "./results.js";
import * as motion from "./ballot-motion.js";
import * as election from "./ballot-election.js";
import * as selection from "./ballot-selection.js";
import * as evaluation from "./ballot-evaluation.js";

export const FORMS = { election, selection, evaluation };

const $ = (id) => document.getElementById(id);

/** The poll a queued message is about, if any. */
export function pollOf(message) {
  return message.body?.poll || message.ballot?.poll || null;
}

/**
 * The page's views over `app`; `actions` are the commands the screens' buttons run:
 * {signIn, submit(poll, choice), startChange(poll), pair(code), keepPrevious(), retryVerify(poll)}.
 */
export function createScreens(app, actions) {
  let mainKey = null;

  function render() {
    document.documentElement.lang = t("lang.code");
    document.title = t("app.title");
    renderHeader();
    renderBanners();
    const key = JSON.stringify(model());
    if (key === mainKey) return;
    mainKey = key;
    const main = $("main");
    const hadFocus =
      main.contains(document.activeElement) || document.activeElement === document.body;
    main.replaceChildren(screen());
    window.scrollTo(0, 0); // a new screen starts at its top
    if (hadFocus && app.screen !== "loading")
      main.querySelector("h2")?.focus({ preventScroll: true });
    updateCountdown();
  }

  /** Everything the main area depends on: it is rebuilt only when this changes, so typing and
   * focus survive unrelated updates (attendance, other deputies' sign-ins). */
  function model() {
    const poll = app.view?.poll;
    const id = poll?.poll;
    const ballot = id ? app.ballots.get(id) : null;
    return {
      lang: lang(),
      screen: app.screen,
      pairError: app.pairError,
      refused: app.refused?.error,
      hasView: Boolean(app.view && app.you),
      online: app.conn === "online",
      closed: app.view?.closed,
      you: app.you && [app.you.status, app.you.signed_in, app.tookPart],
      outbox: app.record?.outbox.map((m) => m.id),
      item: app.view && currentItem(),
      poll: poll && [id, poll.item, poll.status, poll.mode, poll.change_policy, poll.result],
      stage: id && [app.stage.get(id), app.changing.has(id)],
      ballot: ballot && [ballot.status, ballot.ackValid, ballot.receipt, ballot.pendingChoice],
      verify: id && app.verify.get(id),
    };
  }

  function renderHeader() {
    const view = app.view;
    const you = app.screen === "main" ? app.you : null;
    $("meeting-title").replaceChildren(
      view?.meeting?.title ? zh(view.meeting.title) : t("app.title"),
    );
    $("deputy-name").replaceChildren(
      you ? t("header.deputy", { name: "" }) : "",
      you ? zh(you.name) : "",
    );
    $("deputy-seat").textContent = you ? t("header.seat", { seat: you.seat }) : "";
    const status = $("signin-status");
    status.hidden = !you;
    if (you) {
      const key =
        you.status === "ended"
          ? "status.ended"
          : you.status === "suspended"
            ? "status.suspended"
            : you.signed_in
              ? "status.signedIn"
              : "status.notSignedIn";
      status.textContent = t(key);
      status.className = `badge ${you.signed_in ? "badge-in" : "badge-out"}`;
    }
    const attendance = view?.attendance;
    $("attendance").textContent = attendance && you ? t("header.attendance", attendance) : "";
    const button = $("lang-button");
    button.textContent = t("lang.switch");
    button.setAttribute("aria-label", t("lang.switchLabel"));
    button.setAttribute("lang", lang() === "zh" ? "en" : "zh-CN");
  }

  function renderBanners() {
    const offline = $("offline-banner");
    offline.hidden = !(app.screen === "main" && app.conn === "offline");
    offline.textContent = t("offline");
    const banner = $("error-banner");
    banner.hidden = !app.error;
    if (app.error) {
      const message =
        lang() === "en" ? app.error.message_en || app.error.message : app.error.message;
      const dismiss = h(
        "button",
        { type: "button", class: "secondary small", onclick: () => ((app.error = null), render()) },
        t("error.dismiss"),
      );
      banner.replaceChildren(
        h("p", { class: "banner-title" }, t("error.title")),
        h("p", {}, message),
        dismiss,
      );
    }
  }

  function heading(text, extra = {}) {
    return h("h2", { tabindex: "-1", ...extra }, text);
  }

  function panel(...children) {
    return h("section", { class: "panel" }, ...children);
  }

  function screen() {
    switch (app.screen) {
      case "loading":
        return panel(h("p", { class: "muted" }, t("connecting")));
      case "unpaired":
        return panel(
          heading(t("unpaired.title"), { class: "notice" }),
          h("p", {}, t("unpaired.detail")),
        );
      case "pairing":
        return panel(heading(t("pairing.progress")));
      case "pair-error":
        return pairErrorScreen();
      case "refused":
        return refusedScreen();
      default:
        return mainScreen();
    }
  }

  function pairErrorScreen() {
    const error = app.pairError || {};
    const key = `pairing.error.${error.error}`;
    let message;
    try {
      message = t(key);
    } catch {
      message = (lang() === "en" ? error.message_en : error.message) || t("pairing.error.network");
    }
    const buttons = [];
    if (error.error === "network" && error.code) {
      buttons.push(
        h(
          "button",
          { type: "button", class: "primary", onclick: () => actions.pair(error.code) },
          t("pairing.retry"),
        ),
      );
    }
    if (app.previous) {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: actions.keepPrevious,
          },
          t("pairing.keep"),
        ),
      );
    }
    return panel(
      heading(t("pairing.failed")),
      h("p", { class: "notice notice-error", role: "alert" }, message),
      buttons.length ? h("div", { class: "actions" }, buttons) : null,
    );
  }

  function refusedScreen() {
    const error = app.refused || {};
    if (error.error === "unknown-device") {
      return panel(
        heading(t("revoked.title"), { class: "notice" }),
        h("p", {}, t("revoked.detail")),
      );
    }
    const message = lang() === "en" ? error.message_en || error.message : error.message;
    return panel(
      heading(t("refused.title")),
      h("p", { class: "notice notice-error" }, message || ""),
    );
  }

  function currentItem() {
    const view = app.view;
    const item = view?.items?.find((i) => i.item === view.current_item);
    return item ? { item: item.item, title: item.title, kind: item.kind } : null;
  }

  function mainScreen() {
    const view = app.view;
    const you = app.you;
    if (!view || !you) return panel(h("p", { class: "muted" }, t("connecting")));
    if (view.closed) return panel(heading(t("meeting.closed")));
    if (you.status === "ended") return panel(heading(t("deputy.ended")));
    if (!you.signed_in) return signInScreen();
    const item = currentItem();
    if (!item) return panel(heading(t("wait.agenda")));
    const poll = view.poll && view.poll.item === item.item ? view.poll : null;
    const top = h(
      "div",
      { class: "item" },
      h("p", { class: "item-label" }, `${t("item.current")} · ${t(`kind.${item.kind}`)}`),
      heading(zh(item.title), { class: "item-title" }),
    );
    if (!poll) {
      const waiting = ["report", "oath"].includes(item.kind) ? t("item.noVote") : t("wait.poll");
      return panel(top, h("p", { class: "notice" }, waiting));
    }
    return panel(top, pollScreen(poll));
  }

  function signInScreen() {
    const sending = app.record.outbox.some((m) => m.type === "sign_in");
    return panel(
      heading(t("signin.prompt")),
      h(
        "button",
        { type: "button", class: "primary huge", disabled: sending, onclick: actions.signIn },
        sending ? t("signin.sending") : t("signin.button"),
      ),
      h("p", { class: "muted" }, t("signin.note")),
    );
  }

  function notices(poll) {
    return h(
      "div",
      { class: "poll-notices" },
      h("p", { class: "tag" }, t(`mode.${poll.mode}`)),
      poll.mode === "manual"
        ? null
        : h(
            "p",
            { class: `policy policy-${poll.change_policy}` },
            t(`policy.${poll.change_policy}`),
          ),
      poll.closes_at ? h("p", { class: "countdown", id: "countdown", role: "timer" }) : null,
    );
  }

  function stageOf(poll) {
    const id = poll.poll;
    if (app.record.outbox.some((m) => pollOf(m) === id)) return "sending";
    if (app.changing.has(id)) return app.stage.get(id) || "ballot";
    const ballot = app.ballots.get(id);
    if (app.tookPart === id || ballot?.status === "acknowledged") return "submitted";
    return app.stage.get(id) || "ballot";
  }

  function pollScreen(poll) {
    if (poll.status === "voided") return h("p", { class: "notice" }, t("voided"));
    if (poll.status === "closed") return closedScreen(poll);
    if (poll.mode === "manual")
      return h("div", {}, notices(poll), h("p", { class: "notice" }, t("manual.info")));
    if (app.you.status === "suspended") return h("p", { class: "notice" }, t("deputy.suspended"));
    const stage = stageOf(poll);
    const parts = [notices(poll)];
    if (stage === "sending") {
      parts.push(
        h(
          "p",
          { class: "notice notice-wait", role: "status" },
          app.conn === "online" ? t("sending") : t("savedOffline"),
        ),
      );
    } else if (stage === "submitted") {
      parts.push(submittedBlock(poll));
    } else if (poll.kind === "motion") {
      parts.push(
        stage === "confirm" ? motionConfirm(poll) : motion.render((mark) => pick(poll, mark)),
      );
    } else if (stage === "review") {
      parts.push(reviewBlock(poll));
    } else {
      parts.push(ballotBlock(poll));
    }
    if (app.changing.has(poll.poll) && stage !== "sending") {
      parts.push(
        h(
          "div",
          { class: "changing" },
          h("p", { class: "muted" }, t("changing")),
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => cancelChange(poll) },
            t("cancelChange"),
          ),
        ),
      );
    }
    return h("div", { class: "poll" }, parts);
  }

  function cancelChange(poll) {
    app.changing.delete(poll.poll);
    app.stage.delete(poll.poll);
    app.drafts.delete(poll.poll);
    render();
  }

  function pick(poll, mark) {
    app.drafts.set(poll.poll, mark);
    app.stage.set(poll.poll, "confirm");
    render();
  }

  function motionConfirm(poll) {
    const mark = app.drafts.get(poll.poll);
    return h(
      "div",
      { class: "confirm", role: "group", "aria-labelledby": "confirm-text" },
      h(
        "p",
        { class: `confirm-text chosen-${mark}`, id: "confirm-text" },
        t("motion.confirm", { choice: t(`choice.${mark}`) }),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "primary big", onclick: () => actions.submit(poll, mark) },
          t("confirm"),
        ),
        h(
          "button",
          { type: "button", class: "secondary big", onclick: () => back(poll) },
          t("back"),
        ),
      ),
    );
  }

  function back(poll) {
    app.stage.set(poll.poll, "ballot");
    render();
  }

  function draftFor(poll) {
    const form = FORMS[poll.kind];
    if (!app.drafts.has(poll.poll)) app.drafts.set(poll.poll, form.emptyDraft(poll.definition));
    return app.drafts.get(poll.poll);
  }

  function ballotBlock(poll) {
    const form = FORMS[poll.kind];
    const draft = draftFor(poll);
    const problems = h("div", { class: "problems", role: "alert" });
    const check = h(
      "button",
      {
        type: "button",
        class: "primary big",
        onclick: () => {
          app.stage.set(poll.poll, "review");
          render();
        },
      },
      t("ballot.check"),
    );
    const update = () => {
      const found = form.problems(poll.definition, draft);
      check.disabled = found.length > 0;
      problems.replaceChildren(
        ...(found.length
          ? [
              h("p", {}, t("ballot.fix")),
              h(
                "ul",
                {},
                found.map((p) => h("li", {}, p)),
              ),
            ]
          : []),
      );
    };
    const element = form.render(poll.definition, draft, update);
    update();
    return h("div", {}, element, problems, h("div", { class: "actions" }, check));
  }

  function reviewBlock(poll) {
    const form = FORMS[poll.kind];
    const draft = draftFor(poll);
    const choice = form.choiceOf(poll.definition, draft);
    return h(
      "div",
      { class: "review", role: "group", "aria-labelledby": "review-title" },
      h("h3", { id: "review-title" }, t("review.title")),
      form.review(poll.definition, draft),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "primary big", onclick: () => actions.submit(poll, choice) },
          t("review.submit"),
        ),
        h(
          "button",
          { type: "button", class: "secondary big", onclick: () => back(poll) },
          t("review.back"),
        ),
      ),
    );
  }

  function submittedBlock(poll) {
    const ballot = app.ballots.get(poll.poll);
    const parts = [h("p", { class: "notice notice-ok", role: "status" }, t("submitted"))];
    if (ballot?.ackValid === false)
      parts.push(h("p", { class: "notice notice-error", role: "alert" }, t("ack.invalid")));
    const canChange =
      poll.change_policy === "last" && (poll.mode === "named" || ballot?.status === "acknowledged");
    if (canChange) {
      parts.push(
        h(
          "button",
          { type: "button", class: "secondary big", onclick: () => actions.startChange(poll) },
          t("change"),
        ),
      );
    }
    return h("div", { class: "submitted" }, parts);
  }

  function closedScreen(poll) {
    const ballot = app.ballots.get(poll.poll);
    const parts = [h("p", { class: "tag" }, t("closed"))];
    if (poll.mode === "secret" && ballot?.status === "acknowledged")
      parts.push(receiptBlock(poll, ballot));
    else if (poll.mode === "named" && ballot?.status === "acknowledged")
      parts.push(h("p", { class: "notice notice-ok" }, t("named.recorded")));
    else if (poll.mode !== "manual") parts.push(h("p", { class: "notice" }, t("notTakenPart")));
    parts.push(renderResult(poll));
    return h("div", { class: "closed" }, parts);
  }

  function receiptBlock(poll, ballot) {
    const state = app.verify.get(poll.poll) || { status: "running" };
    if (state.status === "running")
      return h("p", { class: "notice notice-wait", role: "status" }, t("receipt.verifying"));
    if (state.status === "failed") {
      let reason;
      try {
        reason = t(`reason.${state.reason}`);
      } catch {
        reason = state.reason;
      }
      return h(
        "div",
        { class: "receipt receipt-failed", role: "alert" },
        h("p", { class: "receipt-title" }, t("receipt.failed")),
        h("p", {}, t("receipt.reason", { reason })),
        state.detail ? h("p", { class: "detail", lang: "en" }, state.detail) : null,
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: () => actions.retryVerify(poll.poll),
          },
          t("receipt.retry"),
        ),
      );
    }
    const text = receiptText(poll.poll, ballot.receipt);
    const grouped = ballot.receipt.match(/.{4}/g).join(" ");
    return h(
      "div",
      { class: "receipt receipt-ok", role: "status" },
      h(
        "div",
        { class: "receipt-text" },
        h("p", { class: "receipt-title" }, t("receipt.counted")),
        h("p", {}, t("receipt.countedDetail", { seq: state.seq, size: state.size })),
        h("p", { class: "receipt-label" }, t("receipt.number")),
        h("p", { class: "receipt-number", lang: "en" }, grouped),
        h("p", { class: "muted" }, t("receipt.keep")),
      ),
      h(
        "div",
        { class: "qr", "data-text": text },
        qrSvg(text, t("receipt.qr", { receipt: ballot.receipt })),
      ),
    );
  }

  /** What the receipt's QR code holds: the log, the poll and the receipt. */
  function receiptText(poll, receipt) {
    const full = `congress-vote:${app.record.origin}/${poll}/${receipt}`;
    return utf8(full).length <= 200 ? full : `congress-vote:${poll}/${receipt}`;
  }

  function updateCountdown() {
    const element = document.getElementById("countdown");
    const closesAt = app.view?.poll?.closes_at;
    if (!element || !closesAt) return;
    const left = Math.max(0, Math.round((Date.parse(closesAt) - Date.now()) / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    const time = `${pad(Math.floor(left / 60))}:${pad(left % 60)}`;
    element.textContent = t("countdown", { time });
  }

  return { render, updateCountdown };
}
