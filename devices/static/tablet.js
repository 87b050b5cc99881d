// The deputy's tablet: pairing, sign-in, ballots, and the tablet's own check that its encrypted
// ballot is in the public log. The Python twin of the wire protocol is devices/tablet.py; the page is
// described in docs/tablet.md.

import { lang, setLang } from "./i18n.js";
import * as store from "./store.js";
import { signedHello, signedMessage } from "./keys.js";
import { ReconnectingSocket, socketUrl } from "/static/common/socket.js";
import { createOwnCheck } from "./own-check.js";
import { createEncrypted } from "./ballot-encrypted.js";
import { findDevice, pairDevice, peerOrigin, serversOf } from "./pairing.js";
import { FORMS, createScreens, pollOf } from "./screens.js";
import { createProposals } from "./proposals.js";
import { createWitness } from "./witness.js";

const meeting = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");

const app = {
  screen: "loading", // loading | unpaired | choose | pairing | pair-error | main | refused
  choices: [], // the pairings of this browser to choose from (several deputies, no choice yet)
  pairError: null,
  previous: null, // the stored pairing kept when a new pairing failed
  peer: null, // the standby server's origin named on the pairing card (#peer=), if any
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

const encrypted = createEncrypted(app, { enqueue, saveBallot, pinLogKey, render: () => render() });
const proposals = createProposals(app, { enqueue });
const witness = createWitness(app, meeting, {
  enqueue,
  persist: () => serialise(() => store.putDevice(app.record)),
  render: () => render(),
});
const screens = createScreens(app, {
  encrypted,
  proposals,
  witness,
  signIn,
  speakRequest,
  speakWithdraw,
  submit,
  startChange,
  pair,
  keepPrevious,
  choose,
  retryVerify: (poll) => ownCheck.retryVerify(poll),
});
const render = () => screens.render();
const ownCheck = createOwnCheck(app, meeting, { saveBallot, render });

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
  const { record, failed } = await pairDevice(meeting, code, app.peer);
  if (failed) return pairFailed(failed);
  app.record = record;
  app.previous = null;
  await begin();
}

/** This tab takes the pairing of `deputy` (one of several in this browser). */
function choose(deputy) {
  const record = app.choices.find((r) => r.deputy === deputy);
  if (!record) return;
  store.setTabDeputy(meeting, deputy);
  app.choices = [];
  app.record = record;
  begin();
}

function keepPrevious() {
  app.record = app.previous;
  store.setTabDeputy(meeting, app.record.deputy);
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
  // Every server of the pairing (a standby's too): the socket moves to whichever answers.
  const path = `/ws/meetings/${encodeURIComponent(meeting)}/tablet`;
  app.connection = new ReconnectingSocket(
    serversOf(app.record).map((origin) => socketUrl(path, origin)),
    {
      hello: (nonce) => signedHello(app.record, nonce, app.view?.seq),
      challenged: true,
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
  const found = await store.getBallot(meeting, app.record.deputy, poll).catch(() => null);
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
    case "cosign_ack":
    case "error":
      // The answer to a command that changed the deputy's own view carries it.
      if (message.you) setYou(message.you);
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
  ownCheck.maybeVerify();
  witness.maybeCheck(message.type === "welcome");
}

/** The deputy's own view. Its `took_part` (and a named vote's `choice`) is about the poll open
 * when the server computed it, which is the poll of the last state received before it: keep the
 * poll it belongs to, so that a later poll does not inherit it. */
function setYou(you) {
  app.you = you;
  const poll = app.view?.poll;
  app.tookPart = you && poll && poll.status === "open" && you.took_part ? poll.poll : null;
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
  } else if (message.type === "encrypted_ballot") {
    await encrypted.accepted(message, answer, await cacheBallot(poll));
  }
  if (poll) {
    app.changing.delete(poll);
    app.stage.delete(poll);
    app.drafts.delete(poll);
  }
}

/** The log key pinned at pairing, or `key` if none was (first seen). */
async function pinLogKey(key) {
  const record = app.record;
  if (!record.logKey) {
    record.logKey = key;
    await serialise(() => store.putDevice(record));
  }
  return record.logKey;
}

async function refused(message, error) {
  const poll = pollOf(message);
  if (message.type === "sign_in" && error.error === "already-signed-in") return markSignedIn();
  if (message.type === "checkpoint_cosign") return; // the witness tries again on the next one
  if (message.type === "encrypted_ballot") {
    const record = await cacheBallot(poll);
    if (record) await saveBallot({ ...record, status: "failed" });
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
  return enqueue((record) => signedMessage(record, "sign_in", "sign_in", {}));
}

/** 申请发言 / 撤回申请: signed like every command, answered by an `ack`. */
function speakRequest() {
  return enqueue((record) => signedMessage(record, "speak_request", "speak_request", {}));
}

function speakWithdraw() {
  return enqueue((record) => signedMessage(record, "speak_withdraw", "speak_withdraw", {}));
}

/** Cast `choice`: a named vote is sent as it is; a secret (encrypted) ballot is encrypted and
 * proved first, and sent once the deputy has seen its tracking code. */
async function submit(poll, choice) {
  if (witness.stopped()) return render(); // a split view stopped this tablet's voting
  const id = poll.poll;
  if (poll.mode === "encrypted") {
    if (poll.encryption) return encrypted.prepare(poll, choice);
    app.error = {
      message: "本次表决缺少加密参数，无法投票，请联系工作人员",
      message_en: "This poll came without its encryption parameters. Please call the staff.",
    };
    return render();
  }
  app.stage.delete(id);
  app.changing.delete(id);
  return enqueue((record) => signedMessage(record, "vote", "vote", { poll: id, choice }));
}

function startChange(poll) {
  const id = poll.poll;
  const record = app.ballots.get(id);
  const kind = poll.kind;
  const choice = record?.choice ?? (app.tookPart === id ? app.you?.choice : null);
  app.changing.add(id);
  app.stage.set(id, "ballot");
  if (kind !== "motion" && choice)
    app.drafts.set(id, FORMS[kind].draftFrom(poll.definition, choice));
  render();
}

// Start ------------------------------------------------------------------------------------

async function start() {
  document.getElementById("lang-button").addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
    render();
  });
  setInterval(screens.updateCountdown, 1000);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const code = fragment.get("code");
  app.peer = peerOrigin(fragment.get("peer"));
  if (code) history.replaceState(null, "", location.pathname + location.search);
  let found = { record: null, choices: [] };
  try {
    found = await findDevice(meeting);
  } catch {
    // no storage: this tablet can only pair (and will say so if that fails too)
  }
  if (code) {
    app.previous = found.record;
    await pair(code);
  } else if (found.record) {
    app.record = found.record;
    await begin();
  } else if (found.choices.length) {
    app.choices = found.choices;
    app.screen = "choose";
    render();
  } else {
    app.screen = "unpaired";
    render();
  }
}

start();
