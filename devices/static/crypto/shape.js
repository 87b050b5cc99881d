// The shape of an encrypted ballot per poll kind, and the choices a deputy may make
// (docs/ballot-crypto.md §7; ballots/crypto/shape.py).
//
// A shape is `{ kind, entries, seats, levels, slots, namePoints, packingBase }`; a choice is
// `{ marks: [0|1, …], writeIns: [name, …] }` with one mark per mark ciphertext in layout order —
// for a motion the two stance marks [F, A], packed into its one ciphertext X = F + B·A
// (packing.js), B = packingBase.

import { LayoutError } from "./errors.js";
import { K_CLOSED, K_OPEN, nameProblem, normalise } from "./names.js";
import { packedBase } from "./packing.js";

function shape(kind, { entries = 1, seats = 0, levels = 0, slots = 0, namePoints = 0, packingBase = 0 } = {}) {
  return Object.freeze({ kind, entries, seats, levels, slots, namePoints, packingBase });
}

export const shapes = {
  motion: (electorate) => shape("motion", { packingBase: packedBase(electorate) }),
  selectionChoose: (projects, choose) => shape("selection-choose", { entries: projects, seats: choose }),
  selectionEach: (projects) => shape("selection-each", { entries: projects }),
  evaluation: (subjects, levels) => shape("evaluation", { entries: subjects, levels }),
  election(candidates, seats, { writeIns, closedList = false }) {
    const slots = writeIns ? Math.min(seats, candidates) : 0;
    const namePoints = slots ? (closedList ? K_CLOSED : K_OPEN) : 0;
    return shape("election", { entries: candidates, seats, slots, namePoints });
  },
};

/** The shape from its plain description (as sent to the worker). */
export function shapeFrom(d) {
  return shape(d.kind, d);
}

/** The number of mark ciphertexts (everything but write-in slots). */
export function markCount(s) {
  if (s.kind === "motion") return 1;
  if (s.kind === "selection-choose") return s.entries;
  if (s.kind === "evaluation") return s.entries * s.levels;
  return 2 * s.entries;
}

/** The marks of a choice: F and A for a motion, else one per mark ciphertext. */
export function choiceLength(s) {
  return s.kind === "motion" ? 2 : markCount(s);
}

/** Mark ciphertexts, then per slot a flag U and k name points. */
export function ciphertextCount(s) {
  return markCount(s) + s.slots * (1 + s.namePoints);
}

/** What the ciphertext at `position` stands for: `candidates[2].against`, … */
export function role(s, position) {
  const marks = markCount(s);
  if (position >= marks) {
    const slot = Math.floor((position - marks) / (1 + s.namePoints));
    const offset = (position - marks) % (1 + s.namePoints);
    return offset === 0 ? `write_ins[${slot}].flag` : `write_ins[${slot}].name[${offset - 1}]`;
  }
  if (s.kind === "motion") return "stance";
  if (s.kind === "selection-choose") return `projects[${position}]`;
  if (s.kind === "evaluation") {
    return `subjects[${Math.floor(position / s.levels)}].levels[${position % s.levels}]`;
  }
  const stance = position % 2 ? "against" : "for";
  const group = s.kind === "selection-each" ? "projects" : "candidates";
  return `${group}[${Math.floor(position / 2)}].${stance}`;
}

const STANCE_MARKS = { for: [1, 0], against: [0, 1], abstain: [0, 0] };

/** 赞成/反对/弃权 ("for"/"against"/"abstain") per motion, project or candidate. */
export function stancesChoice(stances, writeIns = []) {
  return { marks: stances.flatMap((stance) => STANCE_MARKS[stance]), writeIns: [...writeIns] };
}

/** The projects marked in a choose-N selection, by position. */
export function chosenChoice(s, chosen) {
  return { marks: Array.from({ length: s.entries }, (_, p) => (chosen.includes(p) ? 1 : 0)), writeIns: [] };
}

/** The level chosen per subject of an evaluation (null: no mark). */
export function levelsChoice(s, levels) {
  const marks = levels.flatMap((level) => Array.from({ length: s.levels }, (_, lv) => (level === lv ? 1 : 0)));
  return { marks, writeIns: [] };
}

const sum = (values) => values.reduce((total, v) => total + v, 0);

/** Throw a LayoutError at `choice` if the rules do not allow it. */
export function checkChoice(s, choice) {
  const { marks } = choice;
  if (marks.length !== choiceLength(s)) throw new LayoutError("choice", `${marks.length} marks, not ${choiceLength(s)}`);
  if (marks.some((mark) => mark !== 0 && mark !== 1)) throw new LayoutError("choice", "every mark is 0 or 1");
  if (s.kind === "selection-choose" && sum(marks) > s.seats) {
    throw new LayoutError("choice", `more than ${s.seats} projects chosen`);
  }
  if (s.kind === "evaluation") {
    for (let i = 0; i < s.entries; i++) {
      if (sum(marks.slice(i * s.levels, (i + 1) * s.levels)) > 1) {
        throw new LayoutError(`choice.subjects[${i}]`, "more than one level");
      }
    }
  }
  if (["motion", "selection-each", "election"].includes(s.kind)) {
    for (let j = 0; j < s.entries; j++) {
      if (marks[2 * j] && marks[2 * j + 1]) throw new LayoutError(`choice.entries[${j}]`, "both 赞成 and 反对");
    }
  }
  checkWriteIns(s, choice);
}

function checkWriteIns(s, choice) {
  const written = choice.writeIns.length;
  if (written > s.slots) throw new LayoutError("choice.write_ins", `${written} write-ins, at most ${s.slots}`);
  choice.writeIns.forEach((name, i) => {
    const problem = nameProblem(normalise(name), s.namePoints);
    if (problem !== null) throw new LayoutError(`choice.write_ins[${i}]`, problem);
  });
  if (s.kind !== "election") return;
  const against = sum(choice.marks.filter((_, i) => i % 2 === 1));
  if (written > against) throw new LayoutError("choice.write_ins", "more write-ins than 反对 marks");
  if (sum(choice.marks.filter((_, i) => i % 2 === 0)) + written > s.seats) {
    throw new LayoutError("choice", `more than ${s.seats} people elected`);
  }
}
