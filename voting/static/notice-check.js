// The reader's own check that a public notice is in the meeting's log: its fields hash to the
// notice's SHA-256, its entry carries exactly those fields, the cited checkpoint is signed by
// the meeting's log key, and the inclusion proof leads from the entry to that checkpoint's root.

import { canonicalBytes } from "/static/tablet/canonical.js";
import { fromBase64, sha256, toHex } from "/static/tablet/bytes.js";
import { leafHash, verifyInclusion } from "/static/tablet/merkle.js";
import { openCheckpoint, parseVkey } from "/static/tablet/note.js";

/** The fields a notice publishes, which its SHA-256 covers (audit/notices.py). */
export const PUBLISHED_FIELDS = ["notice", "kind", "title", "sources", "text"];

export class NoticeCheckError extends Error {
  /** `reason`: which check failed (an i18n key suffix); the message says what exactly. */
  constructor(reason, detail) {
    super(detail || reason);
    this.name = "NoticeCheckError";
    this.reason = reason;
  }
}

/** SHA-256 (hex) of the canonical JSON of the notice's published fields. */
export async function noticeDigest(notice) {
  const fields = Object.fromEntries(PUBLISHED_FIELDS.map((name) => [name, notice[name]]));
  return toHex(await sha256(canonicalBytes(fields)));
}

async function inclusionProof(meeting, seq, size) {
  const path = `/api/meetings/${encodeURIComponent(meeting)}/log/proof/inclusion`;
  const response = await fetch(`${path}?seq=${seq}&size=${size}`, { cache: "no-store" });
  if (!response.ok) throw new NoticeCheckError("proof", `${path}: HTTP ${response.status}`);
  const proof = await response.json();
  if (proof.seq !== seq || proof.size !== size || !Array.isArray(proof.proof)) {
    throw new NoticeCheckError("proof", "the inclusion proof answer does not match the request");
  }
  return proof.proof.map((hash) => fromBase64(hash));
}

/**
 * Check `notice` (the answer of GET …/notices/{n}) against the log. Resolves to the
 * checkpoint's {size, root} or throws NoticeCheckError.
 */
export async function checkNotice(meeting, notice) {
  const digest = await noticeDigest(notice);
  if (digest !== notice.sha256) {
    throw new NoticeCheckError("hash", `the fields hash to ${digest}, not ${notice.sha256}`);
  }
  const entry = notice.entry || {};
  const same = PUBLISHED_FIELDS.concat(["sha256"]).every(
    (name) => JSON.stringify(entry[name]) === JSON.stringify(notice[name]),
  );
  if (entry.type !== "notice_issued" || entry.seq !== notice.seq || !same) {
    throw new NoticeCheckError("entry", `entry ${notice.seq} is not this notice`);
  }
  if (!notice.checkpoint) throw new NoticeCheckError("no-checkpoint", "");
  let checkpoint;
  try {
    const verifier = await parseVkey(notice.log_key);
    checkpoint = await openCheckpoint(notice.checkpoint.note, [verifier], verifier.name);
  } catch (error) {
    throw new NoticeCheckError("signature", error.message);
  }
  if (checkpoint.size <= notice.seq) {
    throw new NoticeCheckError("proof", `checkpoint size ${checkpoint.size}, entry ${notice.seq}`);
  }
  const hashes = await inclusionProof(meeting, notice.seq, checkpoint.size);
  try {
    const leaf = await leafHash(canonicalBytes(entry));
    await verifyInclusion(leaf, notice.seq, checkpoint.size, hashes, checkpoint.root);
  } catch (error) {
    throw new NoticeCheckError("proof", error.message);
  }
  return checkpoint;
}
