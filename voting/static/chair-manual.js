// Manual results: counts typed from a show of hands or a paper count, then confirmed by the
// scrutineers before they are sent.

import { itemTitle } from "./chair-agenda.js";
import { api, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { h } from "/static/common/dom.js";
import { lang, t } from "./i18n.js";
import { DEFAULT_LEVELS, levelWord, word } from "/static/common/results.js";

function pollPath(poll, suffix) {
  return meetingPath(`/polls/${encodeURIComponent(poll.poll)}${suffix}`);
}

function numberInput(value = "") {
  return h("input", {
    type: "number",
    min: "0",
    step: "1",
    inputmode: "numeric",
    value: String(value),
  });
}

/** The count inputs for the poll's kind: [{path: [..keys], label, input}]. */
function countFields(poll) {
  const def = poll.definition;
  const l = lang();
  const out = [];
  const marks = ["for", "against", "abstain"];
  if (def.kind === "motion") {
    for (const mark of marks)
      out.push({ path: [mark], label: word(l, mark), input: numberInput(0) });
  } else if (def.kind === "election" || (def.kind === "selection" && def.form === "each")) {
    for (const c of def.candidates) {
      for (const mark of marks) {
        out.push({
          path: [c.id, mark],
          label: `${c.name ?? c.id} · ${word(l, mark)}`,
          input: numberInput(0),
        });
      }
    }
  } else if (def.kind === "selection") {
    for (const c of def.candidates)
      out.push({
        path: [c.id, "for"],
        label: `${c.name ?? c.id} · ${word(l, "for")}`,
        input: numberInput(0),
      });
  } else {
    const levels = def.levels?.length ? def.levels : DEFAULT_LEVELS;
    for (const s of def.subjects) {
      for (const level of levels) {
        const name = levelWord(l, level);
        out.push({
          path: [s.id, level],
          label: `${s.name ?? s.id} · ${name}`,
          input: numberInput(0),
        });
      }
    }
  }
  return out;
}

function whole(input, label) {
  const text = input.value.trim();
  if (!/^\d+$/.test(text)) throw new Error(t("manual_not_number", { field: label }));
  return Number(text);
}

export function manualDialog(poll, kept = null) {
  const title = itemTitle(poll.item);
  const issued = numberInput(kept ? kept.issued : poll.present);
  const cast = numberInput(kept ? kept.ballots.cast : 0);
  const valid = numberInput(kept ? kept.ballots.valid : 0);
  const voidCount = numberInput(kept ? kept.ballots.void : 0);
  const counts = countFields(poll);
  if (kept) {
    for (const c of counts) {
      const value = c.path.reduce((obj, key) => (obj ? obj[key] : undefined), kept.counts);
      if (value !== undefined) c.input.value = String(value);
    }
  }
  const writeIns = h("div", { class: "write-ins" });
  const addWriteIn = (name = "", votes = 0) => {
    const n = writeIns.children.length + 1;
    const nameInput = h("input", { type: "text", value: name });
    const votesInput = numberInput(votes);
    writeIns.appendChild(
      h(
        "div",
        { class: "write-in-row" },
        field(`write-in-name-${n}`, `${t("manual_write_in_name")} ${n}`, nameInput),
        field(`write-in-votes-${n}`, `${t("manual_write_in_votes")} ${n}`, votesInput),
      ),
    );
  };
  if (kept) for (const [name, votes] of Object.entries(kept.write_ins)) addWriteIn(name, votes);
  const roles = [t("manual_chief"), t("manual_scrutineer"), t("manual_scrutineer")];
  const people = roles.map((role, i) =>
    h("input", { type: "text", value: kept ? kept.people[i] || "" : "" }),
  );
  let n = 0;
  const countInputs = counts.map((c) => field(`manual-count-${(n += 1)}`, c.label, c.input));
  const election = poll.definition.kind === "election" && poll.definition.write_ins !== false;
  openDialog({
    title: t("manual_title", { title }),
    body: [
      h("p", { class: "step" }, t("manual_step1")),
      h(
        "div",
        { class: "grid-fields" },
        field("manual-issued", t("manual_issued"), issued),
        field("manual-cast", t("manual_cast"), cast),
        field("manual-valid", t("manual_valid"), valid),
        field("manual-void", t("manual_void"), voidCount),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, t("manual_counts")),
        h("div", { class: "grid-fields" }, ...countInputs),
      ),
      election
        ? h(
            "fieldset",
            {},
            h("legend", {}, t("manual_write_ins")),
            writeIns,
            h(
              "button",
              { type: "button", class: "secondary small", onclick: () => addWriteIn() },
              t("manual_add_write_in"),
            ),
          )
        : null,
      h(
        "fieldset",
        {},
        h("legend", {}, t("manual_scrutineers")),
        h(
          "div",
          { class: "grid-fields" },
          ...people.map((input, i) =>
            field(`manual-person-${i + 1}`, `${roles[i]}${i ? ` ${i}` : ""}`, input),
          ),
        ),
      ),
    ],
    actions: [
      {
        label: t("manual_to_confirm"),
        tone: "primary",
        run: async () => {
          const entry = {
            issued: whole(issued, t("manual_issued")),
            ballots: {
              cast: whole(cast, t("manual_cast")),
              valid: whole(valid, t("manual_valid")),
              void: whole(voidCount, t("manual_void")),
            },
            counts: {},
            write_ins: {},
          };
          if (entry.ballots.cast !== entry.ballots.valid + entry.ballots.void) {
            throw new Error(t("manual_cast_mismatch"));
          }
          for (const c of counts) {
            const value = whole(c.input, c.label);
            if (c.path.length === 1) entry.counts[c.path[0]] = value;
            else (entry.counts[c.path[0]] ||= {})[c.path[1]] = value;
          }
          for (const row of writeIns.querySelectorAll(".write-in-row")) {
            const [nameInput, votesInput] = row.querySelectorAll("input");
            if (nameInput.value.trim())
              entry.write_ins[nameInput.value.trim()] = whole(
                votesInput,
                t("manual_write_in_votes"),
              );
          }
          entry.people = people.map((input) => input.value.trim());
          if (!entry.people.some(Boolean)) throw new Error(t("manual_need_scrutineer"));
          setTimeout(() => confirmManual(poll, entry, roles), 0);
          return false;
        },
      },
    ],
  });
}

