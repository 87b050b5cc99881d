// C2SP signed notes and tlog checkpoints with Ed25519 (audit-log.md §3). Mirrors audit/note.py
// and audit/checkpoint.py: signatures from unknown keys are ignored, a known key whose
// signature fails rejects the note, and at least one known signature must verify.

import { concat, equalBytes, fromBase64, sha256, toHex, utf8 } from "./bytes.js";

export class NoteError extends Error {
  constructor(message) {
    super(message);
    this.name = "NoteError";
  }
}

const ED25519 = 0x01;
const PREFIX = "\u2014 "; // em dash and a space
// Signed notes forbid control characters other than newline in key names and text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f]/;
const MAX_SIGNATURES = 100;

export function checkKeyName(name, what = "key name") {
  if (!name) throw new NoteError(`${what} is empty`);
  if (name.includes("+")) throw new NoteError(`${what} ${name} contains '+'`);
  if (/\s/u.test(name)) throw new NoteError(`${what} ${name} contains whitespace`);
  if (CONTROL.test(name)) throw new NoteError(`${what} ${name} contains a control character`);
}

/** SHA-256(name || 0x0A || 0x01 || raw public key)[:4]. */
export async function keyId(name, publicKey) {
  const digest = await sha256(concat(utf8(name), new Uint8Array([0x0a, ED25519]), publicKey));
  return digest.slice(0, 4);
}

/** Parse a verifier key `<name>+<8 hex key ID>+<base64(0x01 || key)>`. */
export async function parseVkey(vkey) {
  if (typeof vkey !== "string" || vkey !== vkey.trim()) {
    throw new NoteError("verifier key is not a trimmed string");
  }
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (first < 0 || second < 0) {
    throw new NoteError(`verifier key ${vkey} is not of the form <name>+<key ID>+<key>`);
  }
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  checkKeyName(name, "verifier key name");
  if (!/^[0-9a-f]{8}$/.test(idHex)) {
    throw new NoteError(`verifier key ${name}: key ID ${idHex} is not 8 lowercase hex digits`);
  }
  let key;
  try {
    key = fromBase64(vkey.slice(second + 1));
  } catch {
    throw new NoteError(`verifier key ${name}: the key is not valid base64`);
  }
  if (key.length !== 33 || key[0] !== ED25519) {
    throw new NoteError(`verifier key ${name}: not an Ed25519 key`);
  }
  const publicKey = key.slice(1);
  const id = await keyId(name, publicKey);
  if (toHex(id) !== idHex) {
    throw new NoteError(`verifier key ${name}: key ID ${idHex} does not match the key`);
  }
  return { name, keyId: id, publicKey, vkey };
}

/** Check a raw Ed25519 signature with WebCrypto. */
export async function verifyEd25519(publicKey, signature, data) {
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  return crypto.subtle.verify("Ed25519", key, signature, data);
}

/** Verify a signed note against parsed verifier keys; return {text, verifiedBy}. */
export async function openNote(note, verifiers) {
  if (typeof note !== "string") throw new NoteError("note is not text");
  const control = note.match(CONTROL);
  if (control) throw new NoteError("note contains a control character other than newline");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("note has no blank line before its signatures");
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block) throw new NoteError("note has no signature lines");
  if (!block.endsWith("\n")) throw new NoteError("note does not end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new NoteError("note has too many signature lines");
  const signatures = lines.map((line, i) => {
    const number = i + 1;
    if (!line.startsWith(PREFIX)) {
      throw new NoteError(`note signature line ${number} does not start with an em dash`);
    }
    const rest = line.slice(PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    checkKeyName(name, `note signature line ${number}: key name`);
    let raw;
    try {
      raw = fromBase64(space < 0 ? "" : rest.slice(space + 1));
    } catch {
      throw new NoteError(`note signature line ${number}: signature is not valid base64`);
    }
    if (raw.length < 5) throw new NoteError(`note signature line ${number}: signature too short`);
    return { number, name, id: raw.slice(0, 4), signature: raw.slice(4) };
  });
  const signed = utf8(text);
  const verifiedBy = [];
  for (const sig of signatures) {
    const known = verifiers.find((v) => v.name === sig.name && equalBytes(v.keyId, sig.id));
    if (!known) continue;
    const ok =
      sig.signature.length === 64 && (await verifyEd25519(known.publicKey, sig.signature, signed));
    if (!ok) {
      throw new NoteError(
        `note signature line ${sig.number}: signature does not verify under key ` +
          `${known.name}+${toHex(known.keyId)}`,
      );
    }
    if (!verifiedBy.includes(sig.name)) verifiedBy.push(sig.name);
  }
  if (verifiedBy.length === 0) throw new NoteError("note has no signature from a known key");
  return { text, verifiedBy };
}

/** Parse checkpoint text: origin, tree size, base64 root, optional extension lines. */
export function parseCheckpoint(text) {
  if (!text.endsWith("\n")) throw new NoteError("checkpoint text does not end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new NoteError("checkpoint has fewer than 3 lines");
  const [origin, sizeLine, rootLine] = lines;
  checkKeyName(origin, "checkpoint origin (line 1)");
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new NoteError(`checkpoint tree size (line 2) ${sizeLine} is not a decimal number`);
  }
  let root;
  try {
    root = fromBase64(rootLine);
  } catch {
    throw new NoteError("checkpoint root hash (line 3) is not valid base64");
  }
  if (root.length !== 32) throw new NoteError("checkpoint root hash (line 3) is not 32 bytes");
  return { origin, size: Number(sizeLine), root };
}

/** Verify a signed checkpoint note; it must be signed by a known key named as its origin. */
export async function openCheckpoint(note, verifiers, origin) {
  const opened = await openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw new NoteError(`checkpoint is for origin ${checkpoint.origin}, expected ${origin}`);
  }
  if (!opened.verifiedBy.includes(checkpoint.origin)) {
    throw new NoteError(`checkpoint is not signed by a known key named ${checkpoint.origin}`);
  }
  return checkpoint;
}
