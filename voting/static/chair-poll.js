// The vote in hand: live participation and countdown, close, result, announce, void and re-run,
// manual entry with the scrutineers' confirmation; and the list of every vote so far.

import { openPollDialog, itemTitle } from "./chair-agenda.js";
import { api, ctx, field, meetingPath, notify, openDialog, run } from "./chair-context.js";
import { serverNow } from "./api.js";
import { $, clock, fill, h } from "./dom.js";
import { lang, t } from "./i18n.js";
import { resultBlock } from "./result-view.js";
import { verdictLines, word } from "./results.js";

function pollPath(poll, suffix) {
  return meetingPath(`/polls/${encodeURIComponent(poll.poll)}${suffix}`);
}

/** Open the print sheet in a new window (it shares this window's login). */
export function openPrint(poll = null) {
  const query = poll ? `?poll=${encodeURIComponent(poll)}` : "";
  window.open(`/print/${encodeURIComponent(ctx.meeting)}${query}`, "_blank");
}

function itemOf(id) {
  return (ctx.state.items || []).find((i) => i.item === id);
}

export function renderPoll(state) {
  const body = $("#poll-body");
  const poll = state.poll;
  const current = state.current_item ? itemOf(state.current_item) : null;
  if (!poll || (current && poll.item !== current.item)) {
    fill(body, idle(state, current));
    return;
  }
  const title = itemTitle(poll.item);
  const meta = h(
    "p",
    { class: "poll-meta" },
    `${poll.poll} · `,
    t("poll_mode_line", {
      mode: t(`mode_${poll.mode}`),
      policy: t(`policy_${poll.change_policy}`),
    }),
  );
  if (poll.status === "open") {
    fill(body, openPanel(poll, title, meta));
  } else if (poll.status === "closed") {
    fill(body, closedPanel(poll, title, meta));
  } else {
    fill(body, voidedPanel(poll, title, meta));
  }
}

function idle(state, current) {
  if (!current) return h("p", { class: "muted-line" }, t("poll_no_current"));
  const votable = ["motion", "election", "selection", "evaluation"].includes(current.kind);
  return h(
    "div",
    {},
    h("p", { class: "poll-item" }, t("poll_current_item", { title: current.title })),
    h("p", { class: "muted-line" }, t("poll_none")),
    votable && !state.closed
      ? h(
          "div",
          { class: "button-row" },
          h(
            "button",
            { type: "button", class: "primary", onclick: () => openPollDialog(current) },
            t("agenda_open_poll"),
          ),
        )
      : null,
  );
}

function openPanel(poll, title, meta) {
  const share = poll.present ? Math.min(100, (100 * poll.cast) / poll.present) : 0;
  const manual = poll.mode === "manual";
  return h(
    "div",
    { class: "poll-open" },
    h(
      "p",
      { class: "poll-state voting" },
      h("span", { "aria-hidden": "true" }, "● "),
      t("poll_voting"),
    ),
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    manual
      ? h("p", { class: "muted-line" }, t("poll_manual_waiting"))
      : h(
          "div",
          {},
          h(
            "p",
            { class: "live-count", id: "live-count", "aria-live": "polite" },
            t("cast_of", { cast: poll.cast, present: poll.present }),
          ),
          h(
            "div",
            { class: "progress", "aria-hidden": "true" },
            h("div", { class: "progress-bar", css: { width: `${share}%` } }),
          ),
        ),
    h(
      "p",
      { class: "countdown", id: "countdown", dataset: { closesAt: poll.closes_at || "" } },
      poll.closes_at ? countdownText(poll.closes_at) : t("poll_no_time_limit"),
    ),
    h(
      "div",
      { class: "button-row" },
      manual
        ? h(
            "button",
            { type: "button", class: "primary", onclick: () => manualDialog(poll) },
            t("poll_enter_result"),
          )
        : h(
            "button",
            { type: "button", class: "primary", onclick: () => closePoll(poll) },
            t("poll_close"),
          ),
      h(
        "button",
        { type: "button", class: "danger", onclick: () => voidDialog(poll) },
        t("poll_void_rerun"),
      ),
    ),
  );
}

function closedPanel(poll, title, meta) {
  const l = lang();
  return h(
    "div",
    { class: "poll-closed" },
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    h("h3", { class: "result-title" }, t("poll_result_title")),
    resultBlock(l, poll.definition, poll.result),
    poll.confirmed_by
      ? h(
          "p",
          { class: "result-line" },
          t("manual_confirmed_by", { names: poll.confirmed_by.join("、") }),
        )
      : null,
    namedDetail(poll),
    h(
      "div",
      { class: "button-row" },
      poll.announced
        ? h(
            "p",
            { class: "badge-line good" },
            h("span", { "aria-hidden": "true" }, "✓ "),
            t("poll_announced"),
          )
        : h(
            "button",
            {
              type: "button",
              class: "primary",
              onclick: () =>
                run(() => api("POST", pollPath(poll, "/announce")), t("done_announce")),
            },
            t("poll_announce"),
          ),
      poll.announced
        ? null
        : h(
            "button",
            { type: "button", class: "danger", onclick: () => voidDialog(poll) },
            t("poll_void_rerun"),
          ),
      h(
        "button",
        { type: "button", class: "secondary", onclick: () => openPrint(poll.poll) },
        t("poll_print"),
      ),
    ),
  );
}

