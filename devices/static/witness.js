// The tablet as a witness of the log (audit-log.md §8; Python twin: devices/witness.py). On each
// new signed checkpoint it checks the log key's signature and a consistency proof from the last
// checkpoint it verified, then cosigns it: a C2SP cosignature/v1 line made with its Ed25519
// device key, sent in a signed `checkpoint_cosign` body. Shown a checkpoint inconsistent with
// the one it verified, it stops voting, keeps both signed notes as evidence, shows the alarm and
// reports it (`split_view_alarm`). A note the log key did not sign changes nothing.

import { concat, fromBase64, sha256, toBase64, utf8 } from "./bytes.js";
import { verifyConsistency } from "./merkle.js";
import { openCheckpoint, parseVkey } from "./note.js";
import { signedMessage } from "./keys.js";
import { serverOrigin } from "./server.js";
import { h } from "./ui.js";

export const ALARM = "日志不一致：本机已停止表决，请通知监票人";
const ALARM_EN = "The log is inconsistent: this tablet has stopped voting. Please tell the scrutineers.";
/** The least time between two checks prompted by pushes (ms); a new seq is not a new checkpoint. */
const CHECK_EVERY_MS = 5000;

/** The cosigner name of a tablet: `<origin>/tablet/<device>`. */
export function cosignerName(origin, device) {
  return `${origin}/tablet/${device}`;
}

/** The bytes a cosigner signs: header line, time line, the checkpoint's note text. */
export function cosignedMessage(text, timestamp) {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** The cosignature line (without newline) of `text` at `timestamp` by the device `record`. */
export async function cosignatureLine(record, text, timestamp) {
  const name = cosignerName(record.origin, record.device);
  const publicKey = fromBase64(record.publicKey);
  const keyId = (await sha256(concat(utf8(`${name}\n`), new Uint8Array([4]), publicKey))).slice(0, 4);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timestamp));
  const message = cosignedMessage(text, timestamp);
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", record.privateKey, message));
  return `— ${name} ${toBase64(concat(keyId, time, signature))}`;
}

function noteText(note) {
  return note.slice(0, note.lastIndexOf("\n\n") + 1);
}

/**
 * The witness of the tablet page. `actions.enqueue(make)` queues a signed message,
 * `actions.persist()` stores the device record, `actions.render()` redraws.
 */
export function createWitness(app, meeting, actions) {
  let running = false;
  let lastRun = 0;

  async function fetchText(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.text();
  }

  /** The log's API on the server the socket uses now (docs/operations.md §14). */
  function logBase() {
    return `${serverOrigin(app)}/api/meetings/${encodeURIComponent(meeting)}/log`;
  }

  async function proofBetween(base, first, second) {
    const answer = JSON.parse(await fetchText(`${base}/proof/consistency?from=${first}&to=${second}`));
    if (answer.from !== first || answer.to !== second || !Array.isArray(answer.proof)) return null;
    return answer.proof.map((hash) => fromBase64(hash));
  }

  /** Judge the newest checkpoint: cosign it, report a split view, or do nothing. */
  async function check() {
    const record = app.record;
    if (!record?.logKey || record.alg !== "ed25519" || record.splitView) return;
    const verifier = await parseVkey(record.logKey);
    const base = logBase();
    const note = await fetchText(`${base}/checkpoint`);
    let shown;
    try {
      shown = await openCheckpoint(note, [verifier], record.origin);
    } catch {
      return; // not signed by the log key: anyone can send that, only the key can split a log
    }
    const trustedNote = record.witness?.note;
    if (!trustedNote) return cosign(note, shown, null);
    const trusted = await openCheckpoint(trustedNote, [verifier], record.origin);
    if (shown.size === trusted.size && toBase64(shown.root) === toBase64(trusted.root)) return;
    const [first, second] = trusted.size < shown.size ? [trusted, shown] : [shown, trusted];
    if (first.size > 0) {
      try {
        const proof = (await proofBetween(base, first.size, second.size)) || [];
        await verifyConsistency(first.size, second.size, proof, first.root, second.root);
      } catch (error) {
        if (error.name !== "ProofError" && !(error instanceof SyntaxError)) throw error;
        return alarm(trustedNote, note);
      }
    } else if (shown.size === trusted.size) {
      return alarm(trustedNote, note);
    }
    if (shown.size > trusted.size) return cosign(note, shown, trusted.size);
  }

  async function cosign(note, checkpoint, previous) {
    const record = app.record;
    const timestamp = Math.floor(Date.now() / 1000);
    const cosignature = await cosignatureLine(record, noteText(note), timestamp);
    record.witness = { note };
    await actions.enqueue((r) =>
      signedMessage(r, "checkpoint_cosign", "checkpoint_cosign", {
        size: checkpoint.size,
        previous,
        cosignature,
      }),
    );
  }

  async function alarm(trusted, shown) {
    app.record.splitView = { trusted, shown, at: new Date().toISOString() };
    await actions.persist();
    actions.render();
    await actions.enqueue((r) =>
      signedMessage(r, "split_view_alarm", "split_view_alarm", { trusted, shown }),
    );
  }

  /** Check now unless a check ran within the last few seconds (or is running). */
  async function maybeCheck(force = false) {
    const now = Date.now();
    if (running || (!force && now - lastRun < CHECK_EVERY_MS)) return;
    running = true;
    lastRun = now;
    try {
      await check();
    } catch {
      // offline or an unreadable answer: the next push tries again
    } finally {
      running = false;
    }
  }

  function stopped() {
    return Boolean(app.record?.splitView);
  }

  function downloadEvidence() {
    const evidence = app.record.splitView;
    const text =
      `# ${ALARM}\n# device ${app.record.device}, deputy ${app.record.deputy}, ${evidence.at}\n\n` +
      `## trusted (verified and cosigned by this tablet)\n${evidence.trusted}\n` +
      `## shown (inconsistent with it)\n${evidence.shown}`;
    const link = h("a", {
      href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
      download: `split-view-${app.record.device}.txt`,
    });
    link.click();
  }

  /** The alarm that replaces the voting screen of a stopped tablet. */
  function panel() {
    const evidence = app.record.splitView;
    return h(
      "section",
      { class: "panel witness-alarm", role: "alert" },
      h("h2", { class: "notice notice-error", id: "split-view-alarm" }, ALARM),
      h("p", { lang: "en" }, ALARM_EN),
      h(
        "details",
        {},
        h("summary", {}, "证据 / evidence"),
        h("pre", { class: "evidence" }, `${evidence.trusted}\n${evidence.shown}`),
      ),
      h(
        "button",
        { type: "button", class: "secondary", onclick: downloadEvidence },
        "下载证据 / download the evidence",
      ),
    );
  }

  return { maybeCheck, stopped, panel };
}
