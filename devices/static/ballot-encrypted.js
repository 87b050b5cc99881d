// Encrypted ballots (mode `encrypted`, docs/protocol.md "Encrypted ballots"): the deputy's choice
// becomes the shape's marks and write-in names, the prover worker encrypts and proves it, the
// tablet shows the tracking code before sending, signs the ballot's SHA-256 and checks the
// acknowledgement. The Python twin is devices/tablet.py `encrypted_ballot`.

import { fromBase64, fromHex, toBase64, toHex } from "./bytes.js";
import { signedMessage } from "./keys.js";
import { parseVkey, verifyEd25519 } from "./note.js";
import { t } from "./i18n.js";
import { h } from "./ui.js";
import { levels } from "./ballot-evaluation.js";
import { startProver } from "./crypto/prover.js";

const STANCE_MARKS = { for: [1, 0], against: [0, 1], abstain: [0, 0] };

function stances(list, writeIns = []) {
  return { marks: list.flatMap((stance) => STANCE_MARKS[stance] || STANCE_MARKS.abstain), writeIns };
}

/**
 * What a closed list's ballot writes in for a picked name: the roster id the poll pairs with it
 * in `write_in_roster` (docs/ballot-crypto.md §6, k = 1). Without that list, the name itself.
 */
export function writtenIn(def, name) {
  if (!Array.isArray(def.write_in_roster)) return name;
  const wanted = name.normalize("NFC").trim();
  const found = def.write_in_roster.find((pair) => pair.name === wanted);
  if (!found) throw new Error(`“${wanted}”不在可另选的代表名单中 (not among the deputies who may be written in)`);
  return found.id;
}

/**
 * The plaintext of the shape (ballots/crypto/shape.py `Choice`) for a ballot screen's choice:
 * 赞成/反对/弃权 per motion, candidate or project in list order (F, A), the chosen projects of a
 * choose-N selection, one level per subject of an evaluation, and the write-ins without the
 * candidates they replace (the prover puts them in the lowest slots, sorted by UTF-8 bytes):
 * the names, or for a closed list the picked deputies' roster ids.
 */
export function cryptoChoice(poll, choice) {
  const def = poll.definition || {};
  if (poll.kind === "motion") return stances([choice]);
  if (poll.kind === "election") {
    const marks = choice.marks || {};
    const writeIns = Object.values(choice.write_ins || {}).map((name) => writtenIn(def, name));
    return stances(
      def.candidates.map((c) => marks[c.id] || "abstain"),
      writeIns,
    );
  }
  if (poll.kind === "selection") {
    if (choice.chosen) {
      const chosen = new Set(choice.chosen);
      return { marks: def.candidates.map((p) => (chosen.has(p.id) ? 1 : 0)), writeIns: [] };
    }
    const marks = choice.marks || {};
    return stances(def.candidates.map((p) => marks[p.id] || "abstain"));
  }
  if (poll.kind === "evaluation") {
    const all = levels(def);
    const ratings = choice.ratings || {};
    const marks = def.subjects.flatMap((s) => all.map((level) => (ratings[s.id] === level ? 1 : 0)));
    return { marks, writeIns: [] };
  }
  throw new Error(`no encrypted ballot for a ${poll.kind}`);
}

/** The shape as the prover takes it, from the poll push's `encryption.shape`. */
export function proverShape(shape) {
  return {
    kind: shape.kind,
    entries: shape.entries,
    seats: shape.seats,
    levels: shape.levels,
    slots: shape.slots,
    namePoints: shape.name_points,
    packingBase: shape.packing_base,
  };
}

/** The ballot context in the prover's message form: the device key is the pairing key's bytes. */
export function proverContext(record, encryption) {
  return {
    poll: encryption.poll_context,
    deputyId: record.deputy,
    deviceKey: toHex(fromBase64(record.publicKey)),
    key: encryption.key,
  };
}

