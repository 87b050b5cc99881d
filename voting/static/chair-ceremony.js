// The scrutineers' key ceremony on the console (docs/protocol.md "The scrutineers' key
// ceremony"): the progress endpoint's run, rounds, faults, key id prefix and who is live for the
// next poll, a button to issue that poll's liveness challenge, and the decryption lines of closed
// encrypted polls.

import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";
import { api, ctx, meetingPath, run } from "./chair-context.js";

register({
  zh: {
    ceremony_heading: "监票人密钥仪式",
    ceremony_none: "尚未开始密钥仪式",
    ceremony_run: "{ceremony}：{phase}（门限 {t} / {n}）",
    ceremony_key: "密钥编号：{prefix}…",
    ceremony_rounds: "已完成轮次：{rounds}",
    ceremony_fault: "故障：{reason}",
    ceremony_missing: "尚缺：{list}",
    ceremony_live: "下一次表决 {poll} 在线确认：{live} / {t}",
    ceremony_live_none: "尚未为下一次表决 {poll} 发出在线确认",
    ceremony_challenge: "发出在线确认",
    ceremony_challenged: "已为表决 {poll} 发出在线确认",
    phase_announcements: "公告",
    phase_shares: "分发份额",
    phase_acceptances: "确认份额",
    "phase_verification-keys": "验证密钥",
    "phase_test-decryption": "试解密",
    phase_complete: "已完成",
    phase_failed: "失败",
    decryption_waiting: "等待监票人解密 ({k}/{t})",
    decryption_mix: "已解密，有另选他人：等待监票人混洗后计票",
  },
  en: {
    ceremony_heading: "Scrutineers' key ceremony",
    ceremony_none: "No key ceremony started yet",
    ceremony_run: "{ceremony}: {phase} (threshold {t} of {n})",
    ceremony_key: "Key id: {prefix}…",
    ceremony_rounds: "Rounds done: {rounds}",
    ceremony_fault: "Fault: {reason}",
    ceremony_missing: "Missing: {list}",
    ceremony_live: "Live for the next poll {poll}: {live} of {t}",
    ceremony_live_none: "No liveness challenge yet for the next poll {poll}",
    ceremony_challenge: "Issue the liveness challenge",
    ceremony_challenged: "Liveness challenge issued for poll {poll}",
    phase_announcements: "announcements",
    phase_shares: "shares",
    phase_acceptances: "acceptances",
    "phase_verification-keys": "verification keys",
    "phase_test-decryption": "test decryption",
    phase_complete: "complete",
    phase_failed: "failed",
    decryption_waiting: "Waiting for the scrutineers to decrypt ({k}/{t})",
    decryption_mix: "Decrypted, with write-ins: waiting for the scrutineers' write-in mix",
  },
});

/** Shown whenever the meeting's scrutineers are simulated (only the demo's meetings). */
export const SIMULATED_LABEL = "模拟监票人（仅供演示）/ simulated scrutineers (demo only)";

let loadedAt = null; // the state seq the progress was fetched at
let board = null; // the public board: the liveness challenges and their answers

/** The id the server gives the next poll opened without one (voting/http/polls.py). */
export function nextPollId(state) {
  return `p${(state.polls || []).length + 1}`;
}

/** Does the sitting have its key (an encrypted poll may be opened)? */
export function hasSittingKey() {
  return ctx.ceremony?.phase === "complete";
}

/** What a closed encrypted poll waits for, or null once it has its result. */
export function decryptionLine(poll) {
  const d = poll.decryption;
  if (!d || poll.result) return null;
  if (d.awaiting === "write-in-mix") return t("decryption_mix");
  if (d.decrypted) return null;
  return t("decryption_waiting", { k: d.shares.length, t: d.needed ?? "?" });
}

let loads = 0; // loads started: only the newest one's answers are kept

async function load(state) {
  loadedAt = state.seq;
  const mine = ++loads;
  let progress = null;
  let found = board;
  try {
    [progress, found] = await Promise.all([
      api("GET", meetingPath("/ceremony/progress")),
      api("GET", meetingPath("/ceremony")),
    ]);
  } catch {
    progress = null;
  }
  // Answers can arrive out of order: an older load must not overwrite a newer one's.
  if (mine !== loads) return;
  ctx.ceremony = progress;
  board = found;
  draw(state);
}

/** The panel; the progress is fetched again whenever the meeting's log has grown. */
export function renderCeremony(state) {
  if (!$("#ceremony")) return;
  if (state.seq !== loadedAt) load(state);
  draw(state);
}

function liveLine(state, progress) {
  const poll = nextPollId(state);
  const challenge = (board?.liveness || []).find((c) => c.poll === poll);
  return h(
    "p",
    { class: "ceremony-live", id: "ceremony-live" },
    challenge
      ? t("ceremony_live", { poll, live: challenge.answered.length, t: progress.t })
      : t("ceremony_live_none", { poll }),
  );
}

function scrutineerLine(s) {
  const rounds = s.rounds_done.length ? s.rounds_done.join("、") : "—";
  return h(
    "li",
    { class: s.fault ? "bad" : "" },
    `${s.index}. ${s.name || s.deputy}（${s.station || "—"}）`,
    " · ",
    t("ceremony_rounds", { rounds }),
    s.fault ? ` · ${t("ceremony_fault", { reason: s.fault.reason || s.fault.code || s.fault })}` : "",
  );
}

function simulatedLine(state) {
  return state.simulated_scrutineers === true
    ? h("p", { class: "warn", id: "ceremony-simulated" }, SIMULATED_LABEL)
    : null;
}

function draw(state) {
  const el = $("#ceremony");
  const progress = ctx.ceremony;
  if (!progress || !progress.ceremony) {
    fill(el, simulatedLine(state), h("p", { class: "muted" }, t("ceremony_none")));
    return;
  }
  const phase = t(`phase_${progress.phase}`);
  const poll = nextPollId(state);
  fill(
    el,
    simulatedLine(state),
    h(
      "p",
      { class: "ceremony-run", id: "ceremony-run" },
      t("ceremony_run", { ceremony: progress.ceremony, phase, t: progress.t, n: progress.n }),
    ),
    progress.key_id_prefix
      ? h("p", { id: "ceremony-key" }, t("ceremony_key", { prefix: progress.key_id_prefix }))
      : null,
    h("ul", { class: "ceremony-scrutineers" }, progress.scrutineers.map(scrutineerLine)),
    progress.missing.length
      ? h("p", { class: "muted" }, t("ceremony_missing", { list: progress.missing.join("；") }))
      : null,
    hasSittingKey() ? liveLine(state, progress) : null,
    hasSittingKey()
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: () =>
              run(async () => {
                await api("POST", meetingPath("/liveness/challenge"), { poll });
                await load(state);
              }, t("ceremony_challenged", { poll })),
          },
          t("ceremony_challenge"),
        )
      : null,
  );
}
