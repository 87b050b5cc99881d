// The hall's big screen: the item, the live count of ballots cast (never a choice before the
// close), the countdown, then the result with its verdict; attendance while no vote runs.

import { Watcher, pageToken, serverNow } from "./api.js";
import { $, clock, fill, h } from "/static/common/dom.js";
import { oathBlock } from "./display-oath.js";
import { speakerBlock, speechLeft } from "./display-speaking.js";
import { renderSplitView } from "./split-view.js";
import { attendanceLine, lang, onLang, register, setupLanguage, t } from "./i18n.js";
import {
  MOTION_MARKS,
  ballotsLine,
  evaluationRows,
  headline,
  levelWord,
  levels,
  requiredLine,
  seatRows,
  verdictItems,
  word,
} from "/static/common/results.js";

register({
  zh: {
    no_token: "缺少大屏令牌：请在地址中加入 #token=…",
    bad_token: "大屏令牌无效或已失效",
    hall_voting: "表决进行中",
    hall_manual: "正在举手或纸质表决，结果由工作人员录入",
    hall_result_motion: "表决结果",
    hall_result_election: "选举结果",
    hall_result_selection: "票决结果",
    hall_result_evaluation: "测评结果",
    hall_announced: "已宣布",
    hall_voided: "本次表决已作废，将重新表决",
    hall_closed_meeting: "会议已闭会",
    hall_waiting: "请代表就座",
    hall_no_item: "会议即将开始",
    hall_votes: "{n} 票",
    hall_people: "{n} 人",
    hall_votes_label: "得票",
  },
  en: {
    no_token: "Display token missing: add #token=… to the address",
    bad_token: "The display token is not valid",
    hall_voting: "Voting in progress",
    hall_manual: "Show of hands or paper vote; the result will be entered by the staff",
    hall_result_motion: "Result of the vote",
    hall_result_election: "Result of the election",
    hall_result_selection: "Result of the selection",
    hall_result_evaluation: "Result of the evaluation",
    hall_announced: "Announced",
    hall_voided: "This vote was voided and will be held again",
    hall_closed_meeting: "The meeting is closed",
    hall_waiting: "Deputies, please take your seats",
    hall_no_item: "The meeting will begin shortly",
    hall_votes: "{n}",
    hall_people: "{n}",
    hall_votes_label: "Votes",
  },
});

const meeting = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
let state = null;
let connection = "connecting";

function itemTitle(id) {
  const item = (state.items || []).find((i) => i.item === id);
  return item ? item.title : "";
}

/** The current agenda item when it is the constitution oath. */
function currentOath() {
  const item = (state.items || []).find((i) => i.item === state.current_item);
  return item && item.kind === "oath" ? item : null;
}

function render() {
  if (!state) return;
  $("#meeting-title").textContent = state.meeting?.title || "";
  // Only the demo's meetings have simulated scrutineers; the hall must see that it is a demo.
  $("#simulated").hidden = state.simulated_scrutineers !== true;
  renderSplitView($("#split-view-alarm"), state);
  const poll = state.poll;
  const itemId =
    poll && (poll.status === "open" || poll.item === state.current_item)
      ? poll.item
      : state.current_item;
  $("#item-title").textContent = itemId ? itemTitle(itemId) : t("hall_no_item");
  const stage = $("#stage");
  const attendance = $("#attendance");
  attendance.textContent = attendanceLine(state.attendance);
  attendance.className = `hall-attendance ${state.attendance.quorum_met ? "good" : "bad"}`;
  if (state.closed) {
    stage.className = "stage idle";
    fill(stage, h("p", { class: "big-note" }, t("hall_closed_meeting")));
    return;
  }
  if (poll && poll.status === "open") {
    stage.className = "stage voting";
    fill(stage, voting(poll));
  } else if (state.speaking && state.speaking.speaker) {
    stage.className = "stage speaking";
    fill(stage, speakerBlock(state.speaking));
  } else if (poll && poll.item === state.current_item && poll.status === "closed" && poll.result) {
    stage.className = `stage result kind-${poll.kind}`;
    fill(stage, result(poll));
    fitToStage(stage);
  } else if (poll && poll.item === state.current_item && poll.status === "voided") {
    stage.className = "stage idle";
    fill(stage, h("p", { class: "big-note" }, t("hall_voided")), attendanceBlock());
  } else if (currentOath() && !(poll && poll.item === state.current_item)) {
    stage.className = "stage oath";
    fill(stage, oathBlock(currentOath()));
  } else {
    stage.className = "stage idle";
    fill(stage, attendanceBlock());
  }
  renderConnection();
}

