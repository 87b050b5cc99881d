// The speaker on the hall display: who has the floor (发言人) and the time left, counted down to
// the end the chair granted (``ends_at``); the time shows 「时间到」 once it has run out.

import { clock, h } from "/static/common/dom.js";
import { serverNow } from "./api.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    hall_speaker: "发言人",
    hall_speech_left: "剩余 {time}",
    hall_speech_over: "发言时间到",
    hall_speech_queue: "等候发言：{count} 人",
  },
  en: {
    hall_speaker: "Speaking",
    hall_speech_left: "{time} left",
    hall_speech_over: "Time is up",
    hall_speech_queue: "Waiting to speak: {count}",
  },
});

/** The time left of a speech ending at ``endsAt`` (a log time), or 「发言时间到」. */
export function speechLeft(endsAt) {
  const seconds = (Date.parse(endsAt) - serverNow()) / 1000;
  return seconds > 0 ? t("hall_speech_left", { time: clock(seconds) }) : t("hall_speech_over");
}

/** The stage while a deputy has the floor. */
export function speakerBlock(speaking) {
  const speaker = speaking.speaker;
  return h(
    "div",
    { class: "speaker-block" },
    h("p", { class: "speaker-label" }, t("hall_speaker")),
    h("p", { class: "speaker-name", id: "speaker-name" }, `${speaker.name}（${speaker.seat}）`),
    h(
      "p",
      { class: "speech-countdown", id: "speech-countdown", dataset: { endsAt: speaker.ends_at } },
      speechLeft(speaker.ends_at),
    ),
    speaking.queue.length
      ? h("p", { class: "speaker-queue" }, t("hall_speech_queue", { count: speaking.queue.length }))
      : null,
  );
}