/** The acknowledgement matches the ballot sent and is the log key's signature over its hash. */
export async function checkEncryptedAck(logKey, sent, ack) {
  if (ack.tracking_code !== sent.trackingCode) return false;
  const digest = fromHex(sent.ballotHash);
  if (ack.ballot_hash !== toBase64(digest)) return false;
  let signature;
  try {
    signature = fromBase64(ack.signature);
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  return verifyEd25519(logKey.publicKey, signature, digest);
}

/**
 * The encrypted path over the tablet's `app`: `enqueue(make)`, `saveBallot(fields)`,
 * `pinLogKey(key)` (the key pinned at pairing or first seen) and `render()` come from tablet.js.
 */
export function createEncrypted(app, { enqueue, saveBallot, pinLogKey, render }) {
  let prover = null;
  const made = new Map(); // poll -> {ballot, trackingCode, ballotHash} shown, not yet sent

  /** Encrypt and prove the choice, then show the tracking code for confirmation. */
  async function prepare(poll, choice) {
    const id = poll.poll;
    app.stage.set(id, "encrypting");
    render();
    try {
      prover ||= startProver();
      const answer = await prover.make(
        proverShape(poll.encryption.shape),
        cryptoChoice(poll, choice),
        proverContext(app.record, poll.encryption),
      );
      made.set(id, answer);
      app.stage.set(id, "tracking");
    } catch (error) {
      app.stage.set(id, "ballot");
      app.error = {
        message: `无法加密选票：${error.message}`,
        message_en: `The ballot could not be encrypted: ${error.message}`,
      };
    }
    render();
  }

  /** The deputy confirmed the tracking code: sign the ballot's hash and send it. */
  async function send(poll) {
    const id = poll.poll;
    const answer = made.get(id);
    if (!answer) return;
    made.delete(id);
    app.stage.delete(id);
    app.changing.delete(id);
    await saveBallot({
      poll: id,
      kind: "encrypted",
      trackingCode: answer.trackingCode,
      ballotHash: answer.ballotHash,
      status: "sending",
    });
    return enqueue((record) =>
      signedMessage(
        record,
        "encrypted_ballot",
        "encrypted_ballot",
        { poll: id, ballot_hash: answer.ballotHash },
        { ballot: answer.ballot },
      ),
    );
  }

  function back(poll) {
    made.delete(poll.poll);
    app.stage.set(poll.poll, "ballot");
    render();
  }

  /** The server acknowledged an `encrypted_ballot`: check and keep its tracking code. */
  async function accepted(message, answer, record) {
    if (!record || record.ballotHash !== message.body.ballot_hash) return;
    const logKey = await pinLogKey(answer.log_key);
    let valid = false;
    if (logKey === answer.log_key) {
      try {
        valid = await checkEncryptedAck(await parseVkey(logKey), record, answer);
      } catch (error) {
        valid = error.name === "NotSupportedError" ? null : false;
      }
    }
    // What was sent, for the check that the log holds it byte for byte once the poll closes.
    const sent = { body: message.body, sig: message.sig, ballot: message.ballot };
    await saveBallot({
      ...record,
      status: "acknowledged",
      seq: answer.seq ?? record.seq,
      ackValid: valid,
      sent,
    });
  }

  /** The stages of the encrypted path, or null for the ballot screens' own. */
  function screen(poll, stage) {
    if (stage === "encrypting") {
      return h("p", { class: "notice notice-wait", role: "status" }, t("encrypted.proving"));
    }
    if (stage !== "tracking" || !made.has(poll.poll)) return null;
    return h(
      "div",
      { class: "confirm tracking", role: "group", "aria-labelledby": "tracking-text" },
      h("p", { id: "tracking-text" }, t("encrypted.before")),
      h("p", { class: "tracking-code", id: "tracking-code" }, made.get(poll.poll).trackingCode),
      h("p", { class: "muted" }, t("encrypted.note")),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "primary big", onclick: () => send(poll) }, t("encrypted.confirm")),
        h("button", { type: "button", class: "secondary big", onclick: () => back(poll) }, t("review.back")),
      ),
    );
  }

  /** After casting: the tracking code the deputy keeps. */
  function submitted(record) {
    if (record?.kind !== "encrypted" || !record.trackingCode) return null;
    return h(
      "div",
      { class: "tracking" },
      h("p", {}, t("encrypted.after")),
      h("p", { class: "tracking-code", id: "tracking-code-cast" }, record.trackingCode),
    );
  }

  return { prepare, send, back, accepted, screen, submitted };
}
