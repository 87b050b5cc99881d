// The speaking queue on the console: who asked to speak (申请发言), in order; 「准许发言」 gives
// the floor to the head of the queue or to a deputy of it, 「结束发言」 ends the speech.

import { api, meetingPath, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    speaking_heading: "发言",
    speaking_empty: "暂无发言申请",
    speaking_speaker: "正在发言：{name}（{seat}），限时 {minutes} 分钟，至 {until}",
    speaking_nobody: "当前无人发言",
    speaking_grant: "准许发言",
    speaking_grant_to: "准许 {name} 发言",
    speaking_end: "结束发言",
    speaking_minutes: "发言时限（分钟）",
    done_grant: "已准许发言",
    done_end: "已结束发言",
  },
  en: {
    speaking_heading: "Speaking",
    speaking_empty: "Nobody has asked to speak",
    speaking_speaker: "Speaking: {name} ({seat}), {minutes} min, until {until}",
    speaking_nobody: "Nobody has the floor",
    speaking_grant: "Grant the floor",
    speaking_grant_to: "Give {name} the floor",
    speaking_end: "End the speech",
    speaking_minutes: "Time limit (minutes)",
    done_grant: "Floor granted",
    done_end: "Speech ended",
  },
});

/** The local time (HH:MM) of a log time ``YYYY-MM-DDTHH:MM:SSZ``. */
export function clockTime(at) {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function grant(deputy, minutes) {
  const body = { minutes: Number(minutes.value) };
  if (deputy) body.deputy = deputy;
  return run(() => api("POST", meetingPath("/floor/grant"), body), t("done_grant"));
}

export function renderSpeaking(state) {
  const el = $("#speaking");
  if (!el) return;
  const speaking = state.speaking || { queue: [], speaker: null, default_minutes: 5 };
  const open = !state.closed;
  const minutes = h("input", {
    id: "speaking-minutes",
    type: "number",
    min: "1",
    max: "60",
    value: String(speaking.default_minutes),
  });
  const speaker = speaking.speaker;
  const floor = speaker
    ? h(
        "p",
        { class: "speaker-line", id: "speaker-line" },
        t("speaking_speaker", { ...speaker, until: clockTime(speaker.ends_at) }),
        " ",
        h(
          "button",
          { type: "button", class: "small", disabled: !open, onclick: () => run(() => api("POST", meetingPath("/floor/end")), t("done_end")) },
          t("speaking_end"),
        ),
      )
    : h("p", { class: "muted-line", id: "speaker-line" }, t("speaking_nobody"));
  const queue = speaking.queue.length
    ? h(
        "ol",
        { class: "speaking-queue", id: "speaking-queue" },
        ...speaking.queue.map((d) =>
          h(
            "li",
            {},
            `${d.name}（${d.seat}）`,
            " ",
            h(
              "button",
              {
                type: "button",
                class: "small",
                disabled: !open || Boolean(speaker),
                "aria-label": t("speaking_grant_to", d),
                onclick: () => grant(d.deputy, minutes),
              },
              t("speaking_grant"),
            ),
          ),
        ),
      )
    : h("p", { class: "muted-line", id: "speaking-queue" }, t("speaking_empty"));
  fill(
    el,
    floor,
    queue,
    h("label", { for: "speaking-minutes" }, t("speaking_minutes"), " ", minutes),
    " ",
    h(
      "button",
      {
        type: "button",
        class: "primary",
        id: "grant-floor",
        disabled: !open || Boolean(speaker) || !speaking.queue.length,
        onclick: () => grant(null, minutes),
      },
      t("speaking_grant"),
    ),
  );
}