function attendanceBlock() {
  const a = state.attendance;
  return h(
    "div",
    { class: "attendance-block" },
    h(
      "dl",
      { class: "hall-numbers" },
      ...[
        ["electorate", a.electorate],
        ["present", a.present],
        ["leave", a.leave],
      ].map(([key, value]) =>
        h(
          "div",
          { class: `hall-number ${key}` },
          h("dt", {}, t(key)),
          h("dd", { "data-count": key }, String(value)),
        ),
      ),
    ),
    h("p", { class: `quorum-line ${a.quorum_met ? "good" : "bad"}` }, attendanceLine(a)),
  );
}

function voting(poll) {
  if (poll.mode === "manual") {
    return h(
      "div",
      { class: "voting-block" },
      h("p", { class: "voting-label" }, t("hall_voting"), " · ", t(`mode_${poll.mode}`)),
      h("p", { class: "big-note" }, t("hall_manual")),
    );
  }
  return h(
    "div",
    { class: "voting-block" },
    h(
      "p",
      { class: "voting-label" },
      h("span", { class: "pulse", "aria-hidden": "true" }),
      t("hall_voting"),
      " · ",
      t(`mode_${poll.mode}`),
    ),
    h(
      "p",
      { class: "live-count", id: "live-count" },
      t("cast_of_hall", { cast: poll.cast, present: poll.present }),
    ),
    h(
      "div",
      { class: "hall-progress", "aria-hidden": "true" },
      h("div", {
        class: "hall-progress-bar",
        css: { width: `${poll.present ? Math.min(100, (100 * poll.cast) / poll.present) : 0}%` },
      }),
    ),
    poll.closes_at
      ? h(
          "p",
          { class: "hall-countdown", id: "countdown", dataset: { closesAt: poll.closes_at } },
          countdown(poll.closes_at),
        )
      : null,
  );
}

function countdown(closesAt) {
  return t("time_left", { time: clock((Date.parse(closesAt) - serverNow()) / 1000) });
}

function bar(count, whole, tone) {
  const share = whole ? Math.min(100, (100 * count) / whole) : 0;
  return h(
    "div",
    { class: "bar-track" },
    h("div", { class: `bar-fill ${tone}`, css: { width: `${share}%` } }),
  );
}

