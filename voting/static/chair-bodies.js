// What the plenary adopted by vote: the presidium and its quorum rule, the election rules and
// the poll that adopted them, the scrutineers and tellers; and the non-voting attendees (列席),
// listed apart and never counted.

import { $, fill, h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    bodies_heading: "主席团、选举办法与监票人",
    bodies_none: "尚未通过主席团、选举办法或监票人名单",
    bodies_presidium: "主席团（法定人数：{rule}）",
    bodies_rules: "选举办法（表决 {poll} 通过）",
    bodies_chief: "总监票人",
    bodies_scrutineers: "监票人",
    bodies_tellers: "计票人",
    bodies_attendees: "列席（不计入人数）",
    quorum_two_thirds: "三分之二",
    quorum_majority: "过半数",
  },
  en: {
    bodies_heading: "Presidium, election rules and scrutineers",
    bodies_none: "No presidium, election rules or scrutineers adopted yet",
    bodies_presidium: "Presidium (quorum: {rule})",
    bodies_rules: "Election rules (adopted by poll {poll})",
    bodies_chief: "Chief scrutineer",
    bodies_scrutineers: "Scrutineers",
    bodies_tellers: "Tellers",
    bodies_attendees: "Non-voting attendees (never counted)",
    quorum_two_thirds: "two thirds",
    quorum_majority: "more than half",
  },
});

function names(people) {
  return people.map((p) => p.name).join("、");
}

function line(label, value) {
  return h("div", { class: "bodies-line" }, h("dt", {}, label), h("dd", {}, value));
}

function rulesText(rules) {
  return Object.entries(rules)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join("；");
}

export function renderBodies(state) {
  const el = $("#bodies");
  if (!el) return;
  const bodies = state.bodies || {};
  const lines = [];
  if (bodies.presidium) {
    const rule = t(`quorum_${bodies.presidium_quorum}`);
    lines.push(line(t("bodies_presidium", { rule }), names(bodies.presidium)));
  }
  if (bodies.election_rules) {
    const { poll, rules } = bodies.election_rules;
    lines.push(line(t("bodies_rules", { poll }), rulesText(rules)));
  }
  if (bodies.scrutineers) {
    for (const role of ["chief", "scrutineers", "tellers"]) {
      const people = bodies.scrutineers[role] || [];
      if (people.length) lines.push(line(t(`bodies_${role}`), names(people)));
    }
  }
  if ((bodies.attendees || []).length) {
    lines.push(line(t("bodies_attendees"), names(bodies.attendees)));
  }
  fill(el, lines.length ? h("dl", { class: "bodies" }, ...lines) : h("p", { class: "muted-line" }, t("bodies_none")));
}
