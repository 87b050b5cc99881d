// The words the console, the display and the print sheets share, and the language switch, on the
// language core of common/i18n.js. Result words come from common/results.js.
//
// The language is taken from ?lang=en|zh in the address, else the last choice on this browser.
// Static text in the HTML carries data-i18n="key" (text), data-i18n-aria="key" (aria-label),
// data-i18n-placeholder="key" or data-i18n-title="key"; pages re-render their dynamic parts
// from onLang().

import { createI18n } from "/static/common/i18n.js";

const STORE = "congress-lang";

const WORDS = {
  zh: {
    switch_to: "English",
    switch_label: "切换为英文界面",
    attendance_line: "本次大会应到代表{electorate}名，实到{present}名，请假{leave}名，{quorum}",
    quorum_met: "符合法定人数",
    quorum_not_met: "不足法定人数",
    electorate: "应到",
    present: "实到",
    leave: "请假",
    absent: "缺席",
    persons: "{n}名",
    status_draft: "未审议",
    status_current: "当前",
    status_voting: "表决中",
    status_closed: "已结束",
    status_announced: "已宣布",
    status_withdrawn: "已撤回",
    kind_report: "报告",
    kind_motion: "表决",
    kind_election: "选举",
    kind_selection: "票决",
    kind_evaluation: "测评",
    kind_oath: "宣誓",
    mode_encrypted: "无记名投票（加密）",
    mode_named: "记名表决",
    mode_manual: "举手或纸质表决（手工录入）",
    policy_last: "表决结束前可改票，以最后一次为准",
    policy_first: "首次按键有效，不能改票",
    poll_open: "进行中",
    poll_closed: "已结束",
    poll_voided: "已作废",
    cast_of: "已投票 {cast} 人 / 应投 {present} 人",
    cast_of_hall: "已投票 {cast} 人 / 实到 {present} 人",
    time_left: "剩余时间 {time}",
    connecting: "正在连接…",
    online: "已连接",
    reconnecting: "连接中断，正在重连…",
    refused: "连接被拒绝，请重新登录",
    loading: "正在加载…",
  },
  en: {
    switch_to: "中文",
    switch_label: "Switch to Chinese",
    attendance_line:
      "Deputies seated {electorate}, present {present}, on leave {leave}: {quorum}",
    quorum_met: "quorum met",
    quorum_not_met: "no quorum",
    electorate: "Seated",
    present: "Present",
    leave: "On leave",
    absent: "Absent",
    persons: "{n}",
    status_draft: "Not yet taken up",
    status_current: "Current",
    status_voting: "Voting",
    status_closed: "Closed",
    status_announced: "Announced",
    status_withdrawn: "Withdrawn",
    kind_report: "Report",
    kind_motion: "Motion",
    kind_election: "Election",
    kind_selection: "Selection",
    kind_evaluation: "Evaluation",
    kind_oath: "Oath",
    mode_encrypted: "Secret ballot (encrypted)",
    mode_named: "Roll-call vote",
    mode_manual: "Show of hands or paper (entered by hand)",
    policy_last: "Votes may be changed until the close; the last press counts",
    policy_first: "The first press is final",
    poll_open: "Open",
    poll_closed: "Closed",
    poll_voided: "Void",
    cast_of: "Voted {cast} / eligible {present}",
    cast_of_hall: "Voted {cast} of {present} present",
    time_left: "Time left {time}",
    connecting: "Connecting…",
    online: "Connected",
    reconnecting: "Connection lost, reconnecting…",
    refused: "Connection refused, please log in again",
    loading: "Loading…",
  },
};

const words = createI18n(WORDS, { storageKey: STORE, fromQuery: true });

export const { lang, t, register, onLang, setLang } = words;

// On a switch the static text is translated first, then the page re-renders (its onLang).
onLang(() => applyStatic());

/** Translate the static text of `root` (see the data-i18n attributes above). */
export function applyStatic(root = document) {
  const current = lang();
  document.documentElement.lang = current === "en" ? "en" : "zh-CN";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAria));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) {
    el.setAttribute("title", t(el.dataset.i18nTitle));
  }
  for (const el of root.querySelectorAll("[data-lang-switch]")) {
    el.textContent = t("switch_to");
    el.setAttribute("lang", current === "en" ? "zh-CN" : "en");
    el.setAttribute("title", t("switch_label"));
  }
}

/** Wire every [data-lang-switch] button and translate the page once. */
export function setupLanguage() {
  for (const el of document.querySelectorAll("[data-lang-switch]")) {
    el.addEventListener("click", () => setLang(lang() === "en" ? "zh" : "en"));
  }
  applyStatic();
}

/** 「本次大会应出席代表54名，实到50名，请假4名，符合法定人数」 */
export function attendanceLine(attendance) {
  return t("attendance_line", {
    electorate: attendance.electorate,
    present: attendance.present,
    leave: attendance.leave,
    quorum: t(attendance.quorum_met ? "quorum_met" : "quorum_not_met"),
  });
}
