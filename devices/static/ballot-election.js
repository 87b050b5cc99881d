// Election ballot (选举): per candidate for / against / abstain; after "against" a write-in
// (另选他人, 代表法 Art 17) may replace that candidate. A live counter "已选 k / 应选 n" (k = for
// marks plus write-ins) stops over-voting: at k = n further "for" marks and write-ins are disabled.
// Choice: {"marks": {id: mark}, "write_ins": {id: name}}: each write-in keyed by the candidate it
// replaces (tally-format.md). Where the law limits write-ins to deputies (主席, 副主席, 主席团:
// 组织法 Art 18) the poll lists them in `write_in_eligible` and the ballot offers a pick list of
// those names instead of free text; an encrypted ballot then carries the picked deputy's roster
// id from `write_in_roster` (ballot-encrypted.js `writtenIn`). A runoff takes no write-ins
// (组织法 Art 29).

import { format } from "/static/common/i18n.js";
import { lang, t } from "./i18n.js";
import { h, uid } from "./ui.js";
import { markGroup, reviewList } from "./ballot-common.js";

/** ballots.MAX_NAME_LENGTH: the server refuses a longer write-in (invalid-write-in). */
export const MAX_NAME_LENGTH = 32;
/** Control and format characters (Unicode Cc, Cf): a name holding one is refused. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

const OWN_WORDS = {
  zh: {
    invisible: "另选人姓名“{name}”含有不可见字符或控制字符，请重新填写",
    tooLong: "另选人姓名不能超过{max}个字",
    pickLabel: "从代表中另选（代替{name}）",
    pickNone: "（不另选）",
    deputiesOnly: "本职务只能从本级人民代表大会代表中选举，另选他人请从名单中选择。",
  },
  en: {
    invisible: "The write-in “{name}” holds invisible or control characters: write it again",
    tooLong: "A write-in name has at most {max} characters",
    pickLabel: "Choose a deputy (instead of {name})",
    pickNone: "(no write-in)",
    deputiesOnly: "This office is elected from among the deputies: pick a write-in from the list.",
  },
};

function say(key, params = {}) {
  return format((OWN_WORDS[lang()] ?? OWN_WORDS.zh)[key], params);
}

export function emptyDraft() {
  return { marks: {}, writeIns: {} };
}

/** A draft holding a submitted choice, to change it. */
export function draftFrom(def, choice) {
  const draft = { marks: { ...(choice.marks || {}) }, writeIns: {} };
  if (Array.isArray(choice.write_ins)) {
    const names = [...choice.write_ins]; // the list form of paper ballots, in candidate order
    for (const candidate of def.candidates) {
      if (draft.marks[candidate.id] === "against" && names.length) {
        draft.writeIns[candidate.id] = names.shift();
      }
    }
  } else {
    Object.assign(draft.writeIns, choice.write_ins || {});
  }
  return draft;
}

function writeInsAllowed(def) {
  return def.write_ins !== false && def.round?.type !== "runoff";
}

/** The names a write-in may be picked from, or null when any name may be written. */
function eligible(def) {
  return Array.isArray(def.write_in_eligible) ? def.write_in_eligible : null;
}

/** A written name as the server compares it: NFC, surrounding whitespace trimmed. */
export function normalName(text) {
  return (text || "").normalize("NFC").trim();
}

/** [{candidate, name}] of the non-empty write-ins, in candidate order. */
function writeIns(def, draft) {
  if (!writeInsAllowed(def)) return [];
  return def.candidates
    .filter((c) => draft.marks[c.id] === "against" && normalName(draft.writeIns[c.id]))
    .map((c) => ({ candidate: c, name: normalName(draft.writeIns[c.id]) }));
}

export function chosenCount(def, draft) {
  const marks = def.candidates.filter((c) => draft.marks[c.id] === "for").length;
  return marks + writeIns(def, draft).length;
}

export function choiceOf(def, draft) {
  const marks = {};
  for (const candidate of def.candidates) {
    if (draft.marks[candidate.id]) marks[candidate.id] = draft.marks[candidate.id];
  }
  const choice = { marks };
  const written = writeIns(def, draft);
  if (written.length) {
    choice.write_ins = Object.fromEntries(written.map((w) => [w.candidate.id, w.name]));
  }
  return choice;
}

