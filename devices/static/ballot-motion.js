// Motion ballot (表决): three large buttons; the choice is "for", "against" or "abstain".

import { t } from "./i18n.js";
import { h } from "./ui.js";
import { MARKS } from "./ballot-common.js";

/** The three buttons; `onPick(mark)` leads to the confirm step. */
export function render(onPick) {
  return h(
    "div",
    { class: "ballot ballot-motion" },
    h("p", { class: "prompt" }, t("motion.prompt")),
    h(
      "div",
      { class: "motion-buttons" },
      MARKS.map((mark) =>
        h(
          "button",
          { type: "button", class: `vote vote-${mark}`, onclick: () => onPick(mark) },
          t(`choice.${mark}`),
        ),
      ),
    ),
  );
}
