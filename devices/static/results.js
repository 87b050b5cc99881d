// The result of a closed poll, as counted by the server (tally-format.md, "Output"): counts and
// the verdict. Shown only once the poll is closed, so never partial choices of a secret vote.

import { t } from "./i18n.js";
import { h, zh } from "./ui.js";
import { MARKS } from "./ballot-common.js";
import { levelName, levels } from "./ballot-evaluation.js";

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

function verdict(passed, yes, no) {
  return h(
    "p",
    { class: `verdict ${passed ? "verdict-pass" : "verdict-fail"}` },
    passed ? yes : no,
  );
}

function names(def, ids) {
  const byId = new Map((def.candidates || []).map((c) => [c.id, c.name]));
  return ids.map((id) => byId.get(id) ?? id).join("、");
}

function ballotsLine(result) {
  const b = result.ballots;
  if (!b) return null;
  return h(
    "p",
    { class: "result-ballots" },
    t("result.ballots", {
      issued: result.issued ?? b.cast,
      cast: b.cast,
      valid: b.valid,
      void: b.void,
    }),
  );
}

function seatOutcome(def, outcome, adopted) {
  const parts = [];
  if (outcome.elected.length) {
    const key = adopted ? "result.adopted" : "result.elected";
    parts.push(
      h("p", { class: "verdict verdict-pass" }, t(key, { names: names(def, outcome.elected) })),
    );
  } else {
    parts.push(verdict(false, "", t(adopted ? "result.noneAdopted" : "result.noneElected")));
  }
  if (outcome.runoff) {
    const text = t("result.runoff", {
      names: names(def, outcome.runoff.candidates),
      seats: outcome.runoff.seats,
    });
    parts.push(h("p", { class: "outcome-note" }, text));
  }
  if (outcome.unfilled) {
    const key = adopted ? "result.unfilledProjects" : "result.unfilled";
    parts.push(h("p", { class: "outcome-note" }, t(key, { k: outcome.unfilled })));
  }
  return parts;
}

function required(result) {
  return h("p", { class: "result-required" }, t("result.required", { required: result.required }));
}

function markTable(def, result, caption) {
  return table(
    caption,
    [t("result.name"), ...MARKS.map((m) => t(`choice.${m}`))],
    def.candidates.map((c) => [c.name, ...MARKS.map((m) => result.counts[c.id]?.[m] ?? 0)]),
  );
}

/** The result block of a closed poll view {definition, result}. */
export function renderResult(poll) {
  const def = poll.definition;
  const result = poll.result;
  const box = h("section", { class: "result", "aria-labelledby": "result-title" });
  box.append(h("h3", { id: "result-title" }, t("result.title")));
  if (!result) {
    box.append(h("p", {}, t("result.pending")));
    return box;
  }
  if (result.round_valid === false || !result.outcome) {
    box.append(verdict(false, "", t("result.roundInvalid")), ballotsLine(result) ?? "");
    return box;
  }
  if (result.kind === "motion") {
    const c = result.counts;
    const cells = MARKS.map((m) => [t(`choice.${m}`), c[m]]);
    if (c.not_voted !== null && c.not_voted !== undefined)
      cells.push([t("result.notVoted"), c.not_voted]);
    box.append(
      verdict(result.outcome.passed, t("result.passed"), t("result.failed")),
      h(
        "dl",
        { class: "motion-counts" },
        cells.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, String(value)))),
      ),
      required(result),
    );
    return box;
  }
  if (result.kind === "election") {
    box.append(
      ...seatOutcome(def, result.outcome, false),
      required(result),
      markTable(def, result, t("result.perCandidate")),
    );
    const writeIns = Object.entries(result.write_ins || {});
    if (writeIns.length) {
      const list = writeIns.map(([name, votes]) => `${name} ${votes}`).join("、");
      box.append(h("p", { class: "result-writeins" }, t("result.writeIns", { list })));
    }
  } else if (result.kind === "selection") {
    box.append(...seatOutcome(def, result.outcome, true), required(result));
    if (def.form === "each") {
      box.append(markTable(def, result, t("result.perProject")));
    } else {
      box.append(
        table(
          t("result.perProject"),
          [t("result.name"), t("result.votes")],
          def.candidates.map((p) => [p.name, result.counts[p.id]?.for ?? 0]),
        ),
      );
    }
  } else if (result.kind === "evaluation") {
    const all = levels(def);
    const ratings = result.outcome.ratings || {};
    box.append(
      table(
        t("result.perSubject"),
        [t("evaluation.subject"), ...all.map(levelName), t("result.rating")],
        def.subjects.map((s) => [
          s.name,
          ...all.map((level) => result.counts[s.id]?.[level] ?? 0),
          ratings[s.id] ? levelName(ratings[s.id]) : "",
        ]),
      ),
    );
  }
  const line = ballotsLine(result);
  if (line) box.append(line);
  return box;
}
