// The speaking queue on the tablet: 「申请发言」 joins the queue (a signed `speak_request`),
// 「撤回申请」 leaves it (`speak_withdraw`); the deputy sees their place in the queue, and who
// has the floor.

import { t } from "./i18n.js";
import { h } from "./ui.js";

/** What the speaking block depends on: the deputy's place (0 when not queued), whether they
 * have the floor, who speaks, and a request or withdrawal still being sent. */
export function speakingModel(app) {
  const speaking = app.view?.speaking;
  const deputy = app.you?.deputy;
  if (!speaking || !deputy) return null;
  const position = speaking.queue.findIndex((d) => d.deputy === deputy) + 1;
  const sending = (app.record?.outbox || []).some((m) => m.type.startsWith("speak_"));
  return [position, speaking.speaker?.deputy ?? null, speaking.speaker?.name ?? null, sending];
}

/** The block under the current item: the button and the deputy's place or floor. */
export function speakingBlock(app, actions) {
  const model = speakingModel(app);
  if (!model) return null;
  const [position, speakerId, speakerName, sending] = model;
  const speaker = app.view.speaking.speaker;
  const mine = speakerId === app.you.deputy;
  const lines = [];
  if (mine) {
    lines.push(h("p", { class: "notice speak-floor", id: "speak-floor" }, t("speak.floor", speaker)));
  } else if (speakerName) {
    lines.push(h("p", { class: "muted", id: "speak-speaker" }, t("speak.speaker", { name: speakerName })));
  }
  if (position) {
    lines.push(h("p", { class: "speak-position", id: "speak-position" }, t("speak.position", { position })));
  }
  const button = mine
    ? null
    : h(
        "button",
        {
          type: "button",
          id: "speak-button",
          class: position ? "secondary" : "primary",
          disabled: sending,
          onclick: position ? actions.speakWithdraw : actions.speakRequest,
        },
        sending ? t("speak.sending") : t(position ? "speak.withdraw" : "speak.request"),
      );
  return h("section", { class: "speaking", "aria-live": "polite" }, ...lines, button);
}
