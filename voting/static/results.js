// Reading a result object (docs/tally-format.md) out loud: the verdict words of ballots/table.py.
//
// The server decides; this module only chooses the words, with the same rules as the printed
// table: 通过 / 未通过 for motions; per candidate or project 当选 / 入选, 需再次投票 (a tie for the
// last seats: runoff) or 未当选 / 未入选; 另行选举 for unfilled seats; a round with more ballots
// cast than issued is invalid (本轮选举无效) and has no outcome.

const ZH = {
  people: "应出席 {electorate} 名，实到 {present} 名",
  people_unknown: "应出席 {electorate} 名",
  ballots: "发出选票 {issued} 张，收回选票 {cast} 张，有效票 {valid} 张，废票 {void} 张",
  quorum_met: "符合法定人数",
  quorum_not_met: "不足法定人数（须有三分之二以上代表出席）",
  required: "{what}所需票数：{count} 票（{rule}）",
  required_motion: "通过",
  required_election: "当选",
  required_selection: "入选",
  required_evaluation: "评为{best}",
  base_electorate: "全体代表",
  base_present: "出席代表",
  base_cast: "有效票",
  more_than_half: "{base}过半数",
  more_than: "超过{base}的{fraction}",
  at_least: "{base}的{fraction}以上",
  fraction: "{denominator}分之{numerator}",
  numerals: "零一二三四五六七八九十",
  round_invalid_motion: "收回表决票多于发出表决票，本次表决无效，需重新表决",
  round_invalid_election: "收回选票多于发出选票，本轮选举无效，需重新投票",
  round_invalid_selection: "收回选票多于发出选票，本次票决无效，需重新投票",
  round_invalid_evaluation: "收回测评票多于发出测评票，本次测评无效，需重新测评",
  invalid_word_motion: "本次表决无效",
  invalid_word_election: "本轮选举无效",
  invalid_word_selection: "本次票决无效",
  invalid_word_evaluation: "本次测评无效",
  for: "赞成",
  against: "反对",
  abstain: "弃权",
  not_voted: "未表决",
  votes: "票数",
  passed: "表决结果：通过",
  not_passed: "表决结果：未通过",
  passed_word: "通过",
  not_passed_word: "未通过",
  seats_election: "应选 {seats} 名",
  seats_selection: "应选 {seats} 项",
  candidate: "候选人",
  write_in: "{name}（另选他人）",
  project: "项目",
  result: "结果",
  elected_election: "当选",
  elected_selection: "入选",
  not_elected_election: "未当选",
  not_elected_selection: "未入选",
  runoff: "需再次投票",
  elected_list_election: "当选：{names}",
  elected_list_selection: "入选：{names}",
  nobody_election: "无人当选",
  nobody_selection: "无项目入选",
  runoff_line: "需再次投票：{names} 得票相等，就 {seats} 个名额再次投票",
  unfilled_election: "另行选举：尚缺 {count} 名，需另行选举",
  unfilled_selection: "另行票决：尚缺 {count} 项，需另行票决",
  of_electorate: "占应出席",
  of_cast: "占收回选票",
  subject: "测评对象",
  rate: "{levels}率",
  level_sep: "+",
  rating: "评定",
  rank: "名次",
  list_sep: "、",
  none: "—",
  satisfied: "满意",
  basically_satisfied: "基本满意",
  dissatisfied: "不满意",
  column_satisfied: "满意",
  column_basically_satisfied: "基本满意",
  column_dissatisfied: "不满意",
};

