// The deputy's tablet: pairing, sign-in, ballots, and the tablet's own check that its secret
// ballot was counted. The Python twin of the wire protocol is devices/tablet.py; the page is
// described in docs/tablet.md.

import { lang, setLang } from "./i18n.js";
import * as store from "./store.js";
import { checkBallotAck, makeDeviceKey, signBody } from "./keys.js";
import { parseVkey } from "./note.js";
import { randomHex, sha256, toHex, utf8 } from "./bytes.js";
import { Connection } from "./connection.js";
import { verifyReceipt } from "./verify.js";
import { FORMS, createScreens, pollOf } from "./screens.js";

const VERIFY_RETRIES = 5;

const meeting = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");

const app = {
  screen: "loading", // loading | unpaired | pairing | pair-error | main | refused
  pairError: null,
  previous: null, // the stored pairing kept when a new pairing failed
  record: null, // the device record (store.js)
  view: null, // the public view pushed by the server
  you: null, // this deputy's own view
  conn: "connecting",
  connection: null,
  refused: null,
  ballots: new Map(), // poll -> ballot record
  drafts: new Map(), // poll -> the ballot being filled in
  stage: new Map(), // poll -> "ballot" | "confirm" | "review"
  changing: new Set(), // polls whose submitted choice is being changed
  verify: new Map(), // poll -> {status: "running" | "ok" | "failed", ...}
  error: null, // the last refused command: {message, message_en}
  inFlight: null, // id of the outbox message awaiting its reply
  tookPart: null, // the open poll the server says this deputy took part in
};

const screens = createScreens(app, {
  signIn,
  submit,
  startChange,
  pair,
  keepPrevious,
  retryVerify,
});

function render() {
  screens.render();
}

// Storage is serialised: the counter and the outbox change only one step at a time.
let chain = Promise.resolve();
function serialise(step) {
  const job = chain.then(step);
  chain = job.catch(() => {});
  return job;
}

// Pairing ----------------------------------------------------------------------------------

