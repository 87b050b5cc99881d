// Reading a result object (docs/tally-format.md) out loud: the verdict words of ballots/table.py,
// from the one dictionary the server serves as words.js (ballots/words.py). Every page uses it:
// the tablet, the console, the hall display and the print sheets.
//
// The server decides; this module only chooses the words, with the same rules as the printed
// table: 通过 / 未通过 for motions; per candidate or project 当选 / 入选, 需再次投票 (a tie for the
// last seats: runoff) or 未当选 / 未入选; 另行选举 for unfilled seats; a round with more ballots
// cast than issued is invalid (本轮选举无效) and has no outcome.

import { DEFAULT_LEVELS, WORDS } from "./words.js";
import { format } from "./i18n.js";

export { DEFAULT_LEVELS };

const ZH = WORDS.zh;
export const MOTION_MARKS = ["for", "against", "abstain", "not_voted"];

/** The word `key` of the result table in `lang`, placeholders filled. */
export function word(lang, key, params = {}) {
  return format((WORDS[lang] || ZH)[key] ?? ZH[key] ?? key, params);
}

/** A level's word: the default levels are translated, custom ones shown as given. */
export function levelWord(lang, level, column = false) {
  return DEFAULT_LEVELS.includes(level) ? word(lang, (column ? "column_" : "") + level) : level;
}

export function levels(definition) {
  return definition.levels?.length ? definition.levels : DEFAULT_LEVELS;
}

/**
 * Ranks for an ordered list: equal results share a rank and the next one skips (1, 1, 3).
 * `keyOf(item)` gives what is compared (a number, or an array of numbers).
 */
export function sharedRanks(ordered, keyOf) {
  const ranks = [];
  let previous = null;
  ordered.forEach((item, index) => {
    const key = JSON.stringify(keyOf(item));
    ranks.push(index > 0 && key === previous ? ranks[index - 1] : index + 1);
    previous = key;
  });
  return ranks;
}

/** Each subject's rank in an evaluation: by the ballots rating it the best level, then the best
 * two, and so on (as ballots/evaluation.py orders them); equal counts share a rank. */
export function evaluationRanks(definition, result) {
  const all = levels(definition);
  const ranked = all.slice(0, Math.max(1, all.length - 1));
  const ranking = result.outcome?.ranking || [];
  const keyOf = (subject) => {
    let sum = 0;
    return ranked.map((level) => (sum += result.counts[subject][level]));
  };
  const ranks = sharedRanks(ranking, keyOf);
  return Object.fromEntries(ranking.map((subject, i) => [subject, ranks[i]]));
}

/** Did the outcome fail: not passed, nobody elected, seats unfilled, or an invalid round? */
export function failed(result) {
  if (!result.round_valid || !result.outcome) return !result.round_valid;
  const outcome = result.outcome;
  if (result.kind === "motion") return !outcome.passed;
  if (result.kind === "election" || result.kind === "selection") {
    return !outcome.elected.length || Boolean(outcome.unfilled);
  }
  return false;
}

