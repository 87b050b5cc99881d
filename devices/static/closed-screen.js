// A closed poll on the tablet: whether this deputy took part, the tablet's own check that its
// encrypted ballot is in the public log (under its tracking code), and the result.

import { t } from "./i18n.js";
import { h } from "./ui.js";
import { renderResult } from "./results.js";
import { inclusionBlock } from "./own-check.js";

/** The closed poll's screen; `actions.retryVerify(poll)` runs the inclusion check again. */
export function closedScreen(app, actions, poll) {
  const ballot = app.ballots.get(poll.poll);
  const parts = [h("p", { class: "tag" }, t("closed"))];
  if (poll.mode === "encrypted" && ballot?.status === "acknowledged" && ballot.sent)
    parts.push(inclusionBlock(app, actions, poll, ballot));
  else if (poll.mode === "named" && ballot?.status === "acknowledged")
    parts.push(h("p", { class: "notice notice-ok" }, t("named.recorded")));
  else if (poll.mode !== "manual") parts.push(h("p", { class: "notice" }, t("notTakenPart")));
  parts.push(renderResult(poll));
  return h("div", { class: "closed" }, parts);
}
