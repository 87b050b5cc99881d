// The vote on the tablet: the notices of an open poll (mode, change policy, countdown), the
// ballot of each kind, its confirmation or review, the submitted state and the change of a
// choice. The closed poll is in closed-screen.js.

import { t } from "./i18n.js";
import { h } from "./ui.js";
import * as motion from "./ballot-motion.js";
import * as election from "./ballot-election.js";
import * as selection from "./ballot-selection.js";
import * as evaluation from "./ballot-evaluation.js";
import { closedScreen } from "./closed-screen.js";

export const FORMS = { election, selection, evaluation };

/** The poll a queued message is about, if any. */
export function pollOf(message) {
  return message.body?.poll || message.ballot?.poll || null;
}

/**
 * The views of the poll in hand over `app`; `actions` as in screens.js, `render()` redraws the
 * page after a step of the ballot (pick, review, back, cancel a change).
 */
export function createPollScreens(app, actions, render) {
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
    if (poll.status === "closed") return closedScreen(app, actions, poll);
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
    } else if (poll.encryption && actions.encrypted.screen(poll, stage)) {
      parts.push(actions.encrypted.screen(poll, stage));
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
    parts.push(actions.encrypted.submitted(ballot));
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

  return { pollScreen };
}
