// Canonical JSON (audit-log.md §1): keys sorted, no whitespace, integers only, non-ASCII
// characters written as UTF-8. The same bytes as the server's audit/canonical.py, which is RFC
// 8785 (JCS) for this subset.

import { utf8 } from "./bytes.js";

export class CanonicalError extends Error {
  constructor(message) {
    super(message);
    this.name = "CanonicalError";
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePoints(text) {
  return Array.from(text, (c) => c.codePointAt(0));
}

function compareCodePoints(a, b) {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

function encodeString(text, path) {
  if (LONE_SURROGATE.test(text)) throw new CanonicalError(`${path}: lone surrogate in a string`);
  // JSON.stringify escapes exactly what Python's json module escapes with ensure_ascii=False:
  // the quote, the backslash and control characters (short forms where they exist).
  return JSON.stringify(text);
}

function encode(value, path, depth) {
  if (depth > 200) throw new CanonicalError(`${path}: nested too deeply`);
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new CanonicalError(`${path}: only integers within ±(2**53 - 1) are allowed`);
    }
    return String(value);
  }
  if (typeof value === "string") return encodeString(value, path);
  if (Array.isArray(value)) {
    return "[" + value.map((item, i) => encode(item, `${path}[${i}]`, depth + 1)).join(",") + "]";
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value);
    keys.sort(); // UTF-16 code units, as RFC 8785 says
    const byCodePoint = [...keys].sort(compareCodePoints);
    if (keys.some((key, i) => key !== byCodePoint[i])) {
      // The server sorts by code point and refuses such objects; so do we.
      throw new CanonicalError(`${path}: keys sort differently by UTF-16 and by code point`);
    }
    const members = keys.map(
      (key) => encodeString(key, path) + ":" + encode(value[key], `${path}.${key}`, depth + 1),
    );
    return "{" + members.join(",") + "}";
  }
  throw new CanonicalError(`${path}: ${typeof value} values are not allowed`);
}

/** The canonical JSON text of a value. */
export function canonicalJSON(value) {
  return encode(value, "value", 0);
}

/** The canonical JSON bytes (UTF-8) of a value. */
export function canonicalBytes(value) {
  return utf8(canonicalJSON(value));
}
