// After the close of an encrypted poll (whose checkpoint covers its ballots) the tablet checks by
// itself that its encrypted ballot, as sent, is in the public log under its tracking code and
// proven included under a checkpoint signed by the log key pinned at pairing.

import { t } from "./i18n.js";
import { h } from "./ui.js";
import { verifyEncryptedBallot } from "./verify.js";
import { serverOrigin } from "./server.js";

const VERIFY_RETRIES = 5;
const RETRIED = ["network", "not-found", "not-covered"];

/** `saveBallot(record)` stores the verified ballot record; `render()` redraws. */
export function createOwnCheck(app, meeting, { saveBallot, render }) {
  function maybeVerify() {
    const poll = app.view?.poll;
    if (!poll || poll.status !== "closed") return;
    if (poll.mode !== "encrypted") return;
    const record = app.ballots.get(poll.poll);
    if (!record || record.status !== "acknowledged" || app.verify.has(poll.poll)) return;
    if (!record.sent) return;
    runVerify(poll.poll, record, 0);
  }

  function retryVerify(poll) {
    app.verify.delete(poll);
    maybeVerify();
  }

  async function runVerify(poll, record, attempt) {
    app.verify.set(poll, { status: "running" });
    render();
    try {
      const found = await verifyEncryptedBallot({
        server: serverOrigin(app),
        meeting,
        origin: app.record.origin,
        logKey: app.record.logKey,
        poll,
        trackingCode: record.trackingCode,
        sent: record.sent,
        seq: record.seq,
      });
      app.verify.set(poll, { status: "ok", ...found });
      await saveBallot({ ...record, verified: found });
    } catch (error) {
      if (RETRIED.includes(error.reason) && attempt < VERIFY_RETRIES) {
        setTimeout(() => runVerify(poll, record, attempt + 1), 1000 * (attempt + 1));
        return;
      }
      app.verify.set(poll, {
        status: "failed",
        reason: error.reason || "malformed",
        detail: error.message,
      });
    }
    render();
  }

  return { maybeVerify, retryVerify };
}

/** The closed encrypted poll's inclusion check as the deputy sees it: checking, the
 * confirmation that the ballot is in the public log, or an alarm with the reason and a retry. */
export function inclusionBlock(app, actions, poll, ballot) {
  const state = app.verify.get(poll.poll) || { status: "running" };
  const code = h("p", { class: "tracking-code", id: "tracking-code-closed" }, ballot.trackingCode);
  if (state.status === "running")
    return h("p", { class: "notice notice-wait", role: "status" }, t("inclusion.checking"));
  if (state.status === "failed") {
    let reason;
    try {
      reason = t(`reason.${state.reason}`);
    } catch {
      reason = state.reason;
    }
    return h(
      "div",
      { class: "inclusion inclusion-failed", id: "inclusion", role: "alert" },
      h("p", { class: "inclusion-title" }, t("inclusion.failed")),
      h("p", {}, t("inclusion.reason", { reason })),
      state.detail ? h("p", { class: "detail", lang: "en" }, state.detail) : null,
      code,
      h(
        "button",
        { type: "button", class: "secondary", onclick: () => actions.retryVerify(poll.poll) },
        t("inclusion.retry"),
      ),
    );
  }
  return h(
    "div",
    { class: "inclusion inclusion-ok", id: "inclusion", role: "status" },
    h("p", { class: "inclusion-title" }, t("inclusion.ok")),
    h("p", {}, t("inclusion.detail", { seq: state.seq, size: state.size })),
    h("p", {}, t("encrypted.after")),
    code,
  );
}