/** What must be corrected before the ballot can be submitted. */
export function problems(def, draft) {
  const found = [];
  const listed = new Set(def.candidates.flatMap((c) => [c.id, c.name]));
  const seen = new Set();
  for (const { name } of writeIns(def, draft)) {
    if (INVISIBLE.test(name)) found.push(say("invisible", { name: name.replace(/[\p{Cc}\p{Cf}]/gu, "") }));
    else if ([...name].length > MAX_NAME_LENGTH) found.push(say("tooLong", { max: MAX_NAME_LENGTH }));
    else if (listed.has(name)) found.push(t("election.writeInListed", { name }));
    else if (seen.has(name)) found.push(t("election.writeInDuplicate", { name }));
    seen.add(name);
  }
  const k = chosenCount(def, draft);
  if (k > def.seats) found.push(t("election.over", { k, n: def.seats }));
  return found;
}

export function render(def, draft, onChange) {
  const n = def.seats;
  const counter = h("p", { class: "counter", role: "status", "aria-live": "polite" });
  const limit = h("p", { class: "limit", role: "note", hidden: true }, t("election.full", { n }));
  const rows = def.candidates.map((candidate) => {
    const inputId = uid("writein");
    const hintId = uid("hint");
    const changed = () => {
      draft.writeIns[candidate.id] = writeIn.value;
      update();
      onChange();
    };
    const writeIn = writeInField(def, candidate, draft, { id: inputId, hint: hintId, changed });
    const hint = h("p", { class: "hint", id: hintId }, t("election.writeInHint"));
    const group = markGroup(candidate.name, draft.marks[candidate.id], (mark) => {
      draft.marks[candidate.id] = mark;
      if (mark !== "against") {
        delete draft.writeIns[candidate.id];
        writeIn.value = "";
      }
      update();
      onChange();
    });
    const writeInBox = writeInsAllowed(def)
      ? h(
          "div",
          { class: "writein" },
          h("label", { for: inputId, class: "writein-label" }, t("election.writeIn")),
          writeIn,
          hint,
        )
      : null;
    return {
      candidate,
      group,
      writeIn,
      hint,
      element: h("div", { class: "candidate" }, group.element, writeInBox),
    };
  });

  function update() {
    const k = chosenCount(def, draft);
    const full = k >= n;
    counter.textContent = t("election.counter", { k, n });
    counter.classList.toggle("full", full);
    limit.hidden = !full;
    for (const row of rows) {
      const id = row.candidate.id;
      const mark = draft.marks[id];
      row.group.inputs.for.disabled = full && mark !== "for";
      const hasName = Boolean((draft.writeIns[id] || "").trim());
      row.writeIn.disabled = mark !== "against" || (full && !hasName);
      row.hint.textContent =
        mark !== "against"
          ? t("election.writeInHint")
          : row.writeIn.disabled
            ? t("election.writeInFull", { n })
            : "";
      row.hint.hidden = !row.hint.textContent;
    }
  }

  update();
  return h(
    "div",
    { class: "ballot ballot-election" },
    h(
      "p",
      { class: "rule" },
      t(writeInsAllowed(def) ? "election.rule" : "election.ruleNoWriteIns"),
    ),
    writeInsAllowed(def) && eligible(def) ? h("p", { class: "rule" }, say("deputiesOnly")) : null,
    h("div", { class: "counter-bar" }, counter, limit),
    h(
      "div",
      { class: "candidates" },
      rows.map((r) => r.element),
    ),
  );
}

/** A free-text write-in, or a pick list of the eligible deputies (组织法 Art 18). */
function writeInField(def, candidate, draft, { id, hint, changed }) {
  const names = eligible(def);
  const current = draft.writeIns[candidate.id] || "";
  if (names === null) {
    return h("input", {
      type: "text",
      id,
      class: "writein-input",
      maxlength: 50,
      autocomplete: "off",
      value: current,
      "aria-label": t("election.writeInLabel", { name: candidate.name }),
      "aria-describedby": hint,
      oninput: changed,
    });
  }
  const options = [h("option", { value: "" }, say("pickNone"))].concat(
    names.map((name) => h("option", { value: name, selected: name === current }, name)),
  );
  return h(
    "select",
    {
      id,
      class: "writein-input writein-pick",
      "aria-label": say("pickLabel", { name: candidate.name }),
      "aria-describedby": hint,
      onchange: changed,
    },
    options,
  );
}

export function review(def, draft) {
  const lines = def.candidates.map((c) => [
    c.name,
    draft.marks[c.id] ? t(`choice.${draft.marks[c.id]}`) : t("unmarked"),
  ]);
  const names = writeIns(def, draft);
  return h(
    "div",
    {},
    reviewList(lines),
    names.length
      ? h(
          "ul",
          { class: "review-writeins" },
          names.map((w) =>
            h("li", {}, t("election.writeInItem", { name: w.name, instead: w.candidate.name })),
          ),
        )
      : null,
    h(
      "p",
      { class: "counter" },
      t("election.counter", { k: chosenCount(def, draft), n: def.seats }),
    ),
  );
}
