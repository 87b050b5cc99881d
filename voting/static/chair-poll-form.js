// The chair's form to open a vote: every poll kind (motion, election, selection with choose or
// each, evaluation) with its candidates, projects or subjects, seats, mode, change policy, timer
// and threshold, prefilled from the agenda item. The JSON definition is an advanced view only.

import { api, ctx, dialogError, field, meetingPath, notify, openDialog } from "./chair-context.js";
import { h } from "/static/common/dom.js";
import { lang, t } from "./i18n.js";
import { hasSittingKey, nextPollId } from "./chair-ceremony.js";
import { ruleText, word } from "/static/common/results.js";
import {
  ENTRIES,
  FormError,
  definitionOf,
  formValues,
  nextId,
  pluralityRound,
  takesWriteIns,
  template,
  withoutServerFields,
} from "./poll-form.js";

function select(options, value, label) {
  const el = h(
    "select",
    {},
    options.map(([key, text, disabled]) => h("option", { value: key, disabled }, text)),
  );
  el.value = value;
  if (label) el.setAttribute("aria-label", label);
  return el;
}

function problemText(error) {
  if (error instanceof FormError) return t(error.key, error.params);
  return String(error.message || error);
}

/** The list of candidates, projects or subjects: one row each, add and remove. */
function entryList(values, changed) {
  const kind = values.kind;
  const noun = t(`form_entry_${kind}`);
  const list = h("ol", { class: "entry-list" });
  const draw = () => {
    list.replaceChildren(
      ...values.entries.map((entry, index) => {
        const n = index + 1;
        const input = (key, label, attrs = {}) =>
          h("input", {
            type: "text",
            value: entry[key] === undefined ? "" : String(entry[key]),
            "aria-label": `${label} ${n}`,
            class: `entry-${key}`,
            oninput: (event) => {
              entry[key] = event.target.value;
              changed();
            },
            ...attrs,
          });
        return h(
          "li",
          { class: "entry-row", dataset: { id: entry.id } },
          input("name", noun, { placeholder: t("form_entry_placeholder") }),
          kind === "selection"
            ? input("budget_wan", t("form_budget"), { inputmode: "numeric", class: "entry-budget" })
            : null,
          kind === "selection" ? input("unit", t("form_unit")) : null,
          h(
            "button",
            {
              type: "button",
              class: "secondary small",
              "aria-label": `${t("form_remove")} ${noun} ${n}`,
              onclick: () => {
                values.entries.splice(index, 1);
                draw();
                changed();
              },
            },
            t("form_remove"),
          ),
        );
      }),
    );
  };
  draw();
  const add = h(
    "button",
    {
      type: "button",
      class: "secondary small",
      onclick: () => {
        values.entries.push({ id: nextId(ENTRIES[kind].prefix, values.entries), name: "" });
        draw();
        changed();
        list.querySelector("li:last-child input")?.focus();
      },
    },
    t(`form_add_${kind}`),
  );
  return h("fieldset", { class: "entries" }, h("legend", {}, t(`form_entries_${kind}`)), list, add);
}

/** Seats, write-ins, the selection's form: what the kind needs besides its entries. */
function kindFields(values, changed) {
  const kind = values.kind;
  const parts = [];
  if (kind === "election" || kind === "selection") {
    const seats = h("input", {
      type: "number",
      min: "1",
      step: "1",
      inputmode: "numeric",
      value: String(values.seats),
      oninput: (event) => ((values.seats = event.target.value), changed()),
    });
    parts.push(field("poll-seats", t(`form_seats_${kind}`), seats));
  }
  if (kind === "election" && takesWriteIns(values.round)) {
    const box = h("input", {
      type: "checkbox",
      id: "poll-write-ins",
      checked: values.writeIns,
      onchange: (event) => ((values.writeIns = event.target.checked), changed()),
    });
    parts.push(
      h("div", { class: "check" }, box, h("label", { for: "poll-write-ins" }, t("form_write_ins"))),
    );
  }
  if (kind === "selection") {
    const form = select(
      ["choose", "each"].map((key) => [key, t(`form_form_${key}`)]),
      values.form,
    );
    form.addEventListener("change", () => ((values.form = form.value), changed()));
    parts.push(field("poll-form", t("form_form"), form));
  }
  if (ENTRIES[kind]) parts.push(entryList(values, changed));
  return parts;
}

/** Base, rule and fraction of the votes required, with the rule in words. */
function thresholdFields(values, changed) {
  if (pluralityRound(values.round)) {
    return h("p", { class: "help", id: "poll-threshold-words" }, t("form_plurality"));
  }
  const l = lang();
  const th = values.threshold;
  const said = h("p", { class: "help", id: "poll-threshold-words" });
  const say = () => {
    said.textContent = t("form_threshold_words", { rule: ruleText(l, th) });
  };
  const base = select(
    ["electorate", "present", "cast"].map((key) => [key, word(l, `base_${key}`)]),
    th.base,
  );
  const rule = select(
    ["more_than", "at_least"].map((key) => [key, t(`form_rule_${key}`)]),
    th.rule,
  );
  const fraction = h("input", { type: "text", value: th.fraction, inputmode: "numeric" });
  const update = () => {
    Object.assign(th, { base: base.value, rule: rule.value, fraction: fraction.value.trim() });
    say();
    changed();
  };
  base.addEventListener("change", update);
  rule.addEventListener("change", update);
  fraction.addEventListener("input", update);
  say();
  return h(
    "fieldset",
    { class: "threshold" },
    h("legend", {}, t(`form_threshold_${values.kind}`)),
    h(
      "div",
      { class: "grid-fields" },
      field("poll-threshold-base", t("form_threshold_base"), base),
      field("poll-threshold-rule", t("form_threshold_rule"), rule),
      field("poll-threshold-fraction", t("form_threshold_fraction"), fraction),
    ),
    said,
  );
}