const EN = {
  people: "Seated deputies {electorate}, present {present}",
  people_unknown: "Seated deputies {electorate}",
  ballots: "Ballots issued {issued}, cast {cast}, valid {valid}, void {void}",
  quorum_met: "Quorum met",
  quorum_not_met: "Quorum not met (two thirds of seated deputies must be present)",
  required: "Votes required to {what}: {count} ({rule})",
  required_motion: "pass",
  required_election: "be elected",
  required_selection: "be adopted",
  required_evaluation: "be rated {best}",
  base_electorate: "all seated deputies",
  base_present: "deputies present",
  base_cast: "valid ballots",
  more_than_half: "more than half of {base}",
  more_than: "more than {fraction} of {base}",
  at_least: "at least {fraction} of {base}",
  fraction: "{numerator}/{denominator}",
  numerals: "",
  round_invalid_motion: "More ballots cast than issued: the vote is invalid and must be held again",
  round_invalid_election:
    "More ballots cast than issued: the round is invalid and the election must be held again",
  round_invalid_selection:
    "More ballots cast than issued: the vote is invalid and must be held again",
  round_invalid_evaluation:
    "More ballots cast than issued: the evaluation is invalid and must be held again",
  invalid_word_motion: "Vote invalid",
  invalid_word_election: "Round invalid",
  invalid_word_selection: "Vote invalid",
  invalid_word_evaluation: "Evaluation invalid",
  for: "For",
  against: "Against",
  abstain: "Abstain",
  not_voted: "Not voted",
  votes: "Votes",
  passed: "Result: passed",
  not_passed: "Result: not passed",
  passed_word: "Passed",
  not_passed_word: "Not passed",
  seats_election: "Seats: {seats}",
  seats_selection: "Projects to choose: {seats}",
  candidate: "Candidate",
  write_in: "{name} (write-in)",
  project: "Project",
  result: "Result",
  elected_election: "elected",
  elected_selection: "adopted",
  not_elected_election: "not elected",
  not_elected_selection: "not adopted",
  runoff: "runoff needed",
  elected_list_election: "Elected: {names}",
  elected_list_selection: "Adopted: {names}",
  nobody_election: "Nobody elected",
  nobody_selection: "No project adopted",
  runoff_line: "Runoff needed: {names} tie; new vote for {seats} seat(s)",
  unfilled_election: "Further election needed: {count} seat(s) unfilled",
  unfilled_selection: "Further vote needed: {count} place(s) unfilled",
  of_electorate: "% of seated",
  of_cast: "% of cast",
  subject: "Subject",
  rate: "{levels} rate",
  level_sep: "+",
  rating: "Rating",
  rank: "Rank",
  list_sep: ", ",
  none: "-",
  satisfied: "satisfied",
  basically_satisfied: "basically satisfied",
  dissatisfied: "dissatisfied",
  column_satisfied: "Satisfied",
  column_basically_satisfied: "Basically",
  column_dissatisfied: "Dissatisfied",
};

const WORDS = { zh: ZH, en: EN };
const DEFAULT_LEVELS = ["satisfied", "basically_satisfied", "dissatisfied"];
export const MOTION_MARKS = ["for", "against", "abstain", "not_voted"];

/** The word `key` of the result table in `lang`, placeholders filled. */
export function word(lang, key, params = {}) {
  const text = (WORDS[lang] || ZH)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A level's word: the default levels are translated, custom ones shown as given. */
export function levelWord(lang, level, column = false) {
  return DEFAULT_LEVELS.includes(level) ? word(lang, (column ? "column_" : "") + level) : level;
}

export function levels(definition) {
  return definition.levels || DEFAULT_LEVELS;
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
  const kind = result.kind;
  const lines = [];
  if (!result.round_valid) lines.push(word(lang, `round_invalid_${kind}`));
  const outcome = result.outcome;
  if (!outcome) return lines;
  if (kind === "motion") {
    lines.push(word(lang, outcome.passed ? "passed" : "not_passed"));
  } else if (kind === "election" || kind === "selection") {
    const names = labels(lang, definition, result);
    const sep = word(lang, "list_sep");
    if (outcome.elected.length) {
      lines.push(
        word(lang, `elected_list_${kind}`, {
          names: outcome.elected.map((k) => names[k]).join(sep),
        }),
      );
    } else if (!outcome.runoff) {
      lines.push(word(lang, `nobody_${kind}`));
    }
    if (outcome.runoff) {
      lines.push(
        word(lang, "runoff_line", {
          names: outcome.runoff.candidates.map((k) => names[k]).join(sep),
          seats: outcome.runoff.seats,
        }),
      );
    }
    if (outcome.unfilled) lines.push(word(lang, `unfilled_${kind}`, { count: outcome.unfilled }));
  }
  return lines;
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
  const ranks = {};
  (result.outcome?.ranking || []).forEach((key, index) => {
    ranks[key] = index + 1;
  });
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
