// Make and verify an encrypted ballot (docs/ballot-crypto.md §7; ballots/crypto/ballot.py).
//
// A context is `{ poll, deputyId, deviceKey, key }`: the poll context (scalar), the deputy id,
// the device's raw public key (bytes) and the joint key H (point). A ballot is
// `{ ciphertexts: [{ a, b }, …], proofs: [{ challenges, responses }, …] }`.

import { toHex, utf8 } from "../bytes.js";
import { encrypt, encryptPoint } from "./elgamal.js";
import { IdentityError, LayoutError, ReusedComponentError } from "./errors.js";
import { add, encodePoint, fixedBase, isIdentity, mod, sub } from "./group.js";
import { ballotContext } from "./hashing.js";
import { blank, encodeName, normalise } from "./names.js";
import { packedValue } from "./packing.js";
import { gap, prove, verify } from "./proofs.js";
import { checkChoice, ciphertextCount, markCount, role } from "./shape.js";
import { branches, plan } from "./statements.js";

function checkKey(context) {
  // Under the identity key every ciphertext would show its plaintext.
  if (isIdentity(context.key)) throw new IdentityError("key", "the identity is not allowed here");
}

function compareBytes(x, y) {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/**
 * Per ciphertext in layout order, the integer it encrypts and the name point (or null); a
 * motion's marks [F, A] are packed into X = F + B·A.
 */
function plaintexts(s, choice) {
  const names = [...choice.writeIns].sort((x, y) => compareBytes(utf8(normalise(x)), utf8(normalise(y))));
  const numbers = s.kind === "motion" ? [packedValue(choice.marks, s.packingBase)] : [...choice.marks];
  const points = Array(markCount(s)).fill(null);
  for (let slot = 0; slot < s.slots; slot++) {
    const written = slot < names.length;
    numbers.push(written ? 1 : 0);
    points.push(null);
    const chunks = written ? encodeName(names[slot], s.namePoints) : blank(s.namePoints);
    for (const chunk of chunks) {
      numbers.push(0);
      points.push(chunk);
    }
  }
  return { numbers, points };
}

/** The real branch, the r of each relation and the gaps of every branch. */
function witness(statement, numbers, points, randomness) {
  if (statement.type === "in") {
    let r = 0n;
    let m = 0;
    for (const [sign, position] of statement.terms) {
      r = sign > 0 ? add(r, randomness[position]) : sub(r, randomness[position]);
      m += sign * numbers[position];
    }
    const gaps = statement.values.map((v) => [gap(mod(BigInt(m - v)))]);
    return { real: statement.values.indexOf(m), witnesses: [r], gaps };
  }
  const written = numbers[statement.flag];
  const witnesses = [randomness[statement.flag], ...statement.names.map((p) => randomness[p])];
  const blankGaps = [gap(BigInt(written)), ...statement.names.map((p) => gap(0n, points[p]))];
  const writtenGaps = [gap(mod(BigInt(written - 1))), ...statement.names.map(() => gap(0n))];
  return { real: written, witnesses, gaps: [blankGaps, writtenGaps] };
}

/**
 * Encrypt `choice` and prove it well formed. Randomness: one r per ciphertext in layout order,
 * then the proofs in plan order. Throws a LayoutError if the rules do not allow `choice`.
 */
export function makeBallot(s, choice, { context, random }) {
  checkKey(context);
  checkChoice(s, choice);
  const { numbers, points } = plaintexts(s, choice);
  const key = fixedBase(context.key);
  const randomness = Array.from({ length: ciphertextCount(s) }, () => random.scalar());
  const ciphertexts = numbers.map((m, i) =>
    points[i] === null ? encrypt(m, randomness[i], key) : encryptPoint(points[i], randomness[i], key),
  );
  const ctx = ballotContext({ ...context, ciphertexts });
  const proofs = plan(s).map((statement, index) => {
    const { real, witnesses, gaps } = witness(statement, numbers, points, randomness);
    const relations = branches(statement, ciphertexts);
    return prove({ context: ctx, index, key, branches: relations, real, witnesses, gaps, random });
  });
  return { ciphertexts, proofs };
}

/** Check every proof of `ballot`; throw a CryptoError naming the failing part. */
export function verifyBallot(s, ballot, { context, where = "ballot" }) {
  checkKey(context);
  const statements = plan(s);
  if (ballot.ciphertexts.length !== ciphertextCount(s)) {
    throw new LayoutError(`${where}.ciphertexts`, `${ballot.ciphertexts.length} ciphertexts, not ${ciphertextCount(s)}`);
  }
  if (ballot.proofs.length !== statements.length) {
    throw new LayoutError(`${where}.proofs`, `${ballot.proofs.length} proofs, not ${statements.length}`);
  }
  const seen = new Map();
  ballot.ciphertexts.forEach((c, position) => {
    const hex = toHex(encodePoint(c.a));
    if (seen.has(hex)) {
      throw new ReusedComponentError(
        `${where}.ciphertexts[${position}].a`,
        `the same first component as ciphertexts[${seen.get(hex)}]`,
        role(s, position),
      );
    }
    seen.set(hex, position);
  });
  const ctx = ballotContext({ ...context, ciphertexts: ballot.ciphertexts });
  const key = fixedBase(context.key);
  statements.forEach((statement, index) => {
    verify(ballot.proofs[index], {
      context: ctx,
      index,
      key,
      branches: branches(statement, ballot.ciphertexts),
      where: `${where}.proofs[${index}]`,
      role: statement.label || null,
    });
  });
}

/** Refuse a ballot whose ciphertexts reuse a first component in `seen` (a Set of hex strings). */
export function checkNotReused(ballot, seen, where = "ballot") {
  ballot.ciphertexts.forEach((c, position) => {
    if (seen.has(toHex(encodePoint(c.a)))) {
      throw new ReusedComponentError(`${where}.ciphertexts[${position}].a`, "this first component is already in another ballot");
    }
  });
}
