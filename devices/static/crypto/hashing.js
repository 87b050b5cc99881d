// Domain-separated hashing to scalars and the chain of contexts (docs/ballot-crypto.md §3).
//
//   Hash(tag, x1..xn) = SHA-512(u16be(|tag|) ‖ tag ‖ u32be(|x1|) ‖ x1 ‖ … ‖ u32be(|xn|) ‖ xn)
//
// read little-endian and reduced mod ℓ. Mirrors ballots/crypto/hashing.py.

import { sha512 } from "../vendor/noble-hashes-1.8.0/sha2.js";
import { concat, utf8 } from "../bytes.js";
import { G, encodePoint, encodeScalar, reduceWide } from "./group.js";

export const TAG_KEY = "cv1/key";
export const TAG_POLL = "cv1/poll";
export const TAG_BALLOT = "cv1/ballot";

/** `value` as 4 bytes big-endian: how indices and counts enter a hash. */
export function u32(value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`${value} does not fit in an unsigned 32-bit integer`);
  }
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** `Hash(tag, parts…)` as a scalar (bigint mod ℓ); `parts` are byte arrays. */
export function hashToScalar(tag, ...parts) {
  if ([...tag].some((ch) => ch.charCodeAt(0) > 0x7f)) throw new Error("a hash tag is ASCII");
  const tagBytes = utf8(tag);
  if (tagBytes.length > 0xffff) throw new Error("a hash tag is at most 65535 bytes");
  const digest = sha512.create();
  digest.update(Uint8Array.of(tagBytes.length >> 8, tagBytes.length & 0xff));
  digest.update(tagBytes);
  for (const part of parts) {
    digest.update(u32(part.length));
    digest.update(part);
  }
  return reduceWide(digest.digest());
}

/** `key_id = Hash("cv1/key", transcript)`. */
export function keyId(transcript) {
  return hashToScalar(TAG_KEY, transcript);
}

/** `poll_ctx = Hash("cv1/poll", origin, poll id, poll definition bytes, key_id, G, H)`. */
export function pollContext({ origin, pollId, pollDefinition, key, publicKey }) {
  return hashToScalar(
    TAG_POLL,
    utf8(origin),
    utf8(pollId),
    pollDefinition,
    encodeScalar(key),
    encodePoint(G),
    encodePoint(publicKey),
  );
}

/** `ballot_ctx = Hash("cv1/ballot", poll_ctx, deputy id, device key, a_i ‖ b_i …)`. */
export function ballotContext({ poll, deputyId, deviceKey, ciphertexts }) {
  const parts = [encodeScalar(poll), utf8(deputyId), deviceKey];
  for (const c of ciphertexts) parts.push(concat(encodePoint(c.a), encodePoint(c.b)));
  return hashToScalar(TAG_BALLOT, ...parts);
}
