// A closed poll on the tablet: whether this deputy took part, the tablet's own check that its
// secret ballot was counted (with the receipt and its QR code), and the result.

import { t } from "./i18n.js";
import { h } from "./ui.js";
import { utf8 } from "./bytes.js";
import { qrSvg } from "./qr.js";
import { renderResult } from "./results.js";
import { inclusionBlock } from "./own-check.js";

/** The closed poll's screen; `actions.retryVerify(poll)` checks the receipt again. */
export function closedScreen(app, actions, poll) {
  const ballot = app.ballots.get(poll.poll);
  const parts = [h("p", { class: "tag" }, t("closed"))];
  if (poll.mode === "secret" && ballot?.status === "acknowledged")
    parts.push(receiptBlock(app, actions, poll, ballot));
  else if (poll.mode === "encrypted" && ballot?.status === "acknowledged" && ballot.sent)
    parts.push(inclusionBlock(app, actions, poll, ballot));
  else if (poll.mode === "named" && ballot?.status === "acknowledged")
    parts.push(h("p", { class: "notice notice-ok" }, t("named.recorded")));
  else if (poll.mode !== "manual") parts.push(h("p", { class: "notice" }, t("notTakenPart")));
  parts.push(renderResult(poll));
  return h("div", { class: "closed" }, parts);
}

function receiptBlock(app, actions, poll, ballot) {
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
  const text = receiptText(app, poll.poll, ballot.receipt);
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
function receiptText(app, poll, receipt) {
  const full = `congress-vote:${app.record.origin}/${poll}/${receipt}`;
  return utf8(full).length <= 200 ? full : `congress-vote:${poll}/${receipt}`;
}