async function pair(code) {
  app.screen = "pairing";
  render();
  let key;
  try {
    key = await makeDeviceKey();
  } catch {
    return pairFailed({ error: "crypto" });
  }
  const device = `t-${randomHex(8)}`;
  let response;
  let data;
  try {
    response = await fetch(`/api/meetings/${encodeURIComponent(meeting)}/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, device, alg: key.alg, public_key: key.publicKey }),
    });
    data = await response.json();
  } catch {
    return pairFailed({ error: "network", code });
  }
  if (!response.ok) return pairFailed(data);
  const record = {
    meeting,
    deputy: data.deputy,
    device: data.device,
    origin: data.origin,
    alg: key.alg,
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    counter: 0,
    logKey: data.log_key || null, // pinned: a different log key is refused later
    outbox: [],
    pairedAt: new Date().toISOString(),
  };
  try {
    await store.putDevice(record);
  } catch {
    return pairFailed({ error: "storage" });
  }
  app.record = record;
  app.previous = null;
  await begin();
}

function keepPrevious() {
  app.record = app.previous;
  app.previous = null;
  begin();
}

function pairFailed(error) {
  app.pairError = error;
  app.screen = "pair-error";
  render();
}

// Connection and messages ------------------------------------------------------------------

async function begin() {
  app.screen = "main";
  await loadBallots();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  app.connection = new Connection(
    `${scheme}://${location.host}/ws/meetings/${encodeURIComponent(meeting)}/tablet`,
    {
      hello: async (nonce) => {
        // Prove the device key: sign this meeting, this device and the server's fresh nonce.
        const { alg, privateKey, origin, device } = app.record;
        const body = { type: "hello", origin, device, nonce };
        const hello = { type: "hello", device, sig: await signBody(alg, privateKey, body) };
        if (app.view && Number.isInteger(app.view.seq)) hello.seq = app.view.seq;
        return hello;
      },
      onMessage: receive,
      onStatus: (status) => {
        app.conn = status;
        if (status !== "online") app.inFlight = null;
        render();
        pump();
      },
      onRefused: (error) => {
        app.refused = error;
        app.screen = "refused";
        render();
      },
    },
  );
  app.connection.start();
  render();
}

async function loadBallots() {
  const polls = new Set(app.record.outbox.map(pollOf).filter(Boolean));
  for (const poll of polls) await cacheBallot(poll);
}

async function cacheBallot(poll) {
  if (app.ballots.has(poll)) return app.ballots.get(poll);
  const found = await store.getBallot(meeting, poll).catch(() => null);
  if (found && found.deputy === app.record.deputy && found.device === app.record.device) {
    app.ballots.set(poll, found);
  }
  return app.ballots.get(poll);
}

async function receive(message) {
  switch (message.type) {
    case "welcome":
      app.view = message.state;
      setYou(message.you || null);
      break;
    case "state":
      app.view = message.state;
      break;
    case "you":
      setYou(message.you);
      break;
    case "ack":
    case "ballot_ack":
    case "error":
      if (message.id && message.id === app.inFlight) {
        await reply(message);
      } else if (message.type === "error" && !message.id) {
        app.error = message;
      }
      break;
    default:
      return; // pong
  }
  const poll = app.view?.poll?.poll;
  if (poll) await cacheBallot(poll);
  render();
  maybeVerify();
}

/** The deputy's own view. Its `took_part` (and a named vote's `choice`) is about the poll open
 * when the server computed it, which is the poll of the last state received before it: keep the
 * poll it belongs to, so that a later poll does not inherit it. */
function setYou(you) {
  app.you = you;
  const poll = app.view?.poll;
  app.tookPart = you && poll && poll.status === "open" && you.took_part ? poll.poll : null;
}

function tookPart(poll) {
  return app.tookPart === poll;
}

/** Queue a message: it is stored (with the counter) before it is sent, and re-sent after a
 * reconnection until the server answers it. */
function enqueue(make) {
  app.error = null; // a new command: the last refusal is no longer news
  return serialise(async () => {
    const record = app.record;
    const before = { counter: record.counter, outbox: [...record.outbox] };
    try {
      record.outbox.push(await make(record));
      await store.putDevice(record);
    } catch (error) {
      Object.assign(record, before);
      throw error;
    }
  }).then(
    () => {
      render();
      pump();
    },
    () => {
      app.error = {
        message: "本平板无法保存数据，请联系工作人员",
        message_en: "This tablet cannot store data. Please call the staff.",
      };
      render();
    },
  );
}

/** A signed message: the body carries the next counter value. */
async function signed(record, type, bodyType, fields, extra = {}) {
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

function pump() {
  const outbox = app.record?.outbox;
  if (app.inFlight || app.conn !== "online" || !outbox?.length) return;
  const message = outbox[0];
  if (app.connection.send(message)) app.inFlight = message.id;
}

async function reply(answer) {
  const message = app.record.outbox[0];
  await serialise(async () => {
    app.record.outbox.shift();
    await store.putDevice(app.record);
  });
  app.inFlight = null;
  if (answer.type === "error") await refused(message, answer);
  else await accepted(message, answer);
  render();
  pump();
}

/** Signed in: the acknowledgement says so as surely as the `you` update that follows it. */
function markSignedIn() {
  if (app.you) app.you = { ...app.you, signed_in: true };
}

async function accepted(message, answer) {
  const poll = pollOf(message);
  if (message.type === "sign_in") {
    markSignedIn();
  } else if (message.type === "vote") {
    await saveBallot({ poll, kind: "named", choice: message.body.choice, status: "acknowledged" });
  } else if (message.type === "ballot" || message.type === "replace") {
    const record = await cacheBallot(poll);
    if (!record || record.receipt !== answer.receipt) return;
    const valid = await checkAck(message.ballot, answer);
    Object.assign(record, {
      choice: message.ballot.choice,
      pendingChoice: undefined,
      status: "acknowledged",
      ack: {
        ballot_hash: answer.ballot_hash,
        signature: answer.signature,
        log_key: answer.log_key,
      },
      ackValid: valid,
    });
    await saveBallot(record);
  }
  if (poll) {
    app.changing.delete(poll);
    app.stage.delete(poll);
    app.drafts.delete(poll);
  }
}

/** The server's signed promise: by the log key pinned at pairing (or first seen), over this
 * ballot. */
async function checkAck(ballot, answer) {
  const record = app.record;
  if (!record.logKey) {
    record.logKey = answer.log_key;
    await serialise(() => store.putDevice(record));
  }
  if (record.logKey !== answer.log_key) return false;
  try {
    return await checkBallotAck(await parseVkey(record.logKey), ballot, answer);
  } catch (error) {
    // A browser without Ed25519 cannot check the signature: unknown, not invalid.
    return error.name === "NotSupportedError" ? null : false;
  }
}

async function refused(message, error) {
  const poll = pollOf(message);
  if (message.type === "sign_in" && error.error === "already-signed-in") return markSignedIn();
  if (message.type === "ballot") {
    const record = await cacheBallot(poll);
    if (record) await saveBallot({ ...record, status: "failed", pendingChoice: undefined });
  } else if (message.type === "replace") {
    const record = await cacheBallot(poll);
    if (record) await saveBallot({ ...record, pendingChoice: undefined });
  }
  app.error = error;
}

async function saveBallot(fields) {
  const record = { meeting, deputy: app.record.deputy, device: app.record.device, ...fields };
  await store.putBallot(record);
  app.ballots.set(record.poll, record);
  return record;
}

// Commands ---------------------------------------------------------------------------------

function signIn() {
  return enqueue((record) => signed(record, "sign_in", "sign_in", {}));
}

async function submit(poll, choice) {
  const id = poll.poll;
  app.stage.delete(id);
  if (poll.mode === "named") {
    app.changing.delete(id);
    return enqueue((record) => signed(record, "vote", "vote", { poll: id, choice }));
  }
  const existing = await cacheBallot(id);
  if (existing && existing.status === "acknowledged") {
    await saveBallot({ ...existing, pendingChoice: choice });
    app.changing.delete(id);
    return enqueue(async () => ({
      id: `r-${randomHex(6)}`,
      type: "replace",
      ballot: { poll: id, receipt: existing.receipt, choice },
      replace_token: existing.replaceToken,
    }));
  }
  const ballot = await saveBallot({
    poll: id,
    kind: "secret",
    receipt: randomHex(16),
    replaceToken: randomHex(32),
    choice: null,
    pendingChoice: choice,
    status: "sending",
  });
  const tokenHash = toHex(await sha256(utf8(ballot.replaceToken)));
  app.changing.delete(id);
  return enqueue((record) =>
    signed(
      record,
      "ballot",
      "participation",
      { poll: id },
      {
        ballot: { poll: id, receipt: ballot.receipt, choice },
        replace_token_hash: tokenHash,
      },
    ),
  );
}

function startChange(poll) {
  const id = poll.poll;
  const record = app.ballots.get(id);
  const kind = poll.kind;
  const choice = record?.choice ?? (tookPart(id) ? app.you?.choice : null);
  app.changing.add(id);
  app.stage.set(id, "ballot");
  if (kind !== "motion" && choice)
    app.drafts.set(id, FORMS[kind].draftFrom(poll.definition, choice));
  render();
}

// Verification of the own secret ballot after close ---------------------------------------

function maybeVerify() {
  const poll = app.view?.poll;
  if (!poll || poll.status !== "closed" || poll.mode !== "secret") return;
  const record = app.ballots.get(poll.poll);
  if (!record || record.status !== "acknowledged" || app.verify.has(poll.poll)) return;
  runVerify(poll.poll, record, 0);
}

function retryVerify(poll) {
  app.verify.delete(poll);
  maybeVerify();
}

async function runVerify(poll, record, attempt) {
  app.verify.set(poll, { status: "running" });
  render();
  try {
    const found = await verifyReceipt({
      meeting,
      origin: app.record.origin,
      logKey: app.record.logKey,
      poll,
      receipt: record.receipt,
      choice: record.choice,
    });
    app.verify.set(poll, { status: "ok", ...found });
    await saveBallot({ ...record, verified: found });
  } catch (error) {
    const retry = ["network", "not-found", "not-covered"].includes(error.reason);
    if (retry && attempt < VERIFY_RETRIES) {
      setTimeout(() => runVerify(poll, record, attempt + 1), 1000 * (attempt + 1));
      return;
    }
    app.verify.set(poll, {
      status: "failed",
      reason: error.reason || "malformed",
      detail: error.message,
    });
  }
  render();
}

// Start ------------------------------------------------------------------------------------

async function start() {
  document.getElementById("lang-button").addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
    render();
  });
  setInterval(screens.updateCountdown, 1000);
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  if (code) history.replaceState(null, "", location.pathname + location.search);
  let stored = null;
  try {
    stored = await store.getDevice(meeting);
  } catch {
    stored = null;
  }
  if (code) {
    app.previous = stored || null;
    await pair(code);
  } else if (stored) {
    app.record = stored;
    await begin();
  } else {
    app.screen = "unpaired";
    render();
  }
}

start();
