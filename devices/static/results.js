// The result of a closed poll, as counted by the server (tally-format.md, "Output"): counts and
// the verdict, in the words of ballots/words.py (common/results.js). Shown only once the poll
// is closed, so never partial choices of a secret vote.

import { lang, t } from "./i18n.js";
import { h, zh } from "./ui.js";
import {
  MOTION_MARKS,
  ballotsLine,
  evaluationRows,
  levelWord,
  levels,
  requiredLine,
  seatRows,
  verdictItems,
  word,
} from "/static/common/results.js";

function table(caption, head, rows) {
  return h(
    "table",
    { class: "result-table" },
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        head.map((cell) => h("th", { scope: "col" }, cell)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map(([name, ...cells]) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, zh(name)),
          cells.map((cell) => h("td", {}, String(cell))),
        ),
      ),
    ),
  );
}

/** The verdict: the first line big (通过, 无人当选, …), the others as notes; failures never in
 * the colour of success. */
function verdicts(l, def, result) {
  const items = verdictItems(l, def, result);
  if (result.kind === "motion" && result.round_valid) {
    const passed = result.outcome.passed;
    items[0] = {
      text: word(l, passed ? "passed_word" : "not_passed_word"),
      tone: passed ? "good" : "bad",
    };
  }
  return items.map((item, i) =>
    h(
      "p",
      { class: i === 0 ? `verdict verdict-${item.tone}` : `outcome-note note-${item.tone}` },
      item.text,
    ),
  );
}

function motionCounts(l, result) {
  const none = word(l, "none");
  return h(
    "dl",
    { class: "motion-counts" },
    MOTION_MARKS.map((mark) => {
      const value = result.counts[mark];
      return h(
        "div",
        {},
        h("dt", {}, word(l, mark)),
        h("dd", {}, value === null || value === undefined ? none : String(value)),
      );
    }),
  );
}

function seatTable(l, def, result) {
  const rows = seatRows(l, def, result);
  const marks = rows.length ? rows[0].marks : ["for"];
  const none = word(l, "none");
  return table(
    t(result.kind === "election" ? "result.perCandidate" : "result.perProject"),
    [
      word(l, result.kind === "election" ? "candidate" : "project"),
      ...marks.map((m) => word(l, m)),
      word(l, "result"),
    ],
    rows.map((row) => [
      row.label,
      ...marks.map((m) => (m in row.votes ? row.votes[m] : none)),
      row.text,
    ]),
  );
}

function evaluationTable(l, def, result) {
  const all = levels(def);
  return table(
    t("result.perSubject"),
    [
      word(l, "subject"),
      ...all.map((level) => levelWord(l, level, true)),
      word(l, "rating"),
      word(l, "rank"),
    ],
    evaluationRows(l, def, result).map((row) => [row.label, ...row.counts, row.rating, row.rank]),
  );
}

/** The result block of a closed poll view {definition, result}. */
export function renderResult(poll) {
  const l = lang();
  const def = poll.definition;
  const result = poll.result;
  const box = h("section", { class: "result", "aria-labelledby": "result-title" });
  box.append(h("h3", { id: "result-title" }, t("result.title")));
  if (!result) {
    box.append(h("p", {}, t("result.pending")));
    return box;
  }
  box.append(...verdicts(l, def, result));
  if (result.round_valid && result.outcome) {
    if (result.kind === "motion") box.append(motionCounts(l, result));
    box.append(h("p", { class: "result-required" }, requiredLine(l, def, result)));
    if (result.kind === "election" || result.kind === "selection") {
      box.append(seatTable(l, def, result));
    } else if (result.kind === "evaluation") {
      box.append(evaluationTable(l, def, result));
    }
  }
  box.append(h("p", { class: "result-ballots" }, ballotsLine(l, result)));
  return box;
}
