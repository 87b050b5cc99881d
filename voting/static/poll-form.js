// The poll form's model, without the DOM: a poll definition (docs/tally-format.md) as the values
// of the chair's form, and back. The console's dialog (chair-poll-form.js) shows these values;
// the JSON stays available there as an advanced view.

/** Fields the server fills in when the vote opens: never part of what the chair sends. */
export const SERVER_FILLED = new Set(["electorate", "present", "issued"]);
export const DEFAULT_THRESHOLD = { base: "electorate", rule: "more_than", fraction: "1/2" };

/** The kind's list of entries, and the prefix of new entry ids. */
export const ENTRIES = {
  election: { field: "candidates", prefix: "c" },
  selection: { field: "candidates", prefix: "p" },
  evaluation: { field: "subjects", prefix: "s" },
};

/**
 * Whether the election round `round` elects by plurality: a runoff without a majority
 * threshold (组织法 Art 29, "以得票多的当选"). Such a poll carries no threshold of its own.
 */
export function pluralityRound(round) {
  return Boolean(round) && round.type === "runoff" && round.threshold !== "majority";
}

/** Whether an election round takes write-ins: every round but a runoff (组织法 Art 29). */
export function takesWriteIns(round) {
  return !round || round.type !== "runoff";
}

/** A problem with the form: `key` names the message of the console's words, `params` fill it. */
export class FormError extends Error {
  constructor(key, params = {}) {
    super(key);
    this.name = "FormError";
    this.key = key;
    this.params = params;
  }
}

/** A definition to start from when the agenda has none for `item`. */
export function template(item) {
  const base = { kind: item.kind, title: item.title };
  if (item.kind === "election") {
    return { ...base, seats: 1, candidates: [{ id: "c1", name: "" }], write_ins: true };
  }
  if (item.kind === "selection") {
    return { ...base, seats: 1, form: "choose", candidates: [{ id: "p1", name: "" }] };
  }
  if (item.kind === "evaluation") return { ...base, subjects: [{ id: "s1", name: "" }] };
  return base;
}

/**
 * The form's values for `definition` (what the server filled in is left out). An election's
 * `round` (a runoff or further election the server prepared, `type` and `follows`) is kept as
 * it came: the form does not show it but sends it back.
 */
export function formValues(definition) {
  const kind = definition.kind;
  const round = kind === "election" && definition.round ? { ...definition.round } : null;
  const entries = ENTRIES[kind]
    ? (definition[ENTRIES[kind].field] || []).map((entry) => ({ ...entry }))
    : [];
  return {
    kind,
    title: definition.title ?? "",
    seats: definition.seats ?? 1,
    writeIns: "write_ins" in definition ? definition.write_ins !== false : takesWriteIns(round),
    form: definition.form || "choose",
    entries,
    levels: definition.levels ? [...definition.levels] : null,
    threshold: { ...DEFAULT_THRESHOLD, ...(definition.threshold || {}) },
    round,
  };
}

/** The next free id with `prefix` (c1, c2, …; p01, p02 when the ids have two digits). */
export function nextId(prefix, entries) {
  const taken = new Set(entries.map((entry) => entry.id));
  const widths = entries.map((entry) => entry.id.length - prefix.length).filter((w) => w > 0);
  const width = widths.length ? Math.max(...widths) : 1;
  for (let n = entries.length + 1; ; n += 1) {
    const id = `${prefix}${String(n).padStart(width, "0")}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * Checks of the form. Strict, the first problem throws a FormError; lenient (for the JSON view
 * of a form still being filled in), values are carried over as typed.
 */
function checker(strict) {
  const fail = (key, params = {}) => {
    if (strict) throw new FormError(key, params);
  };
  const whole = (text, key, minimum) => {
    const value = String(text ?? "").trim();
    if (/^\d+$/.test(value) && Number(value) >= minimum) return Number(value);
    fail(key, { minimum });
    return value;
  };
  return { fail, whole };
}

function thresholdOf(values, { fail }) {
  const { base, rule, fraction } = values.threshold;
  const text = String(fraction).trim();
  const match = /^([1-9]\d{0,8})\/([1-9]\d{0,8})$/.exec(text);
  if (!match || Number(match[1]) > Number(match[2])) fail("form_bad_fraction", { fraction: text });
  const threshold = { base, rule, fraction: text };
  const same = Object.keys(DEFAULT_THRESHOLD).every((k) => threshold[k] === DEFAULT_THRESHOLD[k]);
  return same ? null : threshold;
}

function entriesOf(values, { fail, whole }) {
  const kind = values.kind;
  if (!values.entries.length) fail(`form_no_entries_${kind}`);
  return values.entries.map((entry, index) => {
    const name = String(entry.name ?? "").trim();
    if (!name) fail(`form_entry_name_${kind}`, { n: index + 1 });
    const out = { ...entry, name };
    if (kind === "selection") {
      const budget = String(entry.budget_wan ?? "").trim();
      if (budget === "") delete out.budget_wan;
      else out.budget_wan = whole(budget, "form_bad_budget", 0);
      const unit = String(entry.unit ?? "").trim();
      if (unit) out.unit = unit;
      else delete out.unit;
    }
    return out;
  });
}

/**
 * The definition the form's `values` describe; a FormError names the first problem.
 * `strict: false` never throws: the JSON view shows the form as it is, problems included.
 */
export function definitionOf(values, { strict = true } = {}) {
  const check = checker(strict);
  const kind = values.kind;
  const definition = { kind };
  const title = values.title.trim();
  if (!title) check.fail("form_no_title");
  definition.title = title;
  const round = kind === "election" ? values.round : null;
  // A plurality runoff has no threshold: the most votes win.
  const threshold = pluralityRound(round) ? null : thresholdOf(values, check);
  if (threshold) definition.threshold = threshold;
  if (kind === "election" || kind === "selection") {
    definition.seats = check.whole(values.seats, "form_bad_seats", 1);
    definition.candidates = entriesOf(values, check);
    if (kind === "election") {
      if (takesWriteIns(round)) definition.write_ins = Boolean(values.writeIns);
      if (round) definition.round = { ...round };
    } else {
      definition.form = values.form;
      if (definition.seats > definition.candidates.length) {
        check.fail("form_too_many_seats", { n: definition.candidates.length });
      }
    }
  } else if (kind === "evaluation") {
    definition.subjects = entriesOf(values, check);
    if (values.levels) definition.levels = values.levels;
  }
  return definition;
}

/** `definition` without what the server fills in. */
export function withoutServerFields(definition) {
  return Object.fromEntries(
    Object.entries(definition).filter(([key]) => !SERVER_FILLED.has(key)),
  );
}
