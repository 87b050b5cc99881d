// The tablet's device key (audit-log.md §5): made once at pairing with WebCrypto, NON-extractable,
// kept as a CryptoKey in IndexedDB. Ed25519 where the browser has it, else ECDSA P-256 (public key
// as SPKI DER, signatures raw r||s, as WebCrypto gives them).

import { canonicalBytes } from "./canonical.js";
import { concat, toBase64, utf8 } from "./bytes.js";

const CONTEXT = utf8("congress-vote/v1\n");
const ECDSA = { name: "ECDSA", hash: "SHA-256" };

/** Make a device key: {alg, privateKey (non-extractable CryptoKey), publicKey (base64)}. */
export async function makeDeviceKey() {
  try {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return { alg: "ed25519", privateKey: pair.privateKey, publicKey: toBase64(raw) };
  } catch {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
      "verify",
    ]);
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
    return { alg: "p256", privateKey: pair.privateKey, publicKey: toBase64(spki) };
  }
}

/** The bytes a tablet signs: the context line and the body's canonical JSON. */
export function signingPayload(body) {
  return concat(CONTEXT, canonicalBytes(body));
}

/** Sign a message body with the device key; returns the base64 signature. */
export async function signBody(alg, privateKey, body) {
  const payload = signingPayload(body);
  const params = alg === "ed25519" ? "Ed25519" : ECDSA;
  return toBase64(new Uint8Array(await crypto.subtle.sign(params, privateKey, payload)));
}

/** The hello answering the server's challenge: the device key signs the meeting (origin), the
 * device and the server's fresh nonce; `seq` is the last log position seen, if any. A record
 * without a key is not paired here: refused as the server would refuse it. */
export async function signedHello(record, nonce, seq) {
  const { alg, privateKey, origin, device } = record;
  if (!privateKey) throw { type: "error", error: "unknown-device" };
  const sig = await signBody(alg, privateKey, { type: "hello", origin, device, nonce });
  return Number.isInteger(seq) ? { type: "hello", device, sig, seq } : { type: "hello", device, sig };
}

/** A signed message of the device `record`: the body carries the next counter value, and the
 * record's counter moves on to it (the caller stores the record before sending). */
export async function signedMessage(record, type, bodyType, fields, extra = {}) {
  const n = record.counter + 1;
  const body = {
    type: bodyType,
    origin: record.origin,
    deputy: record.deputy,
    device: record.device,
    n,
    ...fields,
  };
  const sig = await signBody(record.alg, record.privateKey, body);
  record.counter = n;
  return { id: `m${n}`, type, body, sig, ...extra };
}
