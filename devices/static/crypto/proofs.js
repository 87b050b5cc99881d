// Zero-knowledge proofs that a ballot is well formed (docs/ballot-crypto.md §5;
// ballots/crypto/proofs.py).
//
// A relation is knowledge of r with a = r·G and, unless `d` is null (a bare proof of knowledge),
// d = r·H. A proof is a disjunction of branches, each a conjunction of relations sharing one
// challenge; the challenges sum to
//   Hash("cv1/proof", ballot_ctx, u32(index), u32(#branches), statements…, commitments…).
// The prover multiplies only G, H (and a blank claim's name point), never the ciphertext's own
// points; secrets are multiplied in constant time.

import { concat } from "../bytes.js";
import { smallMultiple } from "./elgamal.js";
import { LayoutError, ProofError } from "./errors.js";
import {
  G,
  add,
  baseMul,
  encodePoint,
  encodeScalar,
  isIdentity,
  mul,
  publicMul,
  secretMul,
  sub,
} from "./group.js";
import { hashToScalar, u32 } from "./hashing.js";

export const TAG_PROOF = "cv1/proof";

/** `EQ(C, m)`: C encrypts m, i.e. `b − m·G = r·H` with `a = r·G`. */
export function eq(ciphertext, m) {
  return { a: ciphertext.a, d: ciphertext.b.subtract(smallMultiple(m)) };
}

/** `PEQ(N, P)`: N encrypts the point P. */
export function peq(ciphertext, point) {
  return { a: ciphertext.a, d: ciphertext.b.subtract(point) };
}

/** `PoK(N)`: knowledge of r with `a = r·G`. */
export function pok(ciphertext) {
  return { a: ciphertext.a, d: null };
}

/** The gap `d − r·H = scalar·G + point` of a relation the prover cannot prove. */
export function gap(scalar, point = null) {
  return { scalar, point };
}

function statementBytes(relation) {
  return relation.d === null
    ? encodePoint(relation.a)
    : concat(encodePoint(relation.a), encodePoint(relation.d));
}

function commitmentBytes(tG, tH) {
  return tH === null ? encodePoint(tG) : concat(encodePoint(tG), encodePoint(tH));
}

function challenge(context, index, branches, commitments) {
  const statements = branches.flatMap((branch) => branch.map(statementBytes));
  return hashToScalar(
    TAG_PROOF,
    encodeScalar(context),
    u32(index),
    u32(branches.length),
    ...statements,
    ...commitments,
  );
}

/**
 * Prove branch `real`, simulating the others. `witnesses[k]` is the r of relation k, `gaps[j][k]`
 * the gap of relation k in branch j, `key` H (ideally with a fixed-base table). Randomness is
 * drawn branch by branch: real branch one nonce per relation; simulated branch its challenge,
 * then one response per relation. Returns `{ challenges, responses }` (bigints).
 */
export function prove({ context, index, key, branches, real, witnesses, gaps, random }) {
  let nonces = [];
  const challenges = [];
  const responses = [];
  const commitments = [];
  branches.forEach((branch, j) => {
    if (j === real) {
      nonces = branch.map(() => random.scalar());
      challenges.push(null);
      responses.push([]);
      branch.forEach((relation, k) => {
        const tH = relation.d === null ? null : secretMul(key, nonces[k]);
        commitments.push(commitmentBytes(baseMul(nonces[k]), tH));
      });
      return;
    }
    const c = random.scalar();
    const simulated = branch.map(() => random.scalar());
    challenges.push(c);
    responses.push(simulated);
    branch.forEach((relation, k) => {
      const e = sub(simulated[k], mul(c, witnesses[k]));
      let tH = null;
      if (relation.d !== null) {
        const g = gaps[j][k];
        tH = secretMul(key, e).subtract(baseMul(mul(c, g.scalar)));
        if (g.point !== null) tH = tH.subtract(secretMul(g.point, c));
      }
      commitments.push(commitmentBytes(baseMul(e), tH));
    });
  });
  let cReal = challenge(context, index, branches, commitments);
  for (const c of challenges) if (c !== null) cReal = sub(cReal, c);
  challenges[real] = cReal;
  responses[real] = nonces.map((w, k) => add(w, mul(cReal, witnesses[k])));
  return { challenges, responses };
}

/** Check `proof` for `branches`; throw a ProofError (or LayoutError) naming `where` and `role`. */
export function verify(proof, { context, index, key, branches, where, role = null }) {
  const n = branches.length;
  if (proof.challenges.length !== n || proof.responses.length !== n) {
    throw new LayoutError(where, `proof has ${proof.challenges.length} branches, not ${n}`, role);
  }
  const commitments = [];
  let total = 0n;
  branches.forEach((branch, j) => {
    const c = proof.challenges[j];
    const responses = proof.responses[j];
    if (responses.length !== branch.length) {
      throw new LayoutError(where, `branch has ${responses.length} responses, not ${branch.length}`, role);
    }
    total = add(total, c);
    branch.forEach((relation, k) => {
      const s = responses[k];
      const tG = publicMul(G, s).subtract(publicMul(relation.a, c));
      const tH = relation.d === null ? null : publicMul(key, s).subtract(publicMul(relation.d, c));
      if (isIdentity(tG) || (tH !== null && isIdentity(tH))) {
        throw new ProofError(where, "a commitment is the identity", role);
      }
      commitments.push(commitmentBytes(tG, tH));
    });
  });
  if (total !== challenge(context, index, branches, commitments)) {
    throw new ProofError(where, "the challenges do not sum to the hash of the proof", role);
  }
}