function confirmManual(poll, entry, roles) {
  const l = lang();
  const named = entry.people.map((name, i) => ({ name, role: roles[i] })).filter((p) => p.name);
  const checks = named.map((p, i) => ({
    person: p,
    box: h("input", { type: "checkbox", id: `confirm-${i + 1}` }),
  }));
  const lines = [
    [
      `${t("manual_issued")} ${entry.issued}`,
      `${t("manual_cast")} ${entry.ballots.cast}`,
      `${t("manual_valid")} ${entry.ballots.valid}`,
      `${t("manual_void")} ${entry.ballots.void}`,
    ].join(" · "),
  ];
  const countRows = countFields(poll).map((c) => {
    const value = c.path.reduce((obj, key) => obj[key], entry.counts);
    return h("li", {}, `${c.label}：${value}`);
  });
  for (const [name, votes] of Object.entries(entry.write_ins)) {
    countRows.push(h("li", {}, `${word(l, "write_in", { name })}：${votes}`));
  }
  openDialog({
    title: t("manual_title", { title: itemTitle(poll.item) }),
    body: [
      h("p", { class: "step" }, t("manual_step2")),
      ...lines.map((line) => h("p", { class: "result-line" }, line)),
      h("ul", { class: "review" }, ...countRows),
      h(
        "fieldset",
        {},
        h("legend", {}, t("manual_scrutineers")),
        ...checks.map(({ person, box }) =>
          h(
            "div",
            { class: "check" },
            box,
            h(
              "label",
              { for: box.id },
              t("manual_confirm_check", { role: person.role, name: person.name }),
            ),
          ),
        ),
      ),
    ],
    actions: [
      {
        label: t("manual_confirm"),
        tone: "primary",
        run: async () => {
          if (!checks.every((c) => c.box.checked)) throw new Error(t("manual_need_all_checks"));
          await api("POST", pollPath(poll, "/manual-result"), {
            issued: entry.issued,
            ballots: entry.ballots,
            counts: entry.counts,
            write_ins: entry.write_ins,
            confirmed_by: named.map((p) => p.name),
          });
          notify(t("done_manual"), "ok");
        },
      },
      {
        label: t("manual_back"),
        tone: "secondary",
        run: async () => {
          setTimeout(() => manualDialog(poll, entry), 0);
          return false;
        },
      },
    ],
  });
}

