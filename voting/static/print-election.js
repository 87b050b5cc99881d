// Election paper: the result report (选举结果报告单) of an election poll, and the certificates
// (当选证书) of those a confirmed election elected, one A4 page each.

import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";
import { resultBlock } from "./result-view.js";
import { labels, word } from "/static/common/results.js";

register({
  zh: {
    sheet_election: "选举结果报告单",
    field_office: "选举事项",
    field_round: "选举轮次",
    field_seats: "应选名额",
    seats_count: "{seats} 名",
    section_confirmation: "主席团确认",
    awaiting_confirmation: "待主席团确认",
    confirmed_status: "已经主席团确认",
    confirmed_when: "确认时间：{when}",
    confirmed_presidium: "作出决定的主席团成员：{names}",
    election_signatures_scrutineers: "总监票人：{chief} 监票人：{scrutineers} 计票人：{tellers}",
    election_signatures_presidium: "主席团：{presidium}",
    beijing_time: "{time}（北京时间）",
    certificate_title: "当选证书",
    certificate_to: "{name}：",
    certificate_body: "在{meeting}上，经选举，当选为{office}。",
    certificate_votes: "得赞成票 {count} 票。",
    certificate_seal: "{meeting}主席团（盖章）",
    certificate_date: "{date}",
    certificates_refused:
      "表决 {poll} 的选举结果尚未经主席团确认，不能打印当选证书。请待主席团确认后再打印。",
    certificates_not_election: "表决 {poll} 不是选举，没有当选证书",
    certificates_none: "表决 {poll} 无人当选，没有当选证书可打印",
  },
  en: {
    sheet_election: "Election result report",
    field_office: "Office",
    field_round: "Round",
    field_seats: "Seats",
    seats_count: "{seats}",
    section_confirmation: "Confirmation by the presidium",
    awaiting_confirmation: "Awaiting the presidium's confirmation",
    confirmed_status: "Confirmed by the presidium",
    confirmed_when: "Confirmed: {when}",
    confirmed_presidium: "Presidium members who decided: {names}",
    election_signatures_scrutineers:
      "Chief scrutineer: {chief} Scrutineers: {scrutineers} Tellers: {tellers}",
    election_signatures_presidium: "Presidium: {presidium}",
    beijing_time: "{time} (Beijing time)",
    certificate_title: "Certificate of election",
    certificate_to: "{name}:",
    certificate_body: "was elected {office} at {meeting}.",
    certificate_votes: "Votes in favour: {count}.",
    certificate_seal: "Seal of the presidium of {meeting}",
    certificate_date: "{date}",
    certificates_refused:
      "The result of poll {poll} is not yet confirmed by the presidium: " +
      "its certificates cannot be printed until it is.",
    certificates_not_election: "Poll {poll} is not an election: it has no certificates",
    certificates_none: "Nobody was elected in poll {poll}: there are no certificates",
  },
});

const BLANK = "＿＿＿＿";

/** A log time "2026-03-01T01:30:00Z" as "2026-03-01 09:30（北京时间）". */
export function beijingTime(at) {
  const moment = new Date(Date.parse(at) + 8 * 3600 * 1000).toISOString();
  return t("beijing_time", { time: `${moment.slice(0, 10)} ${moment.slice(11, 16)}` });
}

/** The office an election item fills: its title without a leading 「选举」. */
export function officeName(title) {
  return title.replace(/^选举/, "") || title;
}

/** The `at` of the `result_confirmed` entry of `poll` in a log as JSON Lines, or null. */
export function confirmedAt(lines, poll) {
  for (const line of lines.split("\n")) {
    if (!line.includes('"result_confirmed"')) continue;
    const entry = JSON.parse(line);
    if (entry.type === "result_confirmed" && entry.poll === poll) return entry.at;
  }
  return null;
}

/** Is this poll an election whose result is held for (or was confirmed by) the presidium? */
export function isElection(poll) {
  return poll.kind === "election" || (poll.definition && poll.definition.kind === "election");
}

function roundWord(lang, definition) {
  return word(lang, `round_${(definition.round && definition.round.type) || "first"}`);
}

function signatureRow(text, id) {
  const parts = text.split(/(＿+)/).filter(Boolean);
  return h(
    "p",
    { class: "signatures", id },
    ...parts.map((part) => (/^＿+$/.test(part) ? h("span", { class: "blank" }, part) : part)),
  );
}

/**
 * The result report of an election poll; `parts` gives the sheet's shared pieces
 * (facts, checkpointBlock, printedLine) and `itemTitle`.
 */
