// Co-signed proposals on the console (联名议案): the list with sponsors and status; the
// presidium's decision on a tabled bill (put on the agenda, or handled as a suggestion); the
// answer to a suggestion (answering unit, deadline, answer). Deputies draft and co-sign on
// their tablets; the server checks the thresholds.

import { api, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    proposals_heading: "联名议案与建议",
    proposals_empty: "暂无代表联名提出的议案或建议",
    proposals_kind_bill: "议案",
    proposals_kind_interpellation: "质询案",
    proposals_kind_recall: "罢免案",
    proposals_kind_nomination: "候选人提名",
    proposals_kind_suggestion: "建议",
    proposals_status_draft: "征集联名中",
    proposals_status_tabled: "已提交，待主席团决定",
    proposals_status_agenda: "已列入议程",
    proposals_status_suggestion: "作为建议办理，待答复",
    proposals_status_answered: "已答复，待代表评价",
    proposals_status_rated: "代表已评价",
    proposals_sponsors: "联名 {count} 人（需 {required} 人）",
    proposals_nominees: "被提名人：{names}（应选 {seats} 名）",
    proposals_to_agenda: "列入议程",
    proposals_to_suggestion: "作为建议",
    proposals_answer: "答复建议",
    proposals_reference: "主席团决定文号",
    proposals_decide_title: "主席团决定：{title}",
    proposals_answer_title: "答复建议：{title}",
    proposals_unit: "承办单位",
    proposals_deadline: "办理期限",
    proposals_answer_text: "答复内容",
    proposals_confirm: "记录",
    proposals_done: "已记录：{title}",
    proposals_rating_satisfied: "满意",
    proposals_rating_basically_satisfied: "基本满意",
    proposals_rating_dissatisfied: "不满意",
  },
  en: {
    proposals_heading: "Co-signed proposals and suggestions",
    proposals_empty: "No proposal or suggestion from the deputies yet",
    proposals_kind_bill: "Bill",
    proposals_kind_interpellation: "Interpellation",
    proposals_kind_recall: "Recall motion",
    proposals_kind_nomination: "Nomination",
    proposals_kind_suggestion: "Suggestion",
    proposals_status_draft: "Collecting co-sponsors",
    proposals_status_tabled: "Submitted, awaiting the presidium",
    proposals_status_agenda: "On the agenda",
    proposals_status_suggestion: "A suggestion awaiting its answer",
    proposals_status_answered: "Answered, awaiting the deputy's rating",
    proposals_status_rated: "Rated by the deputy",
    proposals_sponsors: "{count} sponsors ({required} needed)",
    proposals_nominees: "Nominees: {names} ({seats} seats)",
    proposals_to_agenda: "Put on the agenda",
    proposals_to_suggestion: "Handle as a suggestion",
    proposals_answer: "Answer",
    proposals_reference: "Presidium decision reference",
    proposals_decide_title: "Presidium decision: {title}",
    proposals_answer_title: "Answer the suggestion: {title}",
    proposals_unit: "Answering unit",
    proposals_deadline: "Deadline",
    proposals_answer_text: "Answer",
    proposals_confirm: "Record",
    proposals_done: "Recorded: {title}",
    proposals_rating_satisfied: "satisfied",
    proposals_rating_basically_satisfied: "basically satisfied",
    proposals_rating_dissatisfied: "dissatisfied",
  },
});

/** Fill #proposals with every proposal of the meeting and the actions open to the chair. */
export function renderProposals(state) {
  const el = $("#proposals");
  if (!el) return;
  const proposals = state.proposals || [];
  if (!proposals.length) {
    fill(el, h("p", { class: "muted-line" }, t("proposals_empty")));
    return;
  }
  fill(el, h("ul", { class: "proposal-list" }, ...proposals.map(row)));
}

function row(p) {
  const sponsors = t("proposals_sponsors", { count: p.sponsors.length, required: p.required });
  return h(
    "li",
    { class: "proposal" },
    h("p", { class: "proposal-title" }, `${t(`proposals_kind_${p.kind}`)} · ${p.title}`),
    p.nominees ? h("p", {}, t("proposals_nominees", { names: p.nominees.join("、"), seats: p.seats })) : null,
    h("p", { class: "muted-line" }, `${sponsors} · ${t(`proposals_status_${p.status}`)}`),
    p.answer ? h("p", {}, `${p.answer.unit}（${p.answer.deadline}）：${p.answer.answer}`) : null,
    p.rating ? h("p", {}, t(`proposals_rating_${p.rating}`)) : null,
    ...actions(p),
  );
}

function actions(p) {
  if (p.status === "tabled") {
    return ["agenda", "suggestion"].map((decision) =>
      button(t(decision === "agenda" ? "proposals_to_agenda" : "proposals_to_suggestion"), p, () =>
        decide(p, decision),
      ),
    );
  }
  if (p.status === "suggestion") return [button(t("proposals_answer"), p, () => answer(p))];
  return [];
}

function button(label, p, onclick) {
  return h(
    "button",
    { type: "button", class: "secondary small", "aria-label": `${label}：${p.title}`, onclick },
    label,
  );
}

function path(p, action) {
  return meetingPath(`/proposals/${encodeURIComponent(p.proposal)}/${action}`);
}

function decide(p, decision) {
  const reference = h("input", { type: "text", required: true, maxlength: "500" });
  openDialog({
    title: t("proposals_decide_title", { title: p.title }),
    body: [field("proposal-reference", t("proposals_reference"), reference)],
    actions: [
      {
        label: t("proposals_confirm"),
        tone: "primary",
        run: async () => {
          await api("POST", path(p, "decision"), { decision, reference: reference.value.trim() });
          notify(t("proposals_done", { title: p.title }), "ok");
        },
      },
    ],
  });
}

function answer(p) {
  const unit = h("input", { type: "text", required: true, maxlength: "500" });
  const deadline = h("input", { type: "date", required: true });
  const text = h("textarea", { rows: "5", required: true, maxlength: "8000" });
  openDialog({
    title: t("proposals_answer_title", { title: p.title }),
    body: [
      field("proposal-unit", t("proposals_unit"), unit),
      field("proposal-deadline", t("proposals_deadline"), deadline),
      field("proposal-answer", t("proposals_answer_text"), text),
    ],
    actions: [
      {
        label: t("proposals_confirm"),
        tone: "primary",
        run: async () => {
          await api("POST", path(p, "answer"), {
            unit: unit.value.trim(),
            deadline: deadline.value,
            answer: text.value.trim(),
          });
          notify(t("proposals_done", { title: p.title }), "ok");
        },
      },
    ],
  });
}
