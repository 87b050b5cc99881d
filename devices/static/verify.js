// The tablet's own check that its encrypted ballot is in the public log (ballot-secrecy.md §5):
// the `encrypted_ballot` entry under its tracking code, re-encoded canonically, is a leaf of the
// log; the newest checkpoint is signed by the log key pinned at pairing; the inclusion proof
// leads from the leaf to the checkpoint's root; and the entry holds what this tablet sent.

import { canonicalBytes, canonicalJSON } from "./canonical.js";
import { fromBase64 } from "./bytes.js";
import { leafHash, verifyInclusion } from "./merkle.js";
import { openCheckpoint, parseVkey } from "./note.js";

export class VerifyError extends Error {
  /** `reason` names the failed check (an i18n key suffix); `detail` says what exactly. */
  constructor(reason, detail) {
    super(detail || reason);
    this.name = "VerifyError";
    this.reason = reason;
    this.detail = detail || "";
  }
}

async function get(url, kind, missing) {
  let response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (error) {
    throw new VerifyError("network", String(error));
  }
  if (response.status === 404) {
    const body = await response.json().catch(() => ({}));
    throw new VerifyError(missing, body.message_en || `${url}: not found`);
  }
  if (!response.ok) throw new VerifyError("network", `${url}: HTTP ${response.status}`);
  try {
    return kind === "text" ? await response.text() : await response.json();
  } catch {
    throw new VerifyError("malformed", `${url}: unreadable answer`);
  }
}

/** The log key pinned at pairing, parsed and named as the log; throws VerifyError. */
async function logVerifier(logKey, origin) {
  if (!logKey) throw new VerifyError("no-log-key", "");
  let verifier;
  try {
    verifier = await parseVkey(logKey);
  } catch (error) {
    throw new VerifyError("log-key", error.message);
  }
  if (verifier.name !== origin) {
    throw new VerifyError("log-key", `the log key is named ${verifier.name}, the log ${origin}`);
  }
  return verifier;
}

/** The log's API on `server` (an origin; "" for the page's own server). */
function logBase(server, meeting) {
  return `${server}/api/meetings/${encodeURIComponent(meeting)}/log`;
}

/**
 * Check that this tablet's encrypted ballot is in the log (ballot-secrecy.md §5): the
 * `encrypted_ballot` entry under its tracking code holds byte for byte the signed body, the
 * signature and the ballot this tablet sent (`sent` = {body, sig, ballot}), at the seq the
 * acknowledgement named (`seq`, if any), and is included under a checkpoint signed with the log
 * key pinned at pairing. `server` is the origin asked ("" for the page's own server).
 * Resolves to {seq, size} or throws VerifyError.
 */
export async function verifyEncryptedBallot({
  server = "",
  meeting,
  origin,
  logKey,
  poll,
  trackingCode,
  sent,
  seq: acknowledged,
}) {
  const verifier = await logVerifier(logKey, origin);
  const base = logBase(server, meeting);
  const found = await get(
    `${base}/encrypted-ballots/${encodeURIComponent(trackingCode)}`,
    "json",
    "not-found",
  );
  const { seq, entry } = found;
  if (!Number.isSafeInteger(seq) || entry === null || typeof entry !== "object") {
    throw new VerifyError("malformed", "the encrypted ballot answer has no seq or entry");
  }
  if (
    entry.type !== "encrypted_ballot" ||
    entry.seq !== seq ||
    entry.poll !== poll ||
    entry.deputy !== sent.body?.deputy
  ) {
    throw new VerifyError("mismatch", `entry ${seq} is not an encrypted ballot of poll ${poll}`);
  }
  if (Number.isSafeInteger(acknowledged) && acknowledged !== seq) {
    throw new VerifyError("mismatch", `the ballot is entry ${seq}, acknowledged as ${acknowledged}`);
  }
  let entryBytes;
  try {
    entryBytes = canonicalBytes(entry);
    for (const part of ["body", "sig", "ballot"]) {
      if (canonicalJSON(entry[part]) !== canonicalJSON(sent[part])) {
        throw new VerifyError("mismatch", `entry ${seq}: its ${part} differs from the one sent`);
      }
    }
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    throw new VerifyError("malformed", error.message);
  }
  return proveIncluded(base, verifier, origin, seq, entryBytes);
}

/** Entry `seq` (its canonical bytes) is a leaf under the newest checkpoint signed by `verifier`. */
async function proveIncluded(base, verifier, origin, seq, entryBytes) {
  const leaf = await leafHash(entryBytes);

  const note = await get(`${base}/checkpoint`, "text", "not-covered");
  let checkpoint;
  try {
    checkpoint = await openCheckpoint(note, [verifier], origin);
  } catch (error) {
    if (error.name === "NotSupportedError") throw new VerifyError("no-ed25519", error.message);
    throw new VerifyError("signature", error.message);
  }
  if (checkpoint.size <= seq) {
    throw new VerifyError("not-covered", `checkpoint size ${checkpoint.size}, ballot entry ${seq}`);
  }

  const proof = await get(
    `${base}/proof/inclusion?seq=${seq}&size=${checkpoint.size}`,
    "json",
    "proof",
  );
  if (proof.seq !== seq || proof.size !== checkpoint.size || !Array.isArray(proof.proof)) {
    throw new VerifyError("malformed", "the inclusion proof answer does not match the request");
  }
  try {
    const hashes = proof.proof.map((hash) => fromBase64(hash));
    await verifyInclusion(leaf, seq, checkpoint.size, hashes, checkpoint.root);
  } catch (error) {
    throw new VerifyError("proof", error.message);
  }
  return { seq, size: checkpoint.size };
}
