// After the close of a secret poll the tablet checks by itself that its ballot was counted:
// the receipt is looked up in the audit log and proven included under a signed checkpoint.

import { verifyReceipt } from "./verify.js";

const VERIFY_RETRIES = 5;
const RETRIED = ["network", "not-found", "not-covered"];

/** `saveBallot(record)` stores the verified ballot record; `render()` redraws. */
export function createOwnCheck(app, meeting, { saveBallot, render }) {
  function maybeVerify() {
    const poll = app.view?.poll;
    if (!poll || poll.status !== "closed" || poll.mode !== "secret") return;
    const record = app.ballots.get(poll.poll);
    if (!record || record.status !== "acknowledged" || app.verify.has(poll.poll)) return;
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
      const found = await verifyReceipt({
        meeting,
        origin: app.record.origin,
        logKey: app.record.logKey,
        poll,
        receipt: record.receipt,
        choice: record.choice,
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
