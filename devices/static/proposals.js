// Co-signed proposals on the tablet (联名议案): draft one, co-sign the open drafts of others,
// follow one's own (submit when enough deputies have signed, rate the answer to a suggestion).
// Every action is a signed message queued like a vote; the server's push lists the proposals.

import { lang } from "./i18n.js";
import { canonicalBytes } from "./canonical.js";
import { signedMessage } from "./keys.js";
import { h, uid, zh } from "./ui.js";

const WORDS = {
  zh: {
    title: "联名议案与建议",
    draft: "起草",
    kind: "类别",
    "kind.bill": "议案",
    "kind.interpellation": "质询案",
    "kind.recall": "罢免案",
    "kind.suggestion": "建议",
    "kind.nomination": "候选人提名",
    office: "选举事项（职务）",
    officeNone: "（不对应议程事项）",
    seats: "应选名额",
    nominees: "被提名人（每行一名，不超过应选名额）",
    nominated: (names, seats) => `被提名人：${names.join("、")}（应选 ${seats} 名）`,
    heading: "标题",
    text: "正文",
    sign: "签名并发起联名",
    open: "待联名的草案",
    none: "暂无",
    cosign: "联名签名",
    mine: "我的议案",
    sponsors: (n, r) => `联名 ${n} 人（需 ${r} 人）`,
    submit: "提交",
    asSuggestion: "作为建议提交",
    "status.draft": "征集联名中",
    "status.tabled": "已提交，待主席团决定",
    "status.agenda": "已列入议程",
    "status.suggestion": "作为建议办理",
    "status.answered": "已答复",
    "status.rated": "已评价",
    answer: (a) => `${a.unit} 答复（期限 ${a.deadline}）：${a.answer}`,
    "rate.satisfied": "满意",
    "rate.basically_satisfied": "基本满意",
    "rate.dissatisfied": "不满意",
  },
  en: {
    title: "Co-signed proposals and suggestions",
    draft: "Draft",
    kind: "Kind",
    "kind.bill": "Bill",
    "kind.interpellation": "Interpellation",
    "kind.recall": "Recall motion",
    "kind.suggestion": "Suggestion",
    "kind.nomination": "Nomination",
    office: "Election item (office)",
    officeNone: "(no agenda item)",
    seats: "Seats",
    nominees: "Nominees (one a line, at most as many as seats)",
    nominated: (names, seats) => `Nominees: ${names.join(", ")} (${seats} seats)`,
    heading: "Title",
    text: "Text",
    sign: "Sign and invite co-sponsors",
    open: "Drafts awaiting co-sponsors",
    none: "None",
    cosign: "Co-sign",
    mine: "My proposals",
    sponsors: (n, r) => `${n} sponsors (${r} needed)`,
    submit: "Submit",
    asSuggestion: "Submit as a suggestion",
    "status.draft": "Collecting co-sponsors",
    "status.tabled": "Submitted, awaiting the presidium",
    "status.agenda": "On the agenda",
    "status.suggestion": "Handled as a suggestion",
    "status.answered": "Answered",
    "status.rated": "Rated",
    answer: (a) => `${a.unit} answered (due ${a.deadline}): ${a.answer}`,
    "rate.satisfied": "Satisfied",
    "rate.basically_satisfied": "Basically satisfied",
    "rate.dissatisfied": "Dissatisfied",
  },
};

const DRAFT_KINDS = ["bill", "interpellation", "recall", "nomination", "suggestion"];
const RATINGS = ["satisfied", "basically_satisfied", "dissatisfied"];

function w(key, ...args) {
  const word = WORDS[lang() === "en" ? "en" : "zh"][key];
  return typeof word === "function" ? word(...args) : word;
}

