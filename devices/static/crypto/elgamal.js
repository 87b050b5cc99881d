// Exponential ElGamal under the joint key H (docs/ballot-crypto.md §4; ballots/crypto/elgamal.py).
//
// Enc(m; r) = (r·G, m·G + r·H); a name point M is encrypted as (r·G, M + r·H). A ciphertext is
// `{ a, b }` of two points; ciphertexts add component-wise.

import { IDENTITY, baseMul, encodePoint, secretMul } from "./group.js";
import { concat } from "../bytes.js";

const multiples = new Map();

/** `m·G` for a small plaintext or branch value (cached). */
export function smallMultiple(m) {
  if (!multiples.has(m)) multiples.set(m, baseMul(BigInt(m)));
  return multiples.get(m);
}

/** `(r·G, M + r·H)` under the key `key` = H. */
export function encryptPoint(message, r, key) {
  return { a: baseMul(r), b: message.add(secretMul(key, r)) };
}

/** `Enc(m; r) = (r·G, m·G + r·H)`. */
export function encrypt(m, r, key) {
  return encryptPoint(smallMultiple(m), r, key);
}

export function addCiphertexts(x, y) {
  return { a: x.a.add(y.a), b: x.b.add(y.b) };
}

export function subtractCiphertexts(x, y) {
  return { a: x.a.subtract(y.a), b: x.b.subtract(y.b) };
}

export const ZERO_CIPHERTEXT = Object.freeze({ a: IDENTITY, b: IDENTITY });

/** `a ‖ b`, 64 bytes. */
export function encodeCiphertext(c) {
  return concat(encodePoint(c.a), encodePoint(c.b));
}
