// Where the prover's randomness comes from: the browser's CSPRNG, or a seed for known answers.
//
// A random source is an object with `scalar()` returning the next scalar (bigint mod ℓ). Mirrors
// ballots/crypto/randomness.py; the deterministic one is for tests and known answers only.

import { utf8 } from "../bytes.js";
import { reduceWide } from "./group.js";
import { hashToScalar, u32 } from "./hashing.js";

export const TAG_DETERMINISTIC = "cv1/deterministic-random";

/** Scalars from `crypto.getRandomValues`: 64 bytes reduced mod ℓ. */
export function systemRandom() {
  return {
    scalar() {
      const wide = new Uint8Array(64);
      crypto.getRandomValues(wide);
      return reduceWide(wide);
    },
  };
}

/** Scalars `Hash("cv1/deterministic-random", seed, u32(i))` for i = 0, 1, 2, … */
export function deterministicRandom(seed) {
  const seedBytes = typeof seed === "string" ? utf8(seed) : seed;
  let counter = 0;
  return {
    scalar() {
      const value = hashToScalar(TAG_DETERMINISTIC, seedBytes, u32(counter));
      counter += 1;
      return value;
    },
  };
}