/** SHA-256 (hex) of the draft's canonical JSON: the proposal's id (audit/proposals.py). */
export async function draftHash(content) {
  const digest = await crypto.subtle.digest("SHA-256", canonicalBytes(content));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The proposals panel; `enqueue(make)` queues a signed message as tablet.js does. */
export function createProposals(app, { enqueue }) {
  function send(bodyType, fields) {
    return enqueue((record) => signedMessage(record, bodyType, bodyType, fields));
  }

  async function draft(form) {
    const content = {
      kind: form.kind.value,
      title: form.heading.value.trim(),
      text: form.text.value.trim(),
    };
    if (!content.title || !content.text) return;
    if (content.kind === "nomination") Object.assign(content, nomination(form));
    const proposal = await draftHash(content);
    sentDraft = proposal;
    await send("proposal_draft", { ...content, proposal });
  }

  // The draft form lives across redraws of the screen (a queued message or a refusal redraws
  // it), so what the deputy typed survives; it is emptied once the server lists the draft.
  let form = null;
  let formLang = null;
  let sentDraft = null;

  function keptDraftForm(proposals) {
    if (sentDraft && proposals.some((p) => p.proposal === sentDraft)) {
      sentDraft = null;
      form = null;
    }
    if (!form || formLang !== lang()) {
      form = draftForm();
      formLang = lang();
    }
    return form;
  }

  function field(label, control) {
    const id = uid("proposal");
    control.id = id;
    return h("p", { class: "field" }, h("label", { for: id }, label), control);
  }

  function draftForm() {
    const nominationFields = nominationFieldset();
    const kind = h(
      "select",
      {
        name: "kind",
        onchange: (event) => {
          nominationFields.hidden = event.currentTarget.value !== "nomination";
        },
      },
      ...DRAFT_KINDS.map((k) => h("option", { value: k }, w(`kind.${k}`))),
    );
    const form = h(
      "form",
      {
        class: "proposal-draft",
        onsubmit: (event) => {
          event.preventDefault();
          draft(event.currentTarget);
        },
      },
      field(w("kind"), kind),
      nominationFields,
      field(w("heading"), h("input", { name: "heading", maxlength: "200", required: true })),
      field(w("text"), h("textarea", { name: "text", rows: "4", maxlength: "8000", required: true })),
      h("button", { type: "submit", class: "primary" }, w("sign")),
    );
    return h("div", { class: "proposal-block" }, h("h4", {}, w("draft")), form);
  }

  /** The nominees and seats of a nomination (组织法 Art 26): the election item chosen fills
   * the title with its office; the server checks at most as many nominees as seats. */
  function nominationFieldset() {
    const elections = (app.view?.items || []).filter((i) => i.kind === "election");
    const office = h(
      "select",
      {
        name: "office",
        onchange: (event) => {
          const item = elections.find((i) => i.item === event.currentTarget.value);
          const heading = event.currentTarget.form.heading;
          if (item && !heading.value.trim()) heading.value = `${item.title}候选人提名`;
        },
      },
      h("option", { value: "" }, w("officeNone")),
      ...elections.map((i) => h("option", { value: i.item, lang: "zh-CN" }, i.title)),
    );
    return h(
      "fieldset",
      { class: "nomination-fields", hidden: true },
      elections.length ? field(w("office"), office) : null,
      field(w("seats"), h("input", { name: "seats", type: "number", min: "1", max: "50", value: "1" })),
      field(w("nominees"), h("textarea", { name: "nominees", rows: "3" })),
    );
  }

  function nomination(form) {
    const names = form.nominees.value.split("\n").map((n) => n.trim()).filter(Boolean);
    return { nominees: names, seats: Number.parseInt(form.seats.value, 10) };
  }

  function summary(p) {
    return [
      h("p", { class: "proposal-title" }, `${w(`kind.${p.kind}`)} · `, zh(p.title)),
      p.nominees ? h("p", {}, zh(w("nominated", p.nominees, p.seats))) : null,
      h("p", { class: "muted" }, w("sponsors", p.sponsors.length, p.required), " · ", w(`status.${p.status}`)),
    ];
  }

  function openDrafts(deputy, proposals) {
    const open = proposals.filter((p) => p.status === "draft" && p.drafter !== deputy);
    const rows = open.map((p) =>
      h(
        "li",
        { class: "proposal" },
        ...summary(p),
        h("p", {}, zh(p.text)),
        p.sponsors.includes(deputy)
          ? null
          : h(
              "button",
              { type: "button", onclick: () => send("proposal_sign", { proposal: p.proposal }) },
              w("cosign"),
            ),
      ),
    );
    return block(w("open"), rows);
  }

  function mine(deputy, proposals) {
    const own = proposals.filter((p) => p.drafter === deputy);
    const rows = own.map((p) => h("li", { class: "proposal" }, ...summary(p), ...actions(p)));
    return block(w("mine"), rows);
  }

  function actions(p) {
    if (p.status === "draft") {
      const submit = (as) => send("proposal_submit", { proposal: p.proposal, as });
      return [
        h("button", { type: "button", class: "primary", onclick: () => submit(p.kind) }, w("submit")),
        p.kind === "bill"
          ? h("button", { type: "button", onclick: () => submit("suggestion") }, w("asSuggestion"))
          : null,
      ];
    }
    if (p.status === "answered") {
      return [
        h("p", {}, zh(w("answer", p.answer))),
        ...RATINGS.map((rating) =>
          h(
            "button",
            { type: "button", onclick: () => send("suggestion_rate", { proposal: p.proposal, rating }) },
            w(`rate.${rating}`),
          ),
        ),
      ];
    }
    if (p.answer) return [h("p", {}, zh(w("answer", p.answer)))];
    return [];
  }

  function block(title, rows) {
    return h(
      "div",
      { class: "proposal-block" },
      h("h4", {}, title),
      rows.length ? h("ul", { class: "proposal-list" }, ...rows) : h("p", { class: "muted" }, w("none")),
    );
  }

  /** The panel, for a signed-in deputy. */
  function panel() {
    const deputy = app.record.deputy;
    const proposals = app.view?.proposals || [];
    return h(
      "section",
      { class: "panel proposals", "aria-label": w("title") },
      h("h3", {}, w("title")),
      keptDraftForm(proposals),
      openDrafts(deputy, proposals),
      mine(deputy, proposals),
    );
  }

  /** What the panel depends on, for the screen's redraw key. */
  function model() {
    return (app.view?.proposals || []).map((p) => [p.proposal, p.status, p.sponsors.length]);
  }

  return { panel, model };
}
