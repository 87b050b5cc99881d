// What the tablet shows: the header, the banners and the main area, rebuilt from the app state
// (tablet.js) only when what it depends on changes, so that typing and focus survive updates.

import { lang, t } from "./i18n.js";
import { h, zh } from "./ui.js";
import { $, clock } from "/static/common/dom.js";
import { createPollScreens } from "./poll-screens.js";
import { approvedDocuments, documentList } from "./documents.js";
import { speakingBlock, speakingModel } from "./speaking.js";

export { FORMS, pollOf } from "./poll-screens.js";

/**
 * The page's views over `app`; `actions` are the commands the screens' buttons run:
 * {signIn, submit(poll, choice), startChange(poll), pair(code), keepPrevious(), choose(deputy),
 * retryVerify(poll), speakRequest, speakWithdraw}.
 */
export function createScreens(app, actions) {
  let mainKey = null;
  const { pollScreen } = createPollScreens(app, actions, render);

  function render() {
    document.documentElement.lang = t("lang.code");
    document.title = t("app.title");
    renderHeader();
    renderBanners();
    const key = JSON.stringify(model());
    if (key === mainKey) return;
    mainKey = key;
    const main = $("#main");
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
      choices: app.choices.map((r) => r.deputy),
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
      ballot: ballot && [ballot.status, ballot.ackValid, ballot.trackingCode],
      verify: id && app.verify.get(id),
      speaking: speakingModel(app),
      proposals: actions.proposals.model(),
    };
  }

  function renderHeader() {
    const view = app.view;
    const you = app.screen === "main" ? app.you : null;
    $("#meeting-title").replaceChildren(
      view?.meeting?.title ? zh(view.meeting.title) : t("app.title"),
    );
    $("#deputy-name").replaceChildren(
      you ? t("header.deputy", { name: "" }) : "",
      you ? zh(you.name) : "",
    );
    $("#deputy-seat").textContent = you ? t("header.seat", { seat: you.seat }) : "";
    const status = $("#signin-status");
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
    $("#attendance").textContent = attendance && you ? t("header.attendance", attendance) : "";
    const button = $("#lang-button");
    button.textContent = t("lang.switch");
    button.setAttribute("aria-label", t("lang.switchLabel"));
    button.setAttribute("lang", lang() === "zh" ? "en" : "zh-CN");
  }

  function renderBanners() {
    const offline = $("#offline-banner");
    offline.hidden = !(app.screen === "main" && app.conn === "offline");
    offline.textContent = t("offline");
    const banner = $("#error-banner");
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
      case "choose":
        return chooseScreen();
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

  /** Several deputies were paired in this browser and this tab has not chosen one yet. */
  function chooseScreen() {
    return panel(
      heading(t("choose.title")),
      h("p", {}, t("choose.detail")),
      h(
        "div",
        { class: "actions choose-deputy" },
        app.choices.map((record) =>
          h(
            "button",
            { type: "button", class: "secondary big", onclick: () => actions.choose(record.deputy) },
            t("choose.deputy", { deputy: record.deputy }),
          ),
        ),
      ),
    );
  }

  function refusedScreen() {
    const error = app.refused || {};
    if (error.error === "unknown-device" || error.error === "device-revoked") {
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
    return item
      ? { item: item.item, title: item.title, kind: item.kind, documents: item.documents }
      : null;
  }

  /** The current item and poll, with the proposals panel below for a signed-in deputy. */
  function mainScreen() {
    if (actions.witness.stopped()) return actions.witness.panel(); // 日志不一致: no voting
    const top = agendaScreen();
    const you = app.you;
    if (!app.view || !you || app.view.closed || you.status === "ended" || !you.signed_in)
      return top;
    return h("div", { class: "screens" }, top, actions.proposals.panel());
  }

  function agendaScreen() {
    const view = app.view;
    const you = app.you;
    if (!view || !you) return panel(h("p", { class: "muted" }, t("connecting")));
    if (view.closed) return panel(heading(t("meeting.closed")));
    if (you.status === "ended") return panel(heading(t("deputy.ended")));
    if (!you.signed_in) return signInScreen();
    const item = currentItem();
    const speak = view.poll?.status === "open" ? null : speakingBlock(app, actions);
    if (!item) return panel(heading(t("wait.agenda")), speak);
    const poll = view.poll && view.poll.item === item.item ? view.poll : null;
    const top = h(
      "div",
      { class: "item" },
      h("p", { class: "item-label" }, `${t("item.current")} · ${t(`kind.${item.kind}`)}`),
      heading(zh(item.title), { class: "item-title" }),
    );
    const documents = documentList(item.documents, app.record.meeting);
    if (!poll) {
      const waiting = ["report", "oath"].includes(item.kind) ? t("item.noVote") : t("wait.poll");
      return panel(top, h("p", { class: "notice" }, waiting), documents, speak);
    }
    return panel(top, approvedDocuments(item, poll.definition), pollScreen(poll), speak);
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

  function updateCountdown() {
    const element = document.getElementById("countdown");
    const closesAt = app.view?.poll?.closes_at;
    if (!element || !closesAt) return;
    const time = clock((Date.parse(closesAt) - Date.now()) / 1000);
    element.textContent = t("countdown", { time });
  }

  return { render, updateCountdown };
}