/** "42.50%": count / whole with two decimals, rounded half up, from integers only. */
export function percent(lang, count, whole) {
  if (!whole) return word(lang, "none");
  const hundredths = Math.floor((count * 20000 + whole) / (2 * whole));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}%`;
}

function numeral(lang, number) {
  const numerals = word(lang, "numerals");
  return number < numerals.length ? numerals[number] : String(number);
}

/** The threshold in words: 全体代表过半数, 全体代表的三分之二以上, … */
export function ruleText(lang, threshold) {
  const t = threshold || {};
  const base = word(lang, `base_${t.base || "electorate"}`);
  const rule = t.rule || "more_than";
  const [numerator, denominator] = String(t.fraction || "1/2")
    .split("/")
    .map(Number);
  if (rule === "more_than" && numerator === 1 && denominator === 2) {
    return word(lang, "more_than_half", { base });
  }
  const fraction = word(lang, "fraction", {
    numerator: numeral(lang, numerator),
    denominator: numeral(lang, denominator),
  });
  return word(lang, rule, { base, fraction });
}

/** The header lines of the printed table: people, ballots, quorum, votes required, validity. */
export function headerLines(lang, definition, result) {
  const lines = [
    result.present === null || result.present === undefined
      ? word(lang, "people_unknown", { electorate: result.electorate })
      : word(lang, "people", { electorate: result.electorate, present: result.present }),
    ballotsLine(lang, result),
  ];
  if (result.quorum_met !== null && result.quorum_met !== undefined) {
    lines.push(word(lang, result.quorum_met ? "quorum_met" : "quorum_not_met"));
  }
  lines.push(requiredLine(lang, definition, result));
  if (!result.round_valid) lines.push(word(lang, `round_invalid_${result.kind}`));
  return lines;
}

export function ballotsLine(lang, result) {
  return word(lang, "ballots", { issued: result.issued, ...result.ballots });
}

export function requiredLine(lang, definition, result) {
  let what = word(lang, `required_${result.kind}`);
  if (result.kind === "evaluation") {
    what = word(lang, "required_evaluation", { best: levelWord(lang, levels(definition)[0]) });
  }
  return word(lang, "required", {
    what,
    count: result.required,
    rule: ruleText(lang, definition.threshold),
  });
}

/** Candidate, project or subject names by id; write-ins by their written name. */
export function labels(lang, definition, result) {
  const found = {};
  for (const entry of definition.candidates || definition.subjects || []) {
    found[entry.id] = entry.name ?? entry.id;
  }
  for (const name of Object.keys(result.write_ins || {})) {
    found[name] = word(lang, "write_in", { name });
  }
  return found;
}

/**
 * Elections and selections: one row per candidate or project, then per write-in, with its
 * counts and verdict word; `elected` / `runoff` tell which mark to show.
 */
export function seatRows(lang, definition, result) {
  const kind = result.kind;
  const outcome = result.outcome;
  const names = labels(lang, definition, result);
  const marks =
    definition.form === "choose" || (kind === "selection" && !definition.form)
      ? ["for"]
      : ["for", "against", "abstain"];
  const rows = [];
  const verdict = (key) => {
    if (!outcome) return { text: word(lang, "none"), elected: false, runoff: false };
    if (outcome.elected.includes(key)) {
      return { text: word(lang, `elected_${kind}`), elected: true, runoff: false };
    }
    if (outcome.runoff && outcome.runoff.candidates.includes(key)) {
      return { text: word(lang, "runoff"), elected: false, runoff: true };
    }
    return { text: word(lang, `not_elected_${kind}`), elected: false, runoff: false };
  };
  for (const entry of definition.candidates || []) {
    const votes = result.counts[entry.id];
    rows.push({
      key: entry.id,
      label: names[entry.id],
      votes,
      marks,
      writeIn: false,
      ...verdict(entry.id),
    });
  }
  for (const [name, count] of Object.entries(result.write_ins || {})) {
    rows.push({
      key: name,
      label: names[name],
      votes: { for: count },
      marks: ["for"],
      writeIn: true,
      ...verdict(name),
    });
  }
  return rows;
}

/** The verdict lines under the table, exactly as ballots/table.py prints them. */
export function verdictLines(lang, definition, result) {
  return verdictItems(lang, definition, result).map((item) => item.text);
}

/**
 * The verdict lines with their tone: "good" (passed, elected, adopted), "bad" (not passed,
 * nobody elected, seats unfilled, an invalid round) or "warn" (a runoff is needed). A failure
 * is never shown in the colour of success.
 */
export function verdictItems(lang, definition, result) {
  const kind = result.kind;
  const items = [];
  const add = (text, tone) => items.push({ text, tone });
  if (!result.round_valid) add(word(lang, `round_invalid_${kind}`), "bad");
  const outcome = result.outcome;
  if (!outcome) return items;
  if (kind === "motion") {
    add(word(lang, outcome.passed ? "passed" : "not_passed"), outcome.passed ? "good" : "bad");
  } else if (kind === "election" || kind === "selection") {
    const names = labels(lang, definition, result);
    const sep = word(lang, "list_sep");
    if (outcome.elected.length) {
      const list = outcome.elected.map((k) => names[k]).join(sep);
      add(word(lang, `elected_list_${kind}`, { names: list }), "good");
    } else if (!outcome.runoff) {
      add(word(lang, `nobody_${kind}`), "bad");
    }
    if (outcome.runoff) {
      add(
        word(lang, "runoff_line", {
          names: outcome.runoff.candidates.map((k) => names[k]).join(sep),
          seats: outcome.runoff.seats,
        }),
        "warn",
      );
    }
    if (outcome.unfilled) add(word(lang, `unfilled_${kind}`, { count: outcome.unfilled }), "bad");
  }
  return items;
}

/** The one big word for the hall: 通过 / 未通过, or 本轮选举无效; null when rows say it all. */
export function headline(lang, result) {
  if (!result.round_valid) return { text: word(lang, `invalid_word_${result.kind}`), tone: "bad" };
  if (result.kind === "motion") {
    return result.outcome.passed
      ? { text: word(lang, "passed_word"), tone: "good" }
      : { text: word(lang, "not_passed_word"), tone: "bad" };
  }
  return null;
}

/** Evaluations: per subject its counts per level, the two rates, its rating and rank. */
export function evaluationRows(lang, definition, result) {
  const all = levels(definition);
  const valid = result.ballots.valid;
  const ranks = evaluationRanks(definition, result);
  return (definition.subjects || []).map((subject) => {
    const byLevel = result.counts[subject.id];
    const best = byLevel[all[0]];
    const good = all.length > 2 ? best + byLevel[all[1]] : null;
    return {
      key: subject.id,
      label: subject.name ?? subject.id,
      counts: all.map((level) => byLevel[level]),
      rate: percent(lang, best, valid),
      goodRate: good === null ? null : percent(lang, good, valid),
      rating: result.outcome
        ? levelWord(lang, result.outcome.ratings[subject.id])
        : word(lang, "none"),
      ratingLevel: result.outcome ? result.outcome.ratings[subject.id] : null,
      rank: result.outcome ? String(ranks[subject.id]) : word(lang, "none"),
    };
  });
}

/** Column headings of the evaluation table. */
export function evaluationHeadings(lang, definition) {
  const all = levels(definition);
  const groups = [all.slice(0, 1)];
  if (all.length > 2) groups.push(all.slice(0, 2));
  return [
    word(lang, "subject"),
    ...all.map((level) => levelWord(lang, level, true)),
    ...groups.map((group) =>
      word(lang, "rate", {
        levels: group.map((level) => levelWord(lang, level, true)).join(word(lang, "level_sep")),
      }),
    ),
    word(lang, "rating"),
    word(lang, "rank"),
  ];
}
