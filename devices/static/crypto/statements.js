// What each ballot shape must prove, in proof order (docs/ballot-crypto.md §7;
// ballots/crypto/statements.py).
//
// A statement is either a membership `{ type: "in", terms: [[sign, position], …], values, label }`
// — IN(Σ sign·C_position, values), one branch per value in increasing order — or a write-in slot
// `{ type: "slot", flag, names, label }` — [EQ(U,0) ∧ PEQ(N_t, O)…] ∨ [EQ(U,1) ∧ PoK(N_t)…].

import { IDENTITY } from "./group.js";
import { ZERO_CIPHERTEXT, addCiphertexts, subtractCiphertexts } from "./elgamal.js";
import { eq, peq, pok } from "./proofs.js";
import { markCount, role } from "./shape.js";

const range = (n) => Array.from({ length: n }, (_, i) => i);

function valuesText(values) {
  return values.length === 2 ? "{0,1}" : `{0..${values.length - 1}}`;
}

function bit(s, position) {
  return { type: "in", terms: [[1, position]], values: [0, 1], label: `IN(${role(s, position)}, {0,1})` };
}

function atMost(positions, limit, sumLabel) {
  const values = range(limit + 1);
  return { type: "in", terms: positions.map((p) => [1, p]), values, label: `IN(${sumLabel}, ${valuesText(values)})` };
}

/** Per entry IN(F,{0,1}), IN(A,{0,1}), IN(F+A,{0,1}). */
function stances(s) {
  return range(s.entries).flatMap((j) => {
    const [f, a] = [2 * j, 2 * j + 1];
    return [bit(s, f), bit(s, a), atMost([f, a], 1, `${role(s, f)} + ${role(s, a)}`)];
  });
}

/** The statements a ballot of shape `s` proves, in proof order. */
export function plan(s) {
  if (s.kind === "motion") {
    const base = s.packingBase;
    return [{ type: "in", terms: [[1, 0]], values: [0, 1, base], label: `IN(stance, {0,1,${base}})` }];
  }
  if (s.kind === "selection-choose") {
    const positions = range(s.entries);
    return [...positions.map((p) => bit(s, p)), atMost(positions, s.seats, "Σ projects")];
  }
  if (s.kind === "evaluation") {
    return range(s.entries).flatMap((subject) => {
      const row = range(s.levels).map((l) => subject * s.levels + l);
      return [...row.map((p) => bit(s, p)), atMost(row, 1, `Σ subjects[${subject}].levels`)];
    });
  }
  const result = stances(s);
  if (s.kind !== "election") return result;
  const slotSize = 1 + s.namePoints;
  const flags = range(s.slots).map((i) => markCount(s) + i * slotSize);
  flags.forEach((flag, i) => {
    const names = range(s.namePoints).map((t) => flag + 1 + t);
    result.push({ type: "slot", flag, names, label: `write_ins[${i}] blank or written` });
  });
  const fors = range(s.entries).map((j) => 2 * j);
  const againsts = range(s.entries).map((j) => 2 * j + 1);
  if (s.slots) {
    const values = range(s.entries + 1);
    const terms = [...againsts.map((p) => [1, p]), ...flags.map((p) => [-1, p])];
    result.push({ type: "in", terms, values, label: `IN(Σ against − Σ write-ins, ${valuesText(values)})` });
  }
  const values = range(s.seats + 1);
  const terms = [...fors, ...flags].map((p) => [1, p]);
  result.push({ type: "in", terms, values, label: `IN(Σ for + Σ write-ins, ${valuesText(values)})` });
  return result;
}

/** `Σ sign·C_position` over `terms`. */
export function combine(terms, ciphertexts) {
  let total = ZERO_CIPHERTEXT;
  let rest = terms;
  if (terms.length && terms[0][0] > 0) {
    total = ciphertexts[terms[0][1]];
    rest = terms.slice(1);
  }
  for (const [sign, position] of rest) {
    total = sign > 0 ? addCiphertexts(total, ciphertexts[position]) : subtractCiphertexts(total, ciphertexts[position]);
  }
  return total;
}

/** The relations of each branch of `statement`, in branch order. */
export function branches(statement, ciphertexts) {
  if (statement.type === "in") {
    const total = combine(statement.terms, ciphertexts);
    return statement.values.map((v) => [eq(total, v)]);
  }
  const flag = ciphertexts[statement.flag];
  const names = statement.names.map((p) => ciphertexts[p]);
  return [
    [eq(flag, 0), ...names.map((n) => peq(n, IDENTITY))],
    [eq(flag, 1), ...names.map((n) => pok(n))],
  ];
}

/** Per proof, per branch, the number of responses (the shape alone fixes it). */
export function proofSizes(s) {
  return plan(s).map((st) => (st.type === "in" ? st.values.map(() => 1) : [1 + st.names.length, 1 + st.names.length]));
}
