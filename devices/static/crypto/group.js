// The ristretto255 group (RFC 9496) through @noble/curves: points, scalars, strict decoding.
//
// Mirrors ballots/crypto/group.py. A point is accepted iff it is 32 bytes, bit 255 is clear, and
// it decodes (RFC 9496 §4.3.1); the identity only where the caller allows it. A scalar is a
// bigint in [0, ℓ), encoded as 32 bytes little-endian. Secret scalars are multiplied with
// noble's constant-time `multiply`; public ones (verification) with `multiplyUnsafe`.

import { RistrettoPoint } from "../vendor/noble-curves-1.9.7/ed25519.js";
import { IdentityError, PointEncodingError, ScalarEncodingError } from "./errors.js";

/** ℓ, the prime order of the group. */
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** G, the RFC 9496 generator (its multiples use noble's precomputed table). */
export const G = RistrettoPoint.BASE;

/** The neutral element, encoded as 32 zero bytes. */
export const IDENTITY = RistrettoPoint.ZERO;

// Scalars -------------------------------------------------------------------------------------

/** `value mod ℓ` as a non-negative bigint. */
export function mod(value) {
  const r = value % ORDER;
  return r < 0n ? r + ORDER : r;
}

export const add = (x, y) => mod(x + y);
export const sub = (x, y) => mod(x - y);
export const mul = (x, y) => mod(x * y);

function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** 64 bytes read little-endian and reduced mod ℓ (uniform randomness, hash outputs). */
export function reduceWide(bytes) {
  if (bytes.length !== 64) throw new Error(`a wide scalar is 64 bytes, not ${bytes.length}`);
  return mod(littleEndian(bytes));
}

/** The 32-byte little-endian encoding of a scalar. */
export function encodeScalar(value) {
  const out = new Uint8Array(32);
  let n = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Strictly decode 32 little-endian bytes below ℓ; throw naming `where` otherwise. */
export function decodeScalar(bytes, where) {
  if (bytes.length !== 32) throw new ScalarEncodingError(where, `scalar is ${bytes.length} bytes, not 32`);
  const value = littleEndian(bytes);
  if (value >= ORDER) throw new ScalarEncodingError(where, "scalar is not below the group order");
  return value;
}

// Points --------------------------------------------------------------------------------------

/** Strictly decode a point; throw a PointEncodingError or IdentityError naming `where`. */
export function decodePoint(bytes, where, { allowIdentity = false } = {}) {
  if (bytes.length !== 32) throw new PointEncodingError(where, `point is ${bytes.length} bytes, not 32`);
  if (bytes[31] & 0x80) throw new PointEncodingError(where, "point has bit 255 set");
  let point;
  try {
    point = RistrettoPoint.fromBytes(Uint8Array.from(bytes));
  } catch {
    throw new PointEncodingError(where, "point is not a valid ristretto255 encoding");
  }
  if (!allowIdentity && point.equals(IDENTITY)) {
    throw new IdentityError(where, "the identity is not allowed here");
  }
  return point;
}

/** The canonical 32-byte encoding of a point. */
export function encodePoint(point) {
  return point.toBytes();
}

export function isIdentity(point) {
  return point.equals(IDENTITY);
}

/** `scalar · point` in constant time (secret scalars); 0 gives the identity. */
export function secretMul(point, scalar) {
  return scalar === 0n ? IDENTITY : point.multiply(scalar);
}

/** `scalar · point` for public scalars (verification), not constant-time. */
export function publicMul(point, scalar) {
  return point.multiplyUnsafe(scalar);
}

/** `scalar · G` in constant time from the precomputed table. */
export function baseMul(scalar) {
  return secretMul(G, scalar);
}

let lastFixed = null;

/** `point` with a fixed-base table, for a key H multiplied many times (the last one is kept). */
export function fixedBase(point) {
  const bytes = point.toBytes();
  if (lastFixed === null || !lastFixed.point.equals(point)) {
    lastFixed = { point: RistrettoPoint.fromBytes(bytes).precompute(8, false) };
  }
  return lastFixed.point;
}

/** RFC 9496 `from_uniform_bytes` of 64 bytes (hash to group). */
export function fromUniformBytes(bytes) {
  if (bytes.length !== 64) throw new Error(`from_uniform_bytes takes 64 bytes, not ${bytes.length}`);
  return RistrettoPoint.hashToCurve(Uint8Array.from(bytes));
}

/** Whether 32 bytes are a valid encoding (bit 255 clear and decodable), without throwing. */
export function isValidEncoding(bytes) {
  try {
    decodePoint(bytes, "point", { allowIdentity: true });
    return true;
  } catch {
    return false;
  }
}
