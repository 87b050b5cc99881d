// A result as HTML: the counts table and the verdict lines, for the console and the print sheets.

import { h } from "/static/common/dom.js";
import {
  MOTION_MARKS,
  evaluationHeadings,
  evaluationRows,
  headerLines,
  percent,
  seatRows,
  verdictItems,
  word,
} from "/static/common/results.js";

function table(caption, headings, rows, kind) {
  const numericFrom = 1;
  return h(
    "table",
    { class: `counts ${kind}` },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headings.map((text, i) =>
          h("th", { scope: "col", class: i >= numericFrom ? "num" : null }, text),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          { class: row.className || null },
          row.cells.map((text, i) =>
            i === 0
              ? h("th", { scope: "row" }, text)
              : h(
                  "td",
                  {
                    class:
                      i >= numericFrom && i < row.cells.length - (row.verdictLast ? 1 : 0)
                        ? "num"
                        : null,
                  },
                  text,
                ),
          ),
        ),
      ),
    ),
  );
}

/** The counts table of `result`. */
export function countsTable(lang, definition, result) {
  const none = word(lang, "none");
  if (result.kind === "motion") {
    return table(
      word(lang, "votes"),
      ["", word(lang, "votes")],
      MOTION_MARKS.map((mark) => ({
        cells: [
          word(lang, mark),
          result.counts[mark] === null ? none : String(result.counts[mark]),
        ],
        className: `mark-${mark}`,
      })),
      "motion",
    );
  }
  if (result.kind === "evaluation") {
    return table(
      word(lang, "subject"),
      evaluationHeadings(lang, definition),
      evaluationRows(lang, definition, result).map((row) => ({
        cells: [
          row.label,
          ...row.counts.map(String),
          row.rate,
          ...(row.goodRate === null ? [] : [row.goodRate]),
          row.rating,
          row.rank,
        ],
      })),
      "evaluation",
    );
  }
  const rows = seatRows(lang, definition, result);
  const marks = rows.length ? rows[0].marks : ["for"];
  const rates = result.kind === "selection";
  const headings = [
    word(lang, result.kind === "election" ? "candidate" : "project"),
    ...marks.map((mark) => word(lang, mark)),
    ...(rates ? [word(lang, "of_electorate"), word(lang, "of_cast")] : []),
    word(lang, "result"),
  ];
  return table(
    headings[0],
    headings,
    rows.map((row) => ({
      cells: [
        row.label,
        ...marks.map((mark) => (mark in row.votes ? String(row.votes[mark]) : none)),
        ...(rates
          ? [
              percent(lang, row.votes.for, result.electorate),
              percent(lang, row.votes.for, result.ballots.cast),
            ]
          : []),
        row.text,
      ],
      verdictLast: true,
      className: row.elected ? "elected" : row.runoff ? "runoff" : null,
    })),
    result.kind,
  );
}

/**
 * Header lines, table and verdict lines; `header: false` leaves out the people and ballots.
 * Each verdict line has its tone: a failure (未通过, 无人当选, 另行选举) is never shown as success.
 */
export function resultBlock(lang, definition, result, { header = true } = {}) {
  const verdicts = verdictItems(lang, definition, result);
  const heads = header ? headerLines(lang, definition, result) : [];
  const invalid = result.round_valid ? null : word(lang, `round_invalid_${result.kind}`);
  return h(
    "div",
    { class: "result-block" },
    heads.filter((line) => line !== invalid).map((line) => h("p", { class: "result-line" }, line)),
    countsTable(lang, definition, result),
    verdicts.map((item) =>
      h("p", { class: `verdict-line ${item.tone}`, dataset: { tone: item.tone } }, item.text),
    ),
  );
}
