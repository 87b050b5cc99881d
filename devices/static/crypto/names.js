// Write-in names as group elements (docs/ballot-crypto.md §6; ballots/crypto/names.py).
//
// The data `u8(len) ‖ utf8 ‖ zeros` (30·k bytes) is cut into k chunks of 30; chunk t becomes the
// point encoded `[2·j] ‖ chunk ‖ [0]` for the first j = 0..127 that decodes. A blank slot is the
// identity in every point. Decoding never throws: malformed names are "ignored" with a reason.

import { utf8 } from "../bytes.js";
import { IDENTITY, decodePoint, encodePoint, isIdentity, isValidEncoding } from "./group.js";

export const CHUNK = 30;
export const K_OPEN = 2;
export const K_CLOSED = 1;
const COUNTERS = 128;

// Python's str.strip() white space (str.isspace), so both sides trim the same characters.
const SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TRIM = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");
const REFUSED = /[\p{Cc}\p{Cf}]/u;

/** The longest name, in UTF-8 bytes, that fits in k points: 30·k − 1. */
export function maxNameBytes(k) {
  return CHUNK * k - 1;
}

/** NFC-normalise and trim a name, as the Python side does. */
export function normalise(name) {
  return name.normalize("NFC").replace(TRIM, "");
}

/** Why the normalised `name` cannot be written in k points, or null if it can. */
export function nameProblem(name, k) {
  if (!name) return "a write-in name is empty";
  if (REFUSED.test(name)) return "a write-in name has a control or format character";
  const size = utf8(name).length;
  if (size > maxNameBytes(k)) return `a write-in name is ${size} bytes in UTF-8, more than ${maxNameBytes(k)}`;
  return null;
}

function embed(chunk) {
  for (let j = 0; j < COUNTERS; j++) {
    const candidate = new Uint8Array(32);
    candidate[0] = 2 * j;
    candidate.set(chunk, 1);
    if (isValidEncoding(candidate)) return decodePoint(candidate, "name", { allowIdentity: true });
  }
  throw new Error("no counter gives a valid point for this chunk");
}

/** The k points of `name` (normalised first); throws if it cannot be one. */
export function encodeName(name, k) {
  const text = normalise(name);
  const problem = nameProblem(text, k);
  if (problem !== null) throw new Error(problem);
  const bytes = utf8(text);
  const data = new Uint8Array(CHUNK * k);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return Array.from({ length: k }, (_, t) => embed(data.subarray(t * CHUNK, (t + 1) * CHUNK)));
}

/** The k points of a blank slot. */
export function blank(k) {
  return Array.from({ length: k }, () => IDENTITY);
}

/** Read the name in decrypted points: `{ status: "blank" | "name" | "ignored", name?, reason? }`. */
export function decodeName(points) {
  if (points.every(isIdentity)) return { status: "blank" };
  const ignored = (reason) => ({ status: "ignored", reason });
  const data = [];
  for (const point of points) {
    const e = encodePoint(point);
    if (e[0] % 2 || e[31] !== 0) return ignored("a point is not a name chunk");
    data.push(...e.subarray(1, 31));
  }
  const length = data[0];
  if (length === 0 || length > data.length - 1) return ignored("the length byte is out of range");
  if (data.slice(1 + length).some((b) => b !== 0)) return ignored("the padding is not zero");
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(data.slice(1, 1 + length)));
  } catch {
    return ignored("the name is not UTF-8");
  }
  if (normalise(text) !== text) return ignored("the name is not NFC-normalised and trimmed");
  if (REFUSED.test(text)) return ignored("the name has a control or format character");
  return { status: "name", name: text };
}
