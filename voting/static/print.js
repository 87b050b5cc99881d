// Printable sheets: one poll's result (?poll=pN) for the scrutineers to sign (an election's as
// the election result report), the certificates of a confirmed election (?poll=pN&sheet=
// certificates), or the minutes of the whole meeting; the result sheets and the minutes carry
// the newest signed checkpoint of the audit log and its QR code.

import { ApiError, call, pageToken } from "./api.js";
import { $, fill, h } from "/static/common/dom.js";
import { attendanceLine, lang, onLang, register, setupLanguage, t } from "./i18n.js";
import { certificates, confirmedAt, electionReport, isElection } from "./print-election.js";
import { oathLines } from "./print-oath.js";
import { projectsSheet } from "./print-projects.js";
import { resultBlock } from "./result-view.js";
import { word } from "/static/common/results.js";

register({
  zh: {
    print_toolbar: "打印",
    print_button: "打印",
    sheet_result: "表决结果单",
    sheet_minutes: "会议表决纪要",
    field_meeting: "会议",
    field_date: "日期",
    field_item: "议程",
    field_poll: "表决编号",
    field_mode: "表决方式",
    field_policy: "改票规则",
    field_status: "状态",
    field_attendance: "出席情况",
    field_printed: "打印时间",
    section_counts: "计票结果",
    section_agenda: "议程",
    section_polls: "表决情况",
    section_log: "审计日志",
    log_key: "日志公钥",
    checkpoint: "最新签名检查点",
    checkpoint_note:
      "检查点由会议审计日志密钥签名，涵盖打印时已写入的全部日志条目。扫描二维码可取得检查点原文，用 congress verify 核对导出的日志。",
    checkpoint_qr: "签名检查点二维码",
    no_checkpoint: "尚无签名检查点",
    signatures: "总监票人：＿＿＿＿ 监票人：＿＿＿＿ 计票人：＿＿＿＿",
    minutes_signatures: "主持人：＿＿＿＿ 记录人：＿＿＿＿",
    not_found: "没有表决 {poll}",
    not_closed: "表决 {poll} 尚未结束，没有结果可打印",
    voided: "该表决已作废，原因：{reason}",
    no_polls: "尚无表决",
    no_token: "缺少令牌：请从主持人控制台打开，或在地址中加入 #token=…",
    confirmed_by: "监票人确认：{names}",
    named_votes: "记名表决明细",
    announced_yes: "结果已宣布",
    announced_no: "结果尚未宣布",
  },
  en: {
    print_toolbar: "Print",
    print_button: "Print",
    sheet_result: "Result sheet",
    sheet_minutes: "Minutes of the votes",
    field_meeting: "Meeting",
    field_date: "Date",
    field_item: "Item",
    field_poll: "Poll",
    field_mode: "Mode",
    field_policy: "Changing a vote",
    field_status: "Status",
    field_attendance: "Attendance",
    field_printed: "Printed",
    section_counts: "Counts",
    section_agenda: "Agenda",
    section_polls: "Votes",
    section_log: "Audit log",
    log_key: "Log key",
    checkpoint: "Newest signed checkpoint",
    checkpoint_note:
      "The checkpoint is signed with the meeting's log key and covers every log entry written " +
      "when this sheet was printed. Scan the QR code for its text and check an exported log " +
      "against it with congress verify.",
    checkpoint_qr: "QR code of the signed checkpoint",
    no_checkpoint: "No checkpoint has been signed yet",
    signatures: "Chief scrutineer: ________ Scrutineer: ________ Teller: ________",
    minutes_signatures: "Chair: ________ Secretary: ________",
    not_found: "There is no poll {poll}",
    not_closed: "Poll {poll} is not closed: there is no result to print",
    voided: "This vote was voided. Reason: {reason}",
    no_polls: "No votes yet",
    no_token:
      "Token missing: open this page from the chair console, or add #token=… to the address",
    confirmed_by: "Confirmed by the scrutineers: {names}",
    named_votes: "Roll-call detail",
    announced_yes: "Result announced",
    announced_no: "Result not yet announced",
  },
});

const meeting = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const query = new URLSearchParams(location.search);
const wanted = query.get("poll");
const sheetKind = query.get("sheet");
let data = null;

function base(suffix = "") {
  return `/api/meetings/${encodeURIComponent(meeting)}${suffix}`;
}

