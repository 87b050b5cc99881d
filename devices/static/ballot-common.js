// Pieces shared by the ballot screens: a row of for / against / abstain choices.

import { t } from "./i18n.js";
import { h, uid, zh } from "./ui.js";

export const MARKS = ["for", "against", "abstain"];

/**
 * A radio group of the three marks for one candidate or project: a fieldset whose legend is
 * the name. `onPick(mark)` is called when a mark is chosen. Returns {element, inputs}.
 */
export function markGroup(name, value, onPick, details = null) {
  const group = uid("marks");
  const inputs = {};
  const labels = MARKS.map((mark) => {
    const input = h("input", {
      type: "radio",
      name: group,
      value: mark,
      checked: value === mark,
      "aria-label": t("mark.label", { name, mark: t(`choice.${mark}`) }),
      onchange: () => onPick(mark),
    });
    inputs[mark] = input;
    return h("label", { class: `mark mark-${mark}` }, input, h("span", {}, t(`choice.${mark}`)));
  });
  const element = h(
    "fieldset",
    { class: "mark-row" },
    h("legend", { class: "row-name" }, zh(name)),
    details,
    h("div", { class: "marks" }, labels),
  );
  return { element, inputs };
}

/** Review lines as a definition list: [[label, value], ...]. */
export function reviewList(lines) {
  return h(
    "dl",
    { class: "review-list" },
    lines.map(([label, value]) =>
      h("div", { class: "review-line" }, h("dt", {}, zh(label)), h("dd", {}, value)),
    ),
  );
}
