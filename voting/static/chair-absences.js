// The absence ledger of the meeting's term on the console (缺席记录): per deputy, present, on
// approved leave or absent without approval at each closed session of the term, with the
// warning at two unapproved absences (代表法第六十二条: the seat ends).

import { api, ctx, meetingPath, run } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    absences_heading: "缺席记录",
    absences_load: "查看本届缺席记录",
    absences_term: "届次：{term}，已闭会 {count} 次",
    absences_no_term: "本次会议未设届次，仅列本次会议",
    absences_none: "尚无已闭会的会议",
    absences_deputy: "代表",
    absences_leave: "请假",
    absences_absent: "未经批准缺席",
    absences_warning: "警示",
    absences_warning_text: "未经批准两次缺席（代表法第六十二条：代表资格终止）",
    presence_present: "出席",
    presence_leave: "请假",
    presence_absent: "缺席",
    presence_none: "—",
  },
  en: {
    absences_heading: "Absences",
    absences_load: "Show the term's absences",
    absences_term: "Term: {term}, {count} sessions closed",
    absences_no_term: "This meeting names no term: this meeting only",
    absences_none: "No closed sessions yet",
    absences_deputy: "Deputy",
    absences_leave: "Leave",
    absences_absent: "Absent without leave",
    absences_warning: "Warning",
    absences_warning_text: "Absent twice without leave (代表法 Art 62: the seat ends)",
    presence_present: "present",
    presence_leave: "leave",
    presence_absent: "absent",
    presence_none: "—",
  },
});

function table(ledger) {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, t("absences_deputy")),
    ...ledger.sessions.map((s) => h("th", { scope: "col" }, `${s.title}（${s.date}）`)),
    h("th", { scope: "col" }, t("absences_leave")),
    h("th", { scope: "col" }, t("absences_absent")),
    h("th", { scope: "col" }, t("absences_warning")),
  );
  const rows = ledger.deputies.map((d) =>
    h(
      "tr",
      { class: d.warning ? "absence-warning" : null },
      h("th", { scope: "row" }, `${d.name}（${d.seat}）`),
      ...d.record.map((p) => h("td", {}, t(`presence_${p || "none"}`))),
      h("td", {}, String(d.leave)),
      h("td", {}, String(d.absent)),
      h("td", {}, d.warning ? t("absences_warning_text") : ""),
    ),
  );
  return h("table", { class: "absences", id: "absences-table" }, h("thead", {}, head), h("tbody", {}, ...rows));
}

async function load() {
  const ledger = await api("GET", meetingPath("/absences"));
  const summary = ledger.term
    ? t("absences_term", { term: ledger.term, count: ledger.sessions.length })
    : t("absences_no_term");
  fill(
    $("#absences"),
    loadButton(),
    h("p", { id: "absences-summary" }, summary),
    ledger.sessions.length ? table(ledger) : h("p", { class: "muted-line" }, t("absences_none")),
  );
}

function loadButton() {
  return h("button", { type: "button", id: "absences-load", onclick: () => run(load) }, t("absences_load"));
}

/** The panel starts with its button only (again for another meeting): the ledger reads every
 * session of the term, so it is loaded when asked for. */
export function renderAbsences() {
  const el = $("#absences");
  if (!el || el.dataset.meeting === ctx.meeting) return;
  el.dataset.meeting = ctx.meeting;
  fill(el, loadButton());
}