function result(poll) {
  const l = lang();
  const r = poll.result;
  const def = poll.definition;
  const head = h(
    "p",
    { class: "result-head" },
    t(`hall_result_${r.kind}`),
    poll.announced ? h("span", { class: "announced" }, t("hall_announced")) : null,
  );
  const facts = h(
    "p",
    { class: "result-facts" },
    ballotsLine(l, r),
    " · ",
    requiredLine(l, def, r),
  );
  const big = headline(l, r);
  const verdict = big
    ? h("p", { class: `big-verdict ${big.tone}`, id: "verdict" }, big.text)
    : null;
  if (r.kind === "motion") {
    const whole = r.electorate;
    const rows = MOTION_MARKS.map((mark) => {
      const count = r.counts[mark];
      return h(
        "div",
        { class: `bar-row mark-${mark}` },
        h("span", { class: "bar-label" }, word(l, mark)),
        bar(count || 0, whole, mark),
        h(
          "span",
          { class: "bar-count" },
          count === null
            ? word(l, "none")
            : t(mark === "not_voted" ? "hall_people" : "hall_votes", { n: count }),
        ),
      );
    });
    return h(
      "div",
      { class: "result-wrap" },
      head,
      h("div", { class: "motion-result" }, h("div", { class: "bars" }, ...rows), verdict),
      facts,
    );
  }
  if (r.kind === "evaluation") {
    const all = levels(def);
    const rows = evaluationRows(l, def, r).map((row) =>
      h(
        "div",
        { class: "eval-row" },
        h("span", { class: "bar-label" }, row.label),
        h(
          "div",
          { class: "stack" },
          ...row.counts.map((count, i) =>
            h(
              "div",
              {
                class: `stack-part level-${i}`,
                css: { width: `${r.ballots.valid ? (100 * count) / r.ballots.valid : 0}%` },
              },
              count ? String(count) : "",
            ),
          ),
        ),
        h("span", { class: `eval-rating level-${all.indexOf(row.ratingLevel)}` }, row.rating),
      ),
    );
    const legend = h(
      "p",
      { class: "eval-legend" },
      ...all.map((level, i) => h("span", { class: `legend-part level-${i}` }, levelWord(l, level))),
    );
    return h(
      "div",
      { class: "result-wrap" },
      head,
      verdict,
      legend,
      h("div", { class: "eval-rows" }, ...rows),
      facts,
    );
  }
  const rows = seatRows(l, def, r).map((row) =>
    h(
      "div",
      {
        class: `seat-result${row.elected ? " elected" : ""}${row.runoff ? " runoff" : ""}`,
        dataset: { key: row.key },
      },
      h("span", { class: "bar-label" }, row.label),
      bar(row.votes.for, r.electorate, "for"),
      h(
        "span",
        { class: "bar-count" },
        h("span", { class: "count-label" }, t("hall_votes_label")),
        h("span", { class: "count-value" }, t("hall_votes", { n: row.votes.for })),
      ),
      row.marks.length > 1 && !row.writeIn
        ? h(
            "span",
            { class: "minor-counts" },
            [
              `${word(l, "against")} ${row.votes.against}`,
              `${word(l, "abstain")} ${row.votes.abstain}`,
            ].join(" · "),
          )
        : h("span", { class: "minor-counts" }),
      h("span", { class: "seat-verdict" }, row.elected ? "✓ " : "", row.text),
    ),
  );
  let lines = verdictItems(l, def, r).filter(
    (item) => !big || item.text !== word(l, `round_invalid_${r.kind}`),
  );
  const many = rows.length > 8;
  // With many rows (projects) each row already says 入选; the list of names would not fit.
  if (many && r.outcome?.elected?.length) lines = lines.slice(1);
  return h(
    "div",
    { class: "result-wrap" },
    head,
    verdict,
    h("div", { class: `seat-results count-${many ? "many" : "few"}` }, ...rows),
    h(
      "div",
      { class: "verdict-lines" },
      ...lines.map((item) => h("p", { class: item.tone, dataset: { tone: item.tone } }, item.text)),
    ),
    facts,
  );
}

/**
 * A result taller than the stage (a selection of 20 projects) is scaled down to fit between the
 * header and the footer, so that no line hides behind the footer.
 */
function fitToStage(stage) {
  const content = stage.firstElementChild;
  if (!content) return;
  content.style.removeProperty("transform");
  stage.classList.remove("scaled");
  const style = getComputedStyle(stage);
  const room =
    stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  const needed = content.scrollHeight;
  if (needed <= room || room <= 0) return;
  stage.classList.add("scaled");
  content.style.setProperty("transform", `scale(${room / needed})`);
}

function renderConnection() {
  const el = $("#conn");
  el.textContent = connection === "online" ? "" : t(connection);
}

function start() {
  setupLanguage();
  onLang(render);
  const token = pageToken();
  if (!token) {
    fill($("#stage"), h("p", { class: "big-note bad" }, t("no_token")));
    return;
  }
  const watcher = new Watcher(meeting, token, {
    onState: (next) => {
      state = next;
      render();
    },
    onStatus: (status) => {
      connection = status;
      renderConnection();
    },
    onRefused: () => fill($("#stage"), h("p", { class: "big-note bad" }, t("bad_token"))),
  });
  watcher.start();
  window.addEventListener("resize", () => {
    if ($("#stage").classList.contains("result")) fitToStage($("#stage"));
  });
  setInterval(() => {
    const el = document.getElementById("countdown");
    if (el && el.dataset.closesAt) el.textContent = countdown(el.dataset.closesAt);
    const speech = document.getElementById("speech-countdown");
    if (speech && speech.dataset.endsAt) speech.textContent = speechLeft(speech.dataset.endsAt);
  }, 250);
}

start();
