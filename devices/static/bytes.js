// Byte helpers shared by the tablet's modules: UTF-8, hex, strict base64, SHA-256 (WebCrypto).

const encoder = new TextEncoder();

/** The UTF-8 bytes of a string. */
export function utf8(text) {
  return encoder.encode(text);
}

/** Concatenate byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text) {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) throw new Error("not lowercase hex");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Random bytes from the browser's CSPRNG, as lowercase hex. */
export function randomHex(count) {
  return toHex(crypto.getRandomValues(new Uint8Array(count)));
}

export function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Strict standard base64 with padding: only the canonical encoding is accepted. */
export function fromBase64(text) {
  if (typeof text !== "string" || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new Error("invalid base64");
  }
  const binary = atob(text);
  const out = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (toBase64(out) !== text) throw new Error("non-canonical base64");
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
