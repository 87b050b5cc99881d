// Livelihood project selection (民生实事项目票决). Form "choose": tick at most N projects, with
// a counter "已选 k / 可选 N" that disables the remaining boxes at k = N; choice
// {"chosen": [id, ...]}. Form "each": for / against / abstain per project; choice
// {"marks": {id: mark}} (tally-format.md).

import { lang, t } from "./i18n.js";
import { h, uid, zh } from "./ui.js";
import { markGroup, reviewList } from "./ballot-common.js";

function isEach(def) {
  return def.form === "each";
}

export function emptyDraft(def) {
  return isEach(def) ? { marks: {} } : { chosen: [] };
}

export function draftFrom(def, choice) {
  return isEach(def)
    ? { marks: { ...(choice.marks || {}) } }
    : { chosen: [...(choice.chosen || [])] };
}

export function choiceOf(def, draft) {
  if (isEach(def)) {
    const marks = {};
    for (const p of def.candidates) if (draft.marks[p.id]) marks[p.id] = draft.marks[p.id];
    return { marks };
  }
  // In list order, so the same choice always gives the same bytes.
  return { chosen: def.candidates.filter((p) => draft.chosen.includes(p.id)).map((p) => p.id) };
}

export function problems(def, draft) {
  if (!isEach(def) && draft.chosen.length > def.seats) {
    return [t("selection.full", { n: def.seats })];
  }
  return [];
}

function budget(project) {
  if (project.budget_wan === undefined) return null;
  const amount =
    lang() === "en" ? Number(project.budget_wan).toLocaleString("en") : project.budget_wan;
  return t("selection.budget", { amount });
}

function details(project, id) {
  return h(
    "span",
    { class: "project-details", id },
    budget(project) ? h("span", { class: "project-budget" }, budget(project)) : null,
    project.unit
      ? h("span", { class: "project-unit" }, t("selection.unit", { unit: "" }), zh(project.unit))
      : null,
    project.description ? h("span", { class: "project-desc" }, zh(project.description)) : null,
  );
}

export function render(def, draft, onChange) {
  if (isEach(def)) return renderEach(def, draft, onChange);
  const n = def.seats;
  const counter = h("p", { class: "counter", role: "status", "aria-live": "polite" });
  const limit = h("p", { class: "limit", role: "note", hidden: true }, t("selection.full", { n }));
  const boxes = def.candidates.map((project) => {
    const nameId = uid("project");
    const detailsId = uid("details");
    const input = h("input", {
      type: "checkbox",
      value: project.id,
      checked: draft.chosen.includes(project.id),
      "aria-labelledby": nameId,
      "aria-describedby": detailsId,
      onchange: () => {
        if (input.checked && !draft.chosen.includes(project.id)) draft.chosen.push(project.id);
        if (!input.checked) draft.chosen = draft.chosen.filter((id) => id !== project.id);
        update();
        onChange();
      },
    });
    const label = h(
      "label",
      { class: "project" },
      input,
      h(
        "span",
        { class: "project-text" },
        h("span", { class: "project-name", id: nameId }, zh(project.name)),
        details(project, detailsId),
      ),
    );
    return { project, input, label };
  });

  function update() {
    const k = draft.chosen.length;
    const full = k >= n;
    counter.textContent = t("selection.counter", { k, n });
    counter.classList.toggle("full", full);
    limit.hidden = !full;
    for (const box of boxes) box.input.disabled = full && !box.input.checked;
  }

  update();
  return h(
    "div",
    { class: "ballot ballot-selection" },
    h("p", { class: "rule" }, t("selection.rule", { n })),
    h("div", { class: "counter-bar" }, counter, limit),
    h(
      "div",
      { class: "projects" },
      boxes.map((b) => b.label),
    ),
  );
}

function renderEach(def, draft, onChange) {
  const rows = def.candidates.map(
    (project) =>
      markGroup(
        project.name,
        draft.marks[project.id],
        (mark) => {
          draft.marks[project.id] = mark;
          onChange();
        },
        details(project, uid("details")),
      ).element,
  );
  return h(
    "div",
    { class: "ballot ballot-selection-each" },
    h("p", { class: "rule" }, t("selection.ruleEach")),
    h("div", { class: "candidates" }, rows),
  );
}

export function review(def, draft) {
  if (isEach(def)) {
    return reviewList(
      def.candidates.map((p) => [
        p.name,
        draft.marks[p.id] ? t(`choice.${draft.marks[p.id]}`) : t("unmarked"),
      ]),
    );
  }
  const chosen = def.candidates.filter((p) => draft.chosen.includes(p.id));
  if (!chosen.length) return h("p", { class: "review-empty" }, t("selection.none"));
  return h(
    "div",
    {},
    h("p", {}, t("selection.chosen", { k: chosen.length })),
    h(
      "ol",
      { class: "review-projects" },
      chosen.map((p) => h("li", {}, zh(p.name))),
    ),
    h("p", { class: "counter" }, t("selection.counter", { k: chosen.length, n: def.seats })),
  );
}
