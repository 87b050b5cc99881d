// The public pages, without login: a meeting's notices (/public/{meeting}) and one notice
// (/public/{meeting}/notices/{n}) laid out as the A4 公告 sheet, with the reader's own check
// that the notice is in the meeting's log (notice-check.js).

import { ApiError, call } from "./api.js";
import { $, fill, h } from "/static/common/dom.js";
import { lang, onLang, register, setupLanguage, t } from "./i18n.js";
import { checkNotice } from "./notice-check.js";

register({
  zh: {
    notice_toolbar: "公告",
    print_button: "打印",
    notices_heading: "公告",
    no_notices: "尚无公告",
    notice_word: "公告",
    notice_number: "第{n}号",
    presidium: "大会主席团",
    kind_result: "表决结果",
    kind_projects: "入选项目",
    kind_proposals: "议案、建议办理情况",
    body_hash: "正文 SHA-256",
    cited_checkpoint: "所引签名检查点",
    tree_size: "树大小",
    root: "树根",
    signature: "签名",
    checkpoint_qr: "签名检查点二维码",
    checkpoint_note:
      "本公告记入会议审计日志，上列检查点由会议日志密钥签名。扫描二维码可取得检查点原文，用 congress verify 核对导出的日志。",
    checking: "正在核验本公告是否已记入会议日志…",
    verified: "已核验：本公告已记入会议日志（第{seq}条，检查点树大小 {size}）",
    failed: "核验未通过：{reason}",
    unknown: "没有这份公告",
    back: "全部公告",
  },
  en: {
    notice_toolbar: "Notice",
    print_button: "Print",
    notices_heading: "Public notices",
    no_notices: "No notices yet",
    notice_word: "Public notice",
    notice_number: "No. {n}",
    presidium: "The Presidium",
    kind_result: "Result",
    kind_projects: "Adopted projects",
    kind_proposals: "Proposals handled",
    body_hash: "SHA-256 of the notice",
    cited_checkpoint: "Signed checkpoint cited",
    tree_size: "Tree size",
    root: "Root",
    signature: "Signature",
    checkpoint_qr: "QR code of the signed checkpoint",
    checkpoint_note:
      "This notice is recorded in the meeting's audit log; the checkpoint above is signed " +
      "with the meeting's log key. Scan the QR code for its text and check an exported log " +
      "against it with congress verify.",
    checking: "Checking that this notice is in the meeting's log…",
    verified: "Verified: this notice is recorded in the meeting's log (entry {seq}, checkpoint size {size})",
    failed: "Verification failed: {reason}",
    unknown: "There is no such notice",
    back: "All notices",
  },
});

const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
const meeting = parts[1] || "";
const number = parts[2] === "notices" ? parts[3] : null;
const base = `/api/meetings/${encodeURIComponent(meeting)}/notices`;
let data = null;
let check = { state: "checking" };

/** 2026-03-01T01:02:03Z → 2026年3月1日 (the date in China). */
function dateOf(at) {
  const options = { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric" };
  return new Date(at).toLocaleDateString(lang() === "en" ? "en-GB" : "zh-CN", options);
}

/** The signature of a signed note, shortened: its last line's first 16 characters. */
function signatureShort(note) {
  const lines = note.trimEnd().split("\n");
  const last = lines[lines.length - 1].split(" ");
  return `${last[last.length - 1].slice(0, 16)}…`;
}

function checkLine() {
  if (check.state === "checking") return h("p", { class: "check", id: "notice-check" }, t("checking"));
  if (check.state === "verified") {
    return h(
      "p",
      { class: "check verified", id: "notice-check", role: "status" },
      t("verified", { seq: data.seq, size: check.size }),
    );
  }
  return h("p", { class: "check failed", id: "notice-check", role: "alert" }, t("failed", { reason: check.reason }));
}

function checkpointBlock() {
  const cp = data.checkpoint;
  if (!cp) return null;
  const lines = cp.note.split("\n");
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(cp.qr_svg)}`;
  return h(
    "section",
    { class: "log" },
    h(
      "div",
      { class: "checkpoint" },
      h(
        "dl",
        { class: "hashes" },
        h("dt", {}, t("body_hash")),
        h("dd", { id: "notice-sha256" }, data.sha256),
        h("dt", {}, t("cited_checkpoint")),
        h("dd", {}, `${t("tree_size")} ${cp.size} · ${t("root")} ${lines[2]}`),
        h("dt", {}, t("signature")),
        h("dd", {}, signatureShort(cp.note)),
      ),
      h("img", { class: "qr", id: "checkpoint-qr", src: qr, alt: t("checkpoint_qr") }),
    ),
    h("p", { class: "small" }, t("checkpoint_note")),
  );
}

function renderNotice() {
  document.title = `${data.title} · ${t("notice_word")}`;
  fill(
    $("#sheet"),
    h("p", { class: "meeting-line" }, data.meeting.title),
    h("h1", { class: "notice-word" }, t("notice_word")),
    h("p", { class: "notice-number" }, t("notice_number", { n: data.notice })),
    h("h2", { class: "notice-title", id: "notice-title" }, data.title),
    h("div", { class: "notice-text", id: "notice-text" }, data.text),
    h(
      "div",
      { class: "notice-sign" },
      h("p", {}, t("presidium")),
      h("p", { id: "notice-date" }, dateOf(data.at)),
    ),
    checkLine(),
    checkpointBlock(),
    h("p", { class: "no-print" }, h("a", { href: `/public/${encodeURIComponent(meeting)}` }, t("back"))),
  );
}

function renderList() {
  const items = data.notices.map((n) =>
    h(
      "li",
      {},
      h(
        "a",
        { href: `/public/${encodeURIComponent(meeting)}/notices/${n.notice}` },
        `${t("notice_number", { n: n.notice })} ${n.title}`,
      ),
      ` · ${t(`kind_${n.kind}`)} · ${dateOf(n.at)}`,
    ),
  );
  fill(
    $("#sheet"),
    h("p", { class: "meeting-line" }, data.meeting.title),
    h("h1", { class: "notice-word" }, t("notices_heading")),
    items.length ? h("ul", { class: "notice-list", id: "notice-list" }, ...items) : h("p", {}, t("no_notices")),
  );
}

function render() {
  if (data === null) return;
  if (number === null) renderList();
  else renderNotice();
}

async function start() {
  setupLanguage();
  $("#print-button").addEventListener("click", () => window.print());
  onLang(render);
  try {
    data = await call("GET", number === null ? base : `${base}/${encodeURIComponent(number)}`);
  } catch (error) {
    const message = error instanceof ApiError && error.status === 404 ? t("unknown") : error.message;
    fill($("#sheet"), h("p", { role: "alert" }, message));
    return;
  }
  render();
  if (number === null) return;
  try {
    const checkpoint = await checkNotice(meeting, data);
    check = { state: "verified", size: checkpoint.size };
  } catch (error) {
    check = { state: "failed", reason: error.message };
  }
  render();
}

start();