export function electionReport(lang, data, poll, parts) {
  const definition = poll.definition;
  const confirmation = poll.confirmation;
  const status = confirmation
    ? t(poll.announced ? "announced_yes" : "confirmed_status")
    : t("awaiting_confirmation");
  const sheet = [
    h("p", { class: "meeting-name" }, data.view.meeting.title),
    h("h1", {}, t("sheet_election")),
    parts.facts([
      [t("field_meeting"), data.view.meeting.title, true],
      [t("field_office"), parts.itemTitle(poll.item)],
      [t("field_poll"), poll.poll],
      [t("field_round"), roundWord(lang, definition)],
      [t("field_seats"), t("seats_count", { seats: definition.seats })],
      [t("field_mode"), t(`mode_${poll.mode}`)],
      [t("field_date"), data.view.meeting.date],
      [t("field_status"), status],
    ]),
  ];
  if (poll.status === "voided") {
    sheet.push(
      h("p", { class: "verdict-line bad" }, t("voided", { reason: poll.void_reason || "" })),
    );
  } else if (poll.status !== "closed" || !poll.result) {
    sheet.push(h("p", { class: "verdict-line bad" }, t("not_closed", { poll: poll.poll })));
  } else {
    const ignored = poll.result.write_ins_ignored || 0;
    sheet.push(
      h(
        "section",
        {},
        h("h2", {}, t("section_counts")),
        resultBlock(lang, definition, poll.result),
        h(
          "p",
          { class: "ignored-line", id: "write-ins-ignored" },
          word(lang, "write_ins_ignored", { count: ignored }),
        ),
      ),
    );
    if (poll.confirmed_by && poll.confirmed_by.length)
      sheet.push(h("p", {}, t("confirmed_by", { names: poll.confirmed_by.join("、") })));
  }
  sheet.push(confirmationBlock(confirmation, data.confirmedAt));
  sheet.push(parts.checkpointBlock());
  const scrutineers = poll.confirmed_by && poll.confirmed_by.length;
  sheet.push(
    h(
      "div",
      { id: "signatures" },
      signatureRow(
        t("election_signatures_scrutineers", {
          chief: BLANK,
          scrutineers: scrutineers ? poll.confirmed_by.join("、") : BLANK,
          tellers: BLANK,
        }),
        "signatures-scrutineers",
      ),
      signatureRow(
        t("election_signatures_presidium", {
          presidium: confirmation ? confirmation.presidium.join("、") : BLANK,
        }),
        "signatures-presidium",
      ),
    ),
  );
  sheet.push(parts.printedLine());
  return sheet;
}

function confirmationBlock(confirmation, at) {
  if (!confirmation) {
    return h(
      "section",
      { class: "confirmation" },
      h("h2", {}, t("section_confirmation")),
      h("p", { class: "awaiting", id: "confirmation" }, t("awaiting_confirmation")),
    );
  }
  return h(
    "section",
    { class: "confirmation" },
    h("h2", {}, t("section_confirmation")),
    h("p", { id: "confirmation" }, confirmation.decision),
    h("p", {}, t("confirmed_presidium", { names: confirmation.presidium.join("、") })),
    at ? h("p", { id: "confirmed-at" }, t("confirmed_when", { when: beijingTime(at) })) : null,
  );
}

/** The refusal, or one certificate page per person a confirmed election elected. */
export function certificates(lang, data, poll, itemTitle) {
  const refuse = (key) => [
    h("p", { class: "verdict-line bad", role: "alert" }, t(key, { poll: poll.poll })),
  ];
  if (!isElection(poll)) return refuse("certificates_not_election");
  if (!poll.confirmation || poll.status !== "closed" || !poll.result) {
    return refuse("certificates_refused");
  }
  const outcome = poll.result.outcome;
  if (!outcome || !outcome.elected.length) return refuse("certificates_none");
  const names = labels(lang, poll.definition, poll.result);
  const meeting = data.view.meeting;
  const office = officeName(itemTitle(poll.item));
  return outcome.elected.map((key) => {
    const count =
      key in poll.result.counts ? poll.result.counts[key].for : poll.result.write_ins[key];
    const name = key in poll.result.counts ? names[key] : key;
    return h(
      "article",
      { class: "certificate" },
      h("h1", {}, t("certificate_title")),
      h("p", { class: "certificate-to" }, t("certificate_to", { name })),
      h(
        "p",
        { class: "certificate-body" },
        t("certificate_body", { meeting: meeting.title, office }),
      ),
      h("p", { class: "certificate-votes" }, t("certificate_votes", { count })),
      h(
        "div",
        { class: "certificate-seal" },
        h("p", { class: "seal-line" }, t("certificate_seal", { meeting: meeting.title })),
        h("p", { class: "certificate-date" }, t("certificate_date", { date: meeting.date })),
      ),
    );
  });
}
