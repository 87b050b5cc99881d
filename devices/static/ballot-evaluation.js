// Satisfaction evaluation (满意度测评): a grid of subjects x levels (满意 / 基本满意 / 不满意).
// Choice: {"ratings": {subject id: level}}; an unrated subject is not counted for it.

import { has, t } from "./i18n.js";
import { h, uid, zh } from "./ui.js";
import { reviewList } from "./ballot-common.js";

const DEFAULT_LEVELS = ["satisfied", "basically_satisfied", "dissatisfied"];

export function levels(def) {
  return def.levels || DEFAULT_LEVELS;
}

export function levelName(level) {
  return has(`level.${level}`) ? t(`level.${level}`) : level;
}

export function emptyDraft() {
  return { ratings: {} };
}

export function draftFrom(def, choice) {
  return { ratings: { ...(choice.ratings || {}) } };
}

export function choiceOf(def, draft) {
  const ratings = {};
  for (const s of def.subjects) if (draft.ratings[s.id]) ratings[s.id] = draft.ratings[s.id];
  return { ratings };
}

export function problems() {
  return [];
}

export function render(def, draft, onChange) {
  const all = levels(def);
  const progress = h("p", { class: "counter", role: "status", "aria-live": "polite" });
  const update = () => {
    const k = def.subjects.filter((s) => draft.ratings[s.id]).length;
    progress.textContent = t("evaluation.progress", { k, n: def.subjects.length });
  };
  const header = h(
    "div",
    { class: "eval-header", "aria-hidden": "true" },
    h("span", {}, t("evaluation.subject")),
    all.map((level) => h("span", {}, levelName(level))),
  );
  const rows = def.subjects.map((subject) => {
    const group = uid("rating");
    return h(
      "fieldset",
      { class: "eval-row" },
      h("legend", { class: "row-name" }, zh(subject.name)),
      h(
        "div",
        { class: "levels" },
        all.map((level, index) =>
          h(
            "label",
            { class: `level level-${index}` },
            h("input", {
              type: "radio",
              name: group,
              value: level,
              checked: draft.ratings[subject.id] === level,
              "aria-label": t("mark.label", { name: subject.name, mark: levelName(level) }),
              onchange: () => {
                draft.ratings[subject.id] = level;
                update();
                onChange();
              },
            }),
            h("span", {}, levelName(level)),
          ),
        ),
      ),
    );
  });
  update();
  const grid = h("div", { class: "eval-grid" }, header, rows);
  grid.style.setProperty("--levels", String(all.length)); // CSSOM: allowed by the page's CSP
  return h(
    "div",
    { class: "ballot ballot-evaluation" },
    h("p", { class: "rule" }, t("evaluation.rule")),
    h("div", { class: "counter-bar" }, progress),
    grid,
  );
}

export function review(def, draft) {
  return reviewList(
    def.subjects.map((s) => [
      s.name,
      draft.ratings[s.id] ? levelName(draft.ratings[s.id]) : t("evaluation.unrated"),
    ]),
  );
}