/** The line that names an election's later round (runoff, further election), or null. */
function roundNote(values) {
  const round = values.round;
  if (!round || round.type === "first") return null;
  return h(
    "p",
    { class: "form-round", role: "note" },
    t(`form_round_${round.type}`, { poll: round.follows || "" }),
  );
}

/** The modes of a poll: secret polls are encrypted (once the scrutineers hold the sitting key),
 * or held by show of hands or on paper and entered by hand (docs/console.md). */
const MODES = ["encrypted", "named", "manual"];

/** Encrypted needs the sitting key; an election is never named. */
function modeAllowed(mode, kind) {
  if (mode === "encrypted") return hasSittingKey();
  if (mode === "named") return kind !== "election";
  return true;
}

/** The proposed mode if it may be used, else encrypted when the key exists, else named (manual
 * for an election, which is never named). */
export function defaultMode(kind, proposed) {
  if (proposed && modeAllowed(proposed, kind)) return proposed;
  if (hasSittingKey()) return "encrypted";
  return kind === "election" ? "manual" : "named";
}

/**
 * Open a vote on `item`. `again` proposes a definition, mode and policy: a voided poll run
 * again, or the next round of an election the server prepared (its `round` is kept).
 */
export function openPollDialog(item, again = null) {
  const start = again ? again.definition : ctx.definitions[item.item] || template(item);
  const values = formValues(withoutServerFields({ ...start, kind: item.kind }));
  const mode = select(
    MODES.map((key) => [key, t(`mode_${key}`), !modeAllowed(key, item.kind)]),
    defaultMode(item.kind, again?.mode),
  );
  const policy = select(
    ["last", "first"].map((key) => [key, t(`policy_${key}`)]),
    again ? again.change_policy : "last",
  );
  const minutes = h("input", {
    type: "number",
    min: "1",
    max: "1440",
    step: "1",
    inputmode: "numeric",
  });
  const json = h("textarea", { rows: "10", class: "code", spellcheck: "false" });
  const advanced = h(
    "details",
    { class: "advanced" },
    h("summary", {}, t("form_advanced")),
    field("poll-definition", t("open_definition"), json, t("form_advanced_help")),
  );
  const formArea = h("div", { class: "poll-form" });
  const title = h("input", {
    type: "text",
    value: values.title,
    oninput: (event) => ((values.title = event.target.value), changed()),
  });
  // The JSON follows the form while the advanced view is closed; open, it is what is sent.
  function changed() {
    if (advanced.open) return;
    json.value = JSON.stringify(definitionOf(values, { strict: false }), null, 2);
  }
  function drawForm() {
    formArea.replaceChildren(
      field("poll-title", t("form_title"), title),
      ...kindFields(values, changed),
      thresholdFields(values, changed),
    );
  }
  advanced.addEventListener("toggle", () => {
    if (advanced.open) {
      changed();
      return;
    }
    // Back to the form: it takes what was typed in the JSON.
    try {
      Object.assign(values, formValues({ ...JSON.parse(json.value), kind: item.kind }));
      title.value = values.title;
      drawForm();
    } catch (error) {
      advanced.open = true;
      dialogError(t("open_bad_json", { problem: error.message }));
    }
  });
  drawForm();
  changed();
  openDialog({
    title: t("open_title", { title: item.title }),
    body: [
      h("p", { class: "form-kind" }, t("form_kind", { kind: t(`kind_${item.kind}`) })),
      roundNote(values),
      h(
        "div",
        { class: "grid-fields" },
        field("poll-mode", t("open_mode"), mode, hasSittingKey() ? null : t("mode_needs_key")),
        field("poll-policy", t("open_policy"), policy),
        field("poll-minutes", t("open_timer"), minutes, t("open_timer_help")),
      ),
      formArea,
      advanced,
    ],
    actions: [
      {
        label: t("open_confirm"),
        tone: "primary",
        run: async () => {
          let definition;
          if (advanced.open) {
            try {
              definition = JSON.parse(json.value);
            } catch (error) {
              throw new Error(t("open_bad_json", { problem: error.message }));
            }
          } else {
            try {
              definition = definitionOf(values);
            } catch (error) {
              throw new Error(problemText(error));
            }
          }
          const body = {
            item: item.item,
            definition,
            mode: mode.value,
            change_policy: policy.value,
          };
          // The id the liveness challenge was issued for (chair-ceremony.js).
          if (mode.value === "encrypted") body.poll = nextPollId(ctx.state);
          if (minutes.value.trim()) {
            const value = Number(minutes.value);
            if (!Number.isInteger(value) || value < 1) throw new Error(t("open_bad_minutes"));
            body.duration_s = value * 60;
          }
          await api("POST", meetingPath("/polls"), body);
          notify(t("done_open", { title: item.title }), "ok");
        },
      },
    ],
  });
}
