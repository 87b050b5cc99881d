// Every visible text of the station's own page, in Chinese (the default) and English, on the
// language core of common/i18n.js (served by the station itself, never by the meeting server).

import { createI18n } from "../common/i18n.js";

const TEXTS = {
  zh: {
    title: "监票终端",
    "lang.switch": "English",
    "lang.code": "zh-CN",
    unreachable: "本页面连接不上监票终端：终端已停止或已退出",

    "identity.title": "本终端",
    "identity.meeting": "会议",
    "identity.deputy": "监票人",
    "identity.station": "终端编号",
    "identity.share": "份额",
    "identity.shareOf": "第 {j} 份，共 {n} 份；解密需要 {t} 份",
    "identity.noShare": "尚未参加密钥仪式",

    "ceremony.title": "密钥仪式",
    "ceremony.none": "等待主持人开始密钥仪式",
    "ceremony.run": "仪式 {run}：{phase}",
    "phase.announcements": "第 1 轮：公告",
    "phase.shares": "第 2 轮：分发份额",
    "phase.acceptances": "第 3 轮：核对份额",
    "phase.verification-keys": "第 4 轮：验证密钥",
    "phase.test-decryption": "第 5 轮：试解密",
    "phase.complete": "密钥已生成",
    "phase.failed": "本次仪式失败，等待主持人重新开始",
    "ceremony.waiting": "正在等待：{who}",
    "ceremony.waitingNone": "本轮消息已齐",
    "ceremony.who": "监票人 {index}（{deputy}）",
    "ceremony.fault": "过错：监票人 {index}（{deputy}）{code}：{reason}",
    "ceremony.key": "密钥编号 {prefix}…",

    "card.title": "备份卡（只显示一次）",
    "card.note":
      "请抄写或用本机连接的打印机打印，装入信封密封保存。不要拍照，不要用网络打印。",
    "card.print": "打印备份卡",
    "card.done": "已抄写或打印，不再显示",

    "offers.title": "待解密的表决",
    "offers.none": "暂无需要解密的表决",
    "offer.heading": "表决 {poll}：{title}",
    "offer.kind": "类型：{kind}",
    "offer.counted": "计入 {counted} 张选票",
    "offer.small": "注意：计入的选票少于 {n} 张，公布的合计可能暴露个人的选择。",
    "offer.checks": "本终端已完成的检查：",
    "offer.confirm": "确认解密",
    "offer.decline": "暂不解密",
    "offer.sending": "正在提交…",
    "kind.motion": "表决事项",
    "kind.election": "选举",
    "kind.selection": "项目票决",
    "kind.evaluation": "满意度测评",

    "done.title": "已处理的表决",
    "done.decrypted": "表决 {poll}（{title}）：已提交解密份额（{counted} 张选票）",
    "done.declined": "表决 {poll}（{title}）：未解密（未确认）",
    "done.totals": "解密合计：{totals}",

    "liveness.title": "在线确认",
    "liveness.answered": "已回答表决 {poll} 的在线确认",
    "liveness.none": "暂无",

    "errors.title": "错误",
    "errors.line": "{words}（{code}）",
  },
  en: {
    title: "Scrutineer station",
    "lang.switch": "中文",
    "lang.code": "en",
    unreachable: "This page cannot reach the station: it has stopped or exited",

    "identity.title": "This station",
    "identity.meeting": "Meeting",
    "identity.deputy": "Scrutineer",
    "identity.station": "Station",
    "identity.share": "Share",
    "identity.shareOf": "share {j} of {n}; {t} are needed to decrypt",
    "identity.noShare": "not yet in a key ceremony",

    "ceremony.title": "Key ceremony",
    "ceremony.none": "waiting for the chair to start the key ceremony",
    "ceremony.run": "ceremony {run}: {phase}",
    "phase.announcements": "round 1: announcements",
    "phase.shares": "round 2: sealed shares",
    "phase.acceptances": "round 3: checking shares",
    "phase.verification-keys": "round 4: verification keys",
    "phase.test-decryption": "round 5: test decryption",
    "phase.complete": "the key is complete",
    "phase.failed": "this run failed; waiting for a new run",
    "ceremony.waiting": "waiting for: {who}",
    "ceremony.waitingNone": "this round's messages are all in",
    "ceremony.who": "scrutineer {index} ({deputy})",
    "ceremony.fault": "fault: scrutineer {index} ({deputy}) {code}: {reason}",
    "ceremony.key": "key id {prefix}…",

    "card.title": "Backup card (shown once)",
    "card.note":
      "Copy it by hand or print it on a printer attached to this laptop, and seal it in an " +
      "envelope. No photos, no network printing.",
    "card.print": "Print the backup card",
    "card.done": "Copied or printed: hide it",

    "offers.title": "Polls to decrypt",
    "offers.none": "no poll waits for decryption",
    "offer.heading": "Poll {poll}: {title}",
    "offer.kind": "kind: {kind}",
    "offer.counted": "{counted} ballots counted",
    "offer.small":
      "Warning: fewer than {n} ballots; the totals may reveal how people voted.",
    "offer.checks": "Checks this station passed:",
    "offer.confirm": "Confirm decryption",
    "offer.decline": "Not now",
    "offer.sending": "Sending…",
    "kind.motion": "motion",
    "kind.election": "election",
    "kind.selection": "selection",
    "kind.evaluation": "evaluation",

    "done.title": "Polls handled",
    "done.decrypted": "poll {poll} ({title}): decryption shares posted ({counted} ballots)",
    "done.declined": "poll {poll} ({title}): not decrypted (not confirmed)",
    "done.totals": "decrypted totals: {totals}",

    "liveness.title": "Liveness",
    "liveness.answered": "answered the liveness challenge of poll {poll}",
    "liveness.none": "none yet",

    "errors.title": "Errors",
    "errors.line": "{words} ({code})",
  },
};

export const i18n = createI18n(TEXTS, {
  storageKey: "congress-station-lang",
  fromQuery: true,
  strict: true,
});
