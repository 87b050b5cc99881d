// 日志不一致: the tablets that reported a split view (audit-log.md §8), for the chair console and
// the hall display. The public view lists them in `split_view_alarms` ({deputy, device, seq}).

import { h } from "/static/common/dom.js";

/** Fill `element` with the alarm, or hide it while no tablet reported one. */
export function renderSplitView(element, state, nameOf = (deputy) => deputy) {
  const alarms = state.split_view_alarms || [];
  element.hidden = alarms.length === 0;
  if (!alarms.length) return;
  const who = alarms.map((alarm) => `${nameOf(alarm.deputy)}（${alarm.device}）`).join("、");
  element.replaceChildren(
    h("p", { class: "split-view-title" }, "日志不一致：有平板发现服务器展示了不同的日志，请通知监票人"),
    h("p", { lang: "en" }, "Log inconsistency: a tablet was shown a different log. Call the scrutineers."),
    h("p", { class: "split-view-who" }, `报警平板 / reporting tablets: ${who}`),
  );
}