async function load() {
  const token = pageToken();
  if (!token) throw new Error(t("no_token"));
  const [view, polls, note] = await Promise.all([
    call("GET", base(), { token }),
    call("GET", base("/polls"), { token }),
    call("GET", base("/log/checkpoint"), { text: true }).catch((error) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
  ]);
  const projects = sheetKind === "projects" ? await call("GET", base("/projects/report"), { token }) : null;
  const chosen = polls.polls.find((p) => p.poll === wanted);
  const confirmedAt = chosen && chosen.confirmation ? await confirmationTime(token, wanted) : null;
  return { view, polls: polls.polls, note, confirmedAt, projects, printed: new Date() };
}

/** When the presidium's confirmation of `poll` was logged: the `at` of its entry, if readable. */
async function confirmationTime(token, poll) {
  try {
    const lines = await call("GET", base("/log/entries"), { token, text: true });
    return confirmedAt(lines, poll);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}

function facts(rows) {
  return h(
    "dl",
    { class: "facts" },
    ...rows
      .filter(Boolean)
      .map(([label, value, wide]) =>
        h("div", { class: wide ? "fact wide" : "fact" }, h("dt", {}, label), h("dd", {}, value)),
      ),
  );
}

function itemTitle(id) {
  const item = (data.view.items || []).find((i) => i.item === id);
  return item ? item.title : id;
}

/** The tree size: the second line of a checkpoint note. */
function treeSize(note) {
  return note.split("\n")[1] || "";
}

function checkpointBlock() {
  const section = [h("h2", {}, t("checkpoint"))];
  if (!data.note) {
    section.push(h("p", {}, t("no_checkpoint")));
  } else {
    section.push(
      h(
        "div",
        { class: "checkpoint" },
        h("pre", { class: "note", id: "checkpoint-text" }, data.note),
        h("img", {
          class: "qr",
          id: "checkpoint-qr",
          // The size in the address keeps a cached image of an older checkpoint from showing.
          src: `${base("/log/checkpoint.svg")}?size=${encodeURIComponent(treeSize(data.note))}`,
          alt: t("checkpoint_qr"),
        }),
      ),
    );
    section.push(h("p", { class: "small" }, t("checkpoint_note")));
  }
  return h("section", { class: "log" }, ...section);
}

function namedVotes(poll) {
  if (poll.mode !== "named" || !poll.votes) return null;
  const l = lang();
  return h(
    "section",
    {},
    h("h2", {}, t("named_votes")),
    h(
      "ul",
      { class: "named" },
      ...Object.entries(poll.votes).map(([deputy, choice]) =>
        h(
          "li",
          {},
          `${deputy}：${typeof choice === "string" ? word(l, choice) : JSON.stringify(choice)}`,
        ),
      ),
    ),
  );
}

/** 「总监票人：＿＿＿＿ 监票人：＿＿＿＿ …」 with the blanks drawn long enough to sign on. */
function signatureLine(text) {
  const parts = text.split(/([＿_]+)/).filter(Boolean);
  return h(
    "p",
    { class: "signatures", id: "signatures" },
    ...parts.map((part) => (/^[＿_]+$/.test(part) ? h("span", { class: "blank" }, part) : part)),
  );
}

function printedLine() {
  const l = lang();
  return h(
    "p",
    { class: "small printed" },
    `${t("field_printed")}：${data.printed.toLocaleString(l === "en" ? "en-GB" : "zh-CN")}`,
  );
}

/** The poll as the console sees it: an election result held for the presidium included. */
function fullPoll(poll) {
  const seen = (data.view.polls || []).find((p) => p.poll === poll.poll);
  return seen && seen.result ? { ...poll, result: seen.result } : poll;
}

function pollSheet(poll) {
  if (sheetKind === "certificates") {
    document.title = `${t("certificate_title")} ${poll.poll} · ${data.view.meeting.title}`;
    return certificates(lang(), data, poll, itemTitle);
  }
  if (isElection(poll)) {
    document.title = `${t("sheet_election")} ${poll.poll} · ${data.view.meeting.title}`;
    return electionReport(lang(), data, fullPoll(poll), { facts, checkpointBlock, printedLine, itemTitle });
  }
  return resultSheet(poll);
}

function resultSheet(poll) {
  const l = lang();
  const sheet = [
    h("p", { class: "meeting-name" }, data.view.meeting.title),
    h("h1", {}, t("sheet_result")),
    facts([
      [t("field_item"), itemTitle(poll.item)],
      [t("field_poll"), poll.poll],
      [t("field_mode"), t(`mode_${poll.mode}`)],
      poll.mode === "manual" ? null : [t("field_policy"), t(`policy_${poll.change_policy}`)],
      [t("field_date"), data.view.meeting.date],
      [
        t("field_status"),
        poll.status === "voided"
          ? t("poll_voided")
          : t(poll.announced ? "announced_yes" : "announced_no"),
      ],
    ]),
  ];
  if (poll.status === "voided") {
    sheet.push(
      h("p", { class: "verdict-line bad" }, t("voided", { reason: poll.void_reason || "" })),
    );
  } else if (poll.status !== "closed" || !poll.result) {
    sheet.push(h("p", { class: "verdict-line bad" }, t("not_closed", { poll: poll.poll })));
  } else {
    sheet.push(
      h(
        "section",
        {},
        h("h2", {}, t("section_counts")),
        resultBlock(l, poll.definition, poll.result),
      ),
    );
    if (poll.confirmed_by)
      sheet.push(h("p", {}, t("confirmed_by", { names: poll.confirmed_by.join("、") })));
    sheet.push(namedVotes(poll));
  }
  sheet.push(checkpointBlock());
  sheet.push(signatureLine(t("signatures")));
  sheet.push(printedLine());
  return sheet;
}

function minutes() {
  const l = lang();
  const v = data.view;
  const pollBlocks = data.polls.map((poll) => {
    const heading = h(
      "h3",
      {},
      `${poll.poll} · ${itemTitle(poll.item)}（${t(`mode_${poll.mode}`)}）`,
    );
    if (poll.status === "voided") {
      return h(
        "article",
        { class: "poll" },
        heading,
        h("p", { class: "verdict-line bad" }, t("voided", { reason: poll.void_reason || "" })),
      );
    }
    if (poll.status !== "closed" || !poll.result) {
      return h("article", { class: "poll" }, heading, h("p", {}, t("poll_open")));
    }
    return h(
      "article",
      { class: "poll" },
      heading,
      resultBlock(l, poll.definition, poll.result),
      poll.confirmed_by
        ? h("p", {}, t("confirmed_by", { names: poll.confirmed_by.join("、") }))
        : null,
    );
  });
  return [
    h("p", { class: "meeting-name" }, v.meeting.title),
    h("h1", {}, t("sheet_minutes")),
    facts([
      [t("field_date"), v.meeting.date],
      [t("field_attendance"), attendanceLine(v.attendance), true],
    ]),
    h(
      "section",
      {},
      h("h2", {}, t("section_agenda")),
      h(
        "ol",
        { class: "agenda" },
        ...(v.items || []).map((item) =>
          h("li", {}, `${item.title}（${t(`status_${item.status}`)}）`, ...oathLines(item)),
        ),
      ),
    ),
    h(
      "section",
      {},
      h("h2", {}, t("section_polls")),
      pollBlocks.length ? pollBlocks : h("p", {}, t("no_polls")),
    ),
    h(
      "section",
      { class: "log" },
      h("h2", {}, t("section_log")),
      facts([[t("log_key"), h("code", { id: "log-key" }, v.log_key || ""), true]]),
    ),
    checkpointBlock(),
    signatureLine(t("minutes_signatures")),
    printedLine(),
  ];
}

function render() {
  const sheet = $("#sheet");
  if (!data) return;
  sheet.classList.toggle("projects", Boolean(data.projects));
  if (data.projects) {
    document.title = `${t("sheet_projects")} · ${data.view.meeting.title}`;
    fill(sheet, ...projectsSheet(data.projects, data.view), printedLine());
  } else if (wanted) {
    const poll = data.polls.find((p) => p.poll === wanted);
    document.title = `${t("sheet_result")} ${wanted} · ${data.view.meeting.title}`;
    sheet.classList.toggle("certificates", sheetKind === "certificates");
    fill(
      sheet,
      ...(poll
        ? pollSheet(poll)
        : [h("p", { class: "verdict-line bad" }, t("not_found", { poll: wanted }))]),
    );
  } else {
    document.title = `${t("sheet_minutes")} · ${data.view.meeting.title}`;
    fill(sheet, ...minutes());
  }
  sheet.dataset.ready = "true";
}

async function start() {
  setupLanguage();
  onLang(render);
  $("#print-button").addEventListener("click", () => window.print());
  try {
    data = await load();
    render();
  } catch (error) {
    fill(
      $("#sheet"),
      h(
        "p",
        { class: "verdict-line bad", role: "alert" },
        error instanceof ApiError ? error.text : String(error.message || error),
      ),
    );
  }
}

start();
