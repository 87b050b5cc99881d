// Election ballot (选举): per candidate for / against / abstain; after "against" a write-in
// (另选他人) may replace that candidate. A live counter "已选 k / 应选 n" (k = for marks plus
// write-ins) stops over-voting: at k = n further "for" marks and write-ins are disabled.
// Choice: {"marks": {id: mark}, "write_ins": [name, ...]} (tally-format.md).

import { t } from "./i18n.js";
import { h, uid } from "./ui.js";
import { markGroup, reviewList } from "./ballot-common.js";

export function emptyDraft() {
  return { marks: {}, writeIns: {} };
}

/** A draft holding a submitted choice, to change it. */
export function draftFrom(def, choice) {
  const draft = { marks: { ...(choice.marks || {}) }, writeIns: {} };
  const names = [...(choice.write_ins || [])];
  for (const candidate of def.candidates) {
    if (draft.marks[candidate.id] === "against" && names.length) {
      draft.writeIns[candidate.id] = names.shift();
    }
  }
  return draft;
}

function writeInsAllowed(def) {
  return def.write_ins !== false;
}

/** [{candidate, name}] of the non-empty write-ins, in candidate order. */
function writeIns(def, draft) {
  if (!writeInsAllowed(def)) return [];
  return def.candidates
    .filter((c) => draft.marks[c.id] === "against" && (draft.writeIns[c.id] || "").trim())
    .map((c) => ({ candidate: c, name: draft.writeIns[c.id].trim() }));
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
  const names = writeIns(def, draft).map((w) => w.name);
  if (names.length) choice.write_ins = names;
  return choice;
}

/** What must be corrected before the ballot can be submitted. */
export function problems(def, draft) {
  const found = [];
  const listed = new Set(def.candidates.flatMap((c) => [c.id, c.name]));
  const seen = new Set();
  for (const { name } of writeIns(def, draft)) {
    if (listed.has(name)) found.push(t("election.writeInListed", { name }));
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
    const writeIn = h("input", {
      type: "text",
      id: inputId,
      class: "writein-input",
      maxlength: 50,
      autocomplete: "off",
      value: draft.writeIns[candidate.id] || "",
      "aria-label": t("election.writeInLabel", { name: candidate.name }),
      "aria-describedby": hintId,
      oninput: () => {
        draft.writeIns[candidate.id] = writeIn.value;
        update();
        onChange();
      },
    });
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
    h("div", { class: "counter-bar" }, counter, limit),
    h(
      "div",
      { class: "candidates" },
      rows.map((r) => r.element),
    ),
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
