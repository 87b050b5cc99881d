// Ballot bytes, ballot JSON and the tracking code (docs/ballot-crypto.md §8;
// ballots/crypto/encoding.py).
//
//   {"ciphertexts": [[a, b], …], "proofs": [{"challenges": [c, …], "responses": [[s, …], …]}, …]}
//
// each value the unpadded base64url of its 32 bytes. Decoding is strict and names the JSON path
// (and the poll role) of the first bad value, with the same codes and messages as the Python side.

import { sha256 } from "../vendor/noble-hashes-1.8.0/sha2.js";
import { concat, toHex } from "../bytes.js";
import { EncodingError, LayoutError } from "./errors.js";
import { decodePoint, decodeScalar, encodePoint, encodeScalar } from "./group.js";
import { ciphertextCount, role } from "./shape.js";
import { plan, proofSizes } from "./statements.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Unpadded base64url (RFC 4648 §5) of bytes. */
export function toBase64url(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64url(value, where, role) {
  if (typeof value !== "string" || value.length !== 43) {
    throw new EncodingError(where, "expected 43 characters of base64url (32 bytes)", role);
  }
  // "+" and "/" decode as the Python side does, and then fail the canonical check.
  const text = value.replaceAll("+", "-").replaceAll("/", "_");
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) throw new EncodingError(where, "not base64url", role);
  const out = new Uint8Array(32);
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (const ch of text) {
    acc = (acc << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  if (toBase64url(out) !== value) throw new EncodingError(where, "not canonical base64url", role);
  return out;
}

/** The ballot bytes: ciphertexts `a ‖ b` in layout order, then every proof's scalars. */
export function ballotBytes(ballot) {
  const parts = ballot.ciphertexts.flatMap((c) => [encodePoint(c.a), encodePoint(c.b)]);
  for (const proof of ballot.proofs) {
    for (const c of proof.challenges) parts.push(encodeScalar(c));
    for (const branch of proof.responses) for (const s of branch) parts.push(encodeScalar(s));
  }
  return concat(...parts);
}

/** The lowercase hex SHA-256 of the ballot bytes: the `ballot_hash` a tablet signs. */
export function ballotHash(ballot) {
  return toHex(sha256(ballotBytes(ballot)));
}

/** `XXXX-XXXX-XXXX-XXXX`: base32 of the first 10 bytes of SHA-256 of the ballot bytes. */
export function trackingCode(ballot) {
  const digest = sha256(ballotBytes(ballot)).subarray(0, 10);
  let text = "";
  for (let i = 0; i < 10; i += 5) {
    let n = 0n;
    for (let k = 0; k < 5; k++) n = (n << 8n) | BigInt(digest[i + k]);
    for (let k = 7; k >= 0; k--) text += BASE32[Number((n >> BigInt(5 * k)) & 31n)];
  }
  return text.match(/.{4}/g).join("-");
}

/** The JSON object of a ballot. */
export function ballotToJSON(ballot) {
  return {
    ciphertexts: ballot.ciphertexts.map((c) => [toBase64url(encodePoint(c.a)), toBase64url(encodePoint(c.b))]),
    proofs: ballot.proofs.map((proof) => ({
      challenges: proof.challenges.map((c) => toBase64url(encodeScalar(c))),
      responses: proof.responses.map((branch) => branch.map((s) => toBase64url(encodeScalar(s)))),
    })),
  };
}

function list(value, count, where) {
  if (!Array.isArray(value)) throw new LayoutError(where, "expected a list");
  if (value.length !== count) throw new LayoutError(where, `${value.length} items, not ${count}`);
  return value;
}

function hasKeys(obj, keys) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return false;
  const own = Object.keys(obj).sort();
  return own.length === keys.length && own.every((k, i) => k === keys[i]);
}

function withRole(decode, role) {
  try {
    return decode();
  } catch (error) {
    if (error instanceof EncodingError) throw error.withRole(role);
    throw error;
  }
}

function scalarAt(text, where, label) {
  return withRole(() => decodeScalar(fromBase64url(text, where, label), where), label);
}

/** Strictly decode a ballot of shape `s` from its JSON object; throws a CryptoError. */
export function ballotFromJSON(s, obj, where = "ballot") {
  if (!hasKeys(obj, ["ciphertexts", "proofs"])) {
    throw new LayoutError(where, 'expected an object with "ciphertexts" and "proofs" only');
  }
  const ciphertexts = list(obj.ciphertexts, ciphertextCount(s), `${where}.ciphertexts`).map((pair, i) => {
    const path = `${where}.ciphertexts[${i}]`;
    const [a, b] = list(pair, 2, path);
    const r = role(s, i);
    const bytes = [fromBase64url(a, `${path}.a`, r), fromBase64url(b, `${path}.b`, r)];
    return withRole(
      () => ({ a: decodePoint(bytes[0], `${path}.a`), b: decodePoint(bytes[1], `${path}.b`, { allowIdentity: true }) }),
      r,
    );
  });
  const sizes = proofSizes(s);
  const labels = plan(s).map((st) => st.label);
  const proofs = list(obj.proofs, sizes.length, `${where}.proofs`).map((item, i) =>
    proofFromJSON(item, sizes[i], `${where}.proofs[${i}]`, labels[i]),
  );
  return { ciphertexts, proofs };
}

function proofFromJSON(item, size, path, label) {
  if (!hasKeys(item, ["challenges", "responses"])) {
    throw new LayoutError(path, 'expected an object with "challenges" and "responses" only');
  }
  const challenges = list(item.challenges, size.length, `${path}.challenges`).map((text, j) =>
    scalarAt(text, `${path}.challenges[${j}]`, label),
  );
  const responses = list(item.responses, size.length, `${path}.responses`).map((branch, j) =>
    list(branch, size[j], `${path}.responses[${j}]`).map((text, k) => scalarAt(text, `${path}.responses[${j}][${k}]`, label)),
  );
  return { challenges, responses };
}