function voidedPanel(poll, title, meta) {
  const item = itemOf(poll.item);
  return h(
    "div",
    { class: "poll-voided" },
    h("p", { class: "poll-item" }, t("poll_item", { title })),
    meta,
    h(
      "p",
      { class: "verdict-line bad" },
      t("poll_voided_line", { reason: poll.void_reason || "" }),
    ),
    item && !ctx.state.closed
      ? h(
          "div",
          { class: "button-row" },
          h(
            "button",
            { type: "button", class: "primary", onclick: () => openPollDialog(item, poll) },
            t("poll_rerun"),
          ),
        )
      : null,
  );
}

function namedDetail(poll) {
  if (poll.mode !== "named" || !poll.votes) return null;
  const names = Object.fromEntries(
    (ctx.state.roster || []).map((d) => [d.deputy, `${d.seat} ${d.name}`]),
  );
  const l = lang();
  return h(
    "details",
    { class: "named" },
    h("summary", {}, t("named_detail")),
    h(
      "ul",
      {},
      Object.entries(poll.votes).map(([deputy, choice]) =>
        h("li", {}, `${names[deputy] || deputy}：${choiceText(l, choice)}`),
      ),
    ),
  );
}

function choiceText(l, choice) {
  return typeof choice === "string" ? word(l, choice) : JSON.stringify(choice);
}

export function countdownText(closesAt) {
  const left = (Date.parse(closesAt) - serverNow()) / 1000;
  return t("time_left", { time: clock(left) });
}

/** Called a few times a second: the countdown. */
export function tick() {
  const el = document.getElementById("countdown");
  if (el && el.dataset.closesAt) el.textContent = countdownText(el.dataset.closesAt);
}

function closePoll(poll) {
  openDialog({
    title: t("poll_close"),
    body: [h("p", {}, t("confirm_close"))],
    actions: [
      {
        label: t("poll_close"),
        tone: "primary",
        run: async () => {
          await api("POST", pollPath(poll, "/close"));
          notify(t("done_close"), "ok");
        },
      },
    ],
  });
}

function voidDialog(poll) {
  const reason = h("textarea", { rows: "3", required: true, maxlength: "500" });
  openDialog({
    title: t("void_title", { poll: poll.poll }),
    body: [
      field("void-reason", t("void_reason"), reason),
      h("p", { class: "help" }, t("void_then_rerun")),
    ],
    actions: [
      {
        label: t("void_confirm"),
        tone: "danger",
        run: async () => {
          if (!reason.value.trim()) throw new Error(t("reason_required"));
          await api("POST", pollPath(poll, "/void"), { reason: reason.value.trim() });
          notify(t("done_void"), "ok");
          const item = itemOf(poll.item);
          if (item) setTimeout(() => openPollDialog(item, poll), 0);
        },
      },
    ],
  });
}

// Manual results: counts typed from a show of hands or a paper count, confirmed by scrutineers.

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
    const levels = def.levels || ["satisfied", "basically_satisfied", "dissatisfied"];
    for (const s of def.subjects) {
      for (const level of levels) {
        const name = ["satisfied", "basically_satisfied", "dissatisfied"].includes(level)
          ? word(l, level)
          : level;
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

// Every vote of the meeting -----------------------------------------------------------------------

export function renderHistory(state) {
  const polls = state.polls || [];
  const el = $("#history");
  if (!polls.length) {
    fill(el, h("p", { class: "muted-line" }, t("history_empty")));
    return;
  }
  const l = lang();
  fill(
    el,
    h(
      "table",
      { class: "history" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            "history_poll",
            "history_item",
            "history_status",
            "history_cast",
            "history_verdict",
            "history_actions",
          ].map((key) => h("th", { scope: "col" }, t(key))),
        ),
      ),
      h(
        "tbody",
        {},
        ...polls.map((poll) => {
          const verdict =
            poll.status === "closed" && poll.result
              ? verdictLines(l, poll.definition, poll.result).join("；")
              : poll.status === "voided"
                ? t("poll_voided_line", { reason: poll.void_reason || "" })
                : "";
          const status =
            poll.status === "closed" && poll.announced
              ? t("status_announced")
              : t(`poll_${poll.status}`);
          return h(
            "tr",
            { dataset: { poll: poll.poll } },
            h("th", { scope: "row" }, poll.poll),
            h("td", {}, itemTitle(poll.item)),
            h("td", {}, status),
            h("td", { class: "num" }, String(poll.cast)),
            h("td", {}, verdict),
            h(
              "td",
              {},
              poll.status === "closed"
                ? h(
                    "button",
                    {
                      type: "button",
                      class: "secondary small",
                      "aria-label": t("history_print", { poll: poll.poll }),
                      onclick: () => openPrint(poll.poll),
                    },
                    t("history_print_short"),
                  )
                : null,
            ),
          );
        }),
      ),
    ),
  );
}
