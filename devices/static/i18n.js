// Every visible text of the tablet page, in Chinese (the default) and English, on the language
// core of common/i18n.js. The words of a result come from common/results.js instead.

import { createI18n } from "/static/common/i18n.js";
import { WORDS } from "/static/common/words.js";

const TEXTS = {
  zh: {
    "app.title": "代表表决器",
    "lang.switch": "English",
    "lang.switchLabel": "Switch to English",
    "lang.code": "zh-CN",

    "unpaired.title": "本平板尚未配对，请工作人员扫描配对卡",
    "unpaired.detail": "配对后，本平板只用于一位代表在本次会议中签到和表决。",
    "pairing.progress": "正在配对，请稍候…",
    "pairing.failed": "配对失败",
    "pairing.error.bad-pairing-code": "配对码无效，请工作人员重新生成配对卡",
    "pairing.error.pairing-code-used": "配对码已使用，请工作人员重新生成配对卡",
    "pairing.error.pairing-code-expired": "配对码已过期，请工作人员重新生成配对卡",
    "pairing.error.device-active": "该代表已有配对的平板，请工作人员先注销原平板再重新配对",
    "pairing.error.network": "无法连接会议服务器，请检查网络后重试",
    "pairing.error.crypto": "本平板的浏览器不支持所需的加密功能，请更换平板",
    "pairing.error.storage": "本平板无法保存配对信息，请工作人员检查浏览器设置",
    "pairing.retry": "重试",
    "pairing.keep": "继续使用本平板原有的配对",
    "choose.title": "请选择本页面的代表",
    "choose.detail":
      "本浏览器中配对了多位代表。每个标签页只用于一位代表；正式会议请每台平板使用一个独立的浏览器。",
    "choose.deputy": "代表编号 {deputy}",
    "revoked.title": "本平板已被注销或尚未配对",
    "revoked.detail": "请工作人员扫描新的配对卡重新配对。",
    "refused.title": "无法进入会议",

    "header.deputy": "代表：{name}",
    "header.seat": "座位：{seat}",
    "header.attendance": "应到 {electorate} 名，实到 {present} 名",
    "status.signedIn": "已签到",
    "status.notSignedIn": "未签到",
    "status.suspended": "职务暂停",
    "status.ended": "资格终止",
    offline: "网络已断开，正在重新连接…",
    connecting: "正在连接会议服务器…",

    "signin.prompt": "请点击下方按钮签到",
    "signin.button": "签到",
    "signin.sending": "正在签到…",
    "signin.note": "只有签到的代表才能参加表决。",

    "wait.agenda": "请等待主持人宣布议程",
    "wait.poll": "请等待主持人开始表决",
    "item.current": "当前议程",
    "item.noVote": "本项不需要表决",
    "meeting.closed": "本次会议已闭会，谢谢！",
    "deputy.suspended": "您的代表职务已暂停，不能参加表决",
    "deputy.ended": "您的代表资格已终止，不能参加表决",

    "kind.report": "报告",
    "kind.motion": "表决事项",
    "kind.election": "选举",
    "kind.selection": "项目票决",
    "kind.evaluation": "满意度测评",
    "kind.oath": "宪法宣誓",
    "mode.named": "记名表决",
    "mode.manual": "举手或纸质表决",
    "manual.info": "本项采用举手或纸质投票，请按主持人的指示进行。",
    "policy.last": "本次表决以最后一次提交为准，表决结束前可以修改",
    "policy.first": "提交后不能修改",
    countdown: "剩余时间 {time}",

    "motion.prompt": "请选择您的意见：",
    "motion.confirm": "您选择了：{choice}。确认提交吗？",
    confirm: "确认",
    back: "返回",
    "review.title": "请核对您的选择",
    "review.submit": "确认提交",
    "review.back": "返回修改",
    "ballot.check": "检查并提交",
    "ballot.fix": "请先改正：",

    sending: "正在提交…",
    savedOffline: "您的选择已保存，网络恢复后将自动提交",
    submitted: "已提交，等待表决结束",
    change: "修改我的选择",
    changing: "正在修改您的选择。未确认提交前，原来的选择仍然有效。",
    cancelChange: "不修改了",
    notTakenPart: "您未参加本次表决",
    closed: "表决已结束",
    voided: "本次表决已宣布无效，将重新表决",
    "named.recorded": "您的表决已记录（记名表决）",
    "ack.invalid": "服务器对您选票的签名确认无效，请联系监票人",
    "mode.encrypted": "无记名投票（加密）",
    "encrypted.proving": "正在加密选票…",
    "encrypted.before": "您的选票已加密。选票跟踪码：",
    "encrypted.note": "请记下跟踪码，表决结束后可在公开的日志中查到它。",
    "encrypted.confirm": "确认投票",
    "encrypted.after": "您的选票跟踪码",

    "election.rule":
      "对每位候选人可以选择赞成、反对或弃权，不选的按弃权计。对候选人投反对票后，可以另选他人。",
    "election.ruleNoWriteIns": "对每位候选人可以选择赞成、反对或弃权，不选的按弃权计。",
    "election.counter": "已选 {k} / 应选 {n}",
    "election.full":
      "已选满 {n} 人，不能再选。如需改选，请先把一位候选人的“赞成”改为“反对”或“弃权”，或删除另选的人。",
    "election.writeIn": "另选他人",
    "election.writeInLabel": "另选他人（代替{name}）",
    "election.over": "已选 {k} 人，超过应选的 {n} 人，请减少",
    "mark.label": "{name}：{mark}",
    "election.writeInHint": "先对该候选人投反对票，才能另选他人",
    "election.writeInFull": "已选满 {n} 人，不能再另选",
    "election.writeInListed": "“{name}”是本票上的候选人，不能另选",
    "election.writeInDuplicate": "“{name}”写了不止一次",
    "election.writeInItem": "另选：{name}（代替{instead}）",
    unmarked: "未选（按弃权计）",

    "selection.rule": "请勾选您赞成的项目，最多 {n} 项。",
    "selection.ruleEach": "对每个项目可以选择赞成、反对或弃权，不选的按弃权计。",
    "selection.counter": "已选 {k} / 可选 {n}",
    "selection.full": "已选满 {n} 项，不能再选。如需改选，请先取消一项。",
    "selection.budget": "预算 {amount} 万元",
    "selection.unit": "责任单位：{unit}",
    "selection.none": "未选择任何项目",
    "selection.chosen": "共选择 {k} 项：",

    "evaluation.rule": "请对每个单位选择：满意、基本满意或不满意。",
    "evaluation.progress": "已评价 {k} / {n}",
    "evaluation.unrated": "未评价（本项不计入）",
    "evaluation.subject": "测评对象",
    "level.satisfied": "满意",
    "level.basically_satisfied": "基本满意",
    "level.dissatisfied": "不满意",

    "result.title": "表决结果",
    "result.pending": "表决已结束，正在等待结果",
    "result.perCandidate": "各候选人得票",
    "result.perProject": "各项目得票",
    "result.perSubject": "各单位测评票数",

    "inclusion.checking": "正在核对您的选票是否已记入公开日志…",
    "inclusion.detail":
      "本平板已自行核对：您的加密选票是公开日志中序号为 {seq} 的记录，签名检查点（覆盖 {size} 条记录）和包含证明均有效，内容与本平板发出的一致。",
    "inclusion.reason": "原因：{reason}",
    "inclusion.retry": "重新核对",
    "inclusion.ok": "已核对：您的选票已记入公开日志",
    "inclusion.failed": "警告：无法核对您的加密选票已记入公开日志，请联系监票人",
    "reason.not-found": "公开日志中找不到您的选票跟踪码",
    "reason.mismatch": "审计日志中的选票与您提交的不一致",
    "reason.signature": "检查点的签名无效",
    "reason.log-key": "日志公钥与配对时记录的不同",
    "reason.no-log-key": "本平板没有记录日志公钥",
    "reason.proof": "包含证明校验失败",
    "reason.not-covered": "签名检查点尚未包含您的选票",
    "reason.network": "无法连接会议服务器",
    "reason.no-ed25519": "本平板的浏览器不支持 Ed25519 签名验证",
    "reason.malformed": "服务器返回的数据格式有误",

    "error.title": "操作未成功",
    "error.dismiss": "知道了",

    "speak.request": "申请发言",
    "speak.withdraw": "撤回申请",
    "speak.sending": "正在发送…",
    "speak.position": "您已申请发言，排在第 {position} 位",
    "speak.floor": "请您发言（限时 {minutes} 分钟）",
    "speak.speaker": "正在发言：{name}",
  },
  en: {
    "app.title": "Deputy voting tablet",
    "lang.switch": "中文",
    "lang.switchLabel": "切换到中文",
    "lang.code": "en",

    "unpaired.title":
      "This tablet is not paired yet. Please ask the staff to scan the pairing card.",
    "unpaired.detail":
      "Once paired, this tablet serves one deputy for signing in and voting at this meeting.",
    "pairing.progress": "Pairing, please wait…",
    "pairing.failed": "Pairing failed",
    "pairing.error.bad-pairing-code":
      "The pairing code is not valid. Please ask the staff for a new pairing card.",
    "pairing.error.pairing-code-used":
      "This pairing code has already been used. Please ask the staff for a new pairing card.",
    "pairing.error.pairing-code-expired":
      "This pairing code has expired. Please ask the staff for a new pairing card.",
    "pairing.error.device-active":
      "This deputy already has a paired tablet. Please ask the staff to revoke it before pairing again.",
    "pairing.error.network": "Cannot reach the meeting server. Check the network and try again.",
    "pairing.error.crypto":
      "This tablet's browser lacks the cryptography needed. Please use another tablet.",
    "pairing.error.storage":
      "This tablet cannot store its pairing. Please ask the staff to check the browser settings.",
    "pairing.retry": "Try again",
    "pairing.keep": "Keep this tablet's existing pairing",
    "choose.title": "Choose the deputy of this page",
    "choose.detail":
      "Several deputies were paired in this browser. Each tab serves one deputy; at a real meeting use one browser per tablet.",
    "choose.deputy": "Deputy {deputy}",
    "revoked.title": "This tablet has been revoked or is not paired",
    "revoked.detail": "Please ask the staff to scan a new pairing card.",
    "refused.title": "Cannot join the meeting",

    "header.deputy": "Deputy: {name}",
    "header.seat": "Seat: {seat}",
    "header.attendance": "Expected {electorate}, present {present}",
    "status.signedIn": "Signed in",
    "status.notSignedIn": "Not signed in",
    "status.suspended": "Suspended",
    "status.ended": "Seat ended",
    offline: "Network disconnected. Reconnecting…",
    connecting: "Connecting to the meeting server…",

    "signin.prompt": "Please press the button below to sign in",
    "signin.button": "Sign in",
    "signin.sending": "Signing in…",
    "signin.note": "Only deputies who have signed in can vote.",

    "wait.agenda": "Please wait for the chair to announce the agenda item",
    "wait.poll": "Please wait for the chair to open the vote",
    "item.current": "Current agenda item",
    "item.noVote": "There is no vote on this item",
    "meeting.closed": "The meeting is closed. Thank you!",
    "deputy.suspended": "Your duties as a deputy are suspended; you cannot vote",
    "deputy.ended": "Your seat has ended; you cannot vote",

    "kind.report": "Report",
    "kind.motion": "Motion",
    "kind.election": "Election",
    "kind.selection": "Project selection",
    "kind.evaluation": "Satisfaction evaluation",
    "kind.oath": "Constitutional oath",
    "mode.named": "Named vote",
    "mode.manual": "Show of hands or paper ballot",
    "manual.info":
      "This vote is by show of hands or on paper. Please follow the chair's instructions.",
    "policy.last": "Your last submission counts; you can change it until the vote closes",
    "policy.first": "Once submitted, your choice cannot be changed",
    countdown: "Time left {time}",

    "motion.prompt": "Please choose:",
    "motion.confirm": "You chose: {choice}. Submit it?",
    confirm: "Confirm",
    back: "Back",
    "review.title": "Please check your choices",
    "review.submit": "Submit",
    "review.back": "Go back and change",
    "ballot.check": "Review and submit",
    "ballot.fix": "Please correct first:",

    sending: "Submitting…",
    savedOffline: "Your choice is saved and will be submitted when the network is back",
    submitted: "Submitted. Waiting for the vote to close",
    change: "Change my choice",
    changing: "You are changing your choice. Until you submit, your earlier choice stands.",
    cancelChange: "Keep my earlier choice",
    notTakenPart: "You did not take part in this vote",
    closed: "The vote is closed",
    voided: "This vote was declared void and will be held again",
    "named.recorded": "Your vote has been recorded (named vote)",
    "ack.invalid":
      "The server's signed acknowledgement of your ballot is not valid. Please contact a scrutineer.",
    "mode.encrypted": "Secret ballot (encrypted)",
    "encrypted.proving": "Encrypting your ballot…",
    "encrypted.before": "Your ballot is encrypted. Tracking code:",
    "encrypted.note": "Note the tracking code: after the close you can find it in the public log.",
    "encrypted.confirm": "Cast my ballot",
    "encrypted.after": "Your ballot's tracking code",

    "election.rule":
      "For each candidate choose For, Against or Abstain; unmarked counts as Abstain. After voting Against a candidate you may write in another person.",
    "election.ruleNoWriteIns":
      "For each candidate choose For, Against or Abstain; unmarked counts as Abstain.",
    "election.counter": "Chosen {k} of {n}",
    "election.full":
      "You have chosen {n}, the number of seats. To choose someone else, first change a “For” to “Against” or “Abstain”, or remove a written-in name.",
    "election.writeIn": "Write-in",
    "election.writeInLabel": "Write-in (instead of {name})",
    "election.over": "{k} chosen, more than the {n} seats: please choose fewer",
    "mark.label": "{name}: {mark}",
    "election.writeInHint": "Vote Against first to write someone in",
    "election.writeInFull": "{n} already chosen: no more write-ins",
    "election.writeInListed": "“{name}” is a candidate on this ballot and cannot be written in",
    "election.writeInDuplicate": "“{name}” is written in more than once",
    "election.writeInItem": "Written in: {name} (instead of {instead})",
    unmarked: "Not marked (counts as Abstain)",

    "selection.rule": "Tick the projects you support, at most {n}.",
    "selection.ruleEach":
      "For each project choose For, Against or Abstain; unmarked counts as Abstain.",
    "selection.counter": "Chosen {k} of {n}",
    "selection.full":
      "You have chosen {n} projects, the maximum. To choose another, first untick one.",
    "selection.budget": "Budget: {amount} × 10,000 yuan",
    "selection.unit": "Responsible unit: {unit}",
    "selection.none": "No project chosen",
    "selection.chosen": "{k} projects chosen:",

    "evaluation.rule": "For each office choose Satisfied, Basically satisfied or Dissatisfied.",
    "evaluation.progress": "Rated {k} of {n}",
    "evaluation.unrated": "Not rated (not counted)",
    "evaluation.subject": "Subject",
    "level.satisfied": "Satisfied",
    "level.basically_satisfied": "Basically satisfied",
    "level.dissatisfied": "Dissatisfied",

    "result.title": "Result",
    "result.pending": "The vote is closed; waiting for the result",
    "result.perCandidate": "Votes per candidate",
    "result.perProject": "Votes per project",
    "result.perSubject": "Ratings per office",

    "inclusion.checking": "Checking that your ballot is in the public log…",
    "inclusion.detail":
      "This tablet checked it itself: your encrypted ballot is the public log entry with sequence number {seq}; the signed checkpoint (covering {size} entries) and the inclusion proof are valid, and the entry is the ballot this tablet sent.",
    "inclusion.reason": "Reason: {reason}",
    "inclusion.retry": "Check again",
    "inclusion.ok": "Checked: your ballot is in the public log",
    "inclusion.failed":
      "Warning: your encrypted ballot could not be found in the public log. Please contact a scrutineer.",
    "reason.not-found": "your tracking code is not in the public log",
    "reason.mismatch": "the ballot in the audit log differs from the one you submitted",
    "reason.signature": "the checkpoint's signature is not valid",
    "reason.log-key": "the log key differs from the one recorded at pairing",
    "reason.no-log-key": "this tablet has no log key on record",
    "reason.proof": "the inclusion proof does not verify",
    "reason.not-covered": "the signed checkpoint does not cover your ballot yet",
    "reason.network": "cannot reach the meeting server",
    "reason.no-ed25519": "this tablet's browser cannot verify Ed25519 signatures",
    "reason.malformed": "the server's answer is malformed",

    "error.title": "That did not work",
    "error.dismiss": "OK",

    "speak.request": "Ask to speak",
    "speak.withdraw": "Withdraw the request",
    "speak.sending": "Sending…",
    "speak.position": "You asked to speak: number {position} in the queue",
    "speak.floor": "You have the floor ({minutes} min)",
    "speak.speaker": "Speaking: {name}",
  },
};

// The marks of a ballot are the words of the result table (ballots/words.py).
for (const code of ["zh", "en"]) {
  for (const mark of ["for", "against", "abstain"]) TEXTS[code][`choice.${mark}`] = WORDS[code][mark];
}

const i18n = createI18n(TEXTS, { storageKey: "congress-vote-lang", strict: true });

/** The tablet's words: `t(key)` throws for a key it does not know (see `has`). */
export const { lang, setLang, t, has } = i18n;
