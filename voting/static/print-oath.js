// The constitution oath in the printed minutes: who led it (领誓人) and who swore.

import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

register({
  zh: {
    oath_led_by: "领誓人：{name}",
    oath_sworn: "宣誓人（{count} 名）：{names}",
  },
  en: {
    oath_led_by: "Led by: {name}",
    oath_sworn: "Sworn ({count}): {names}",
  },
});

/** The lines under an oath item of the agenda once the oath is recorded; none otherwise. */
export function oathLines(item) {
  if (item.kind !== "oath" || !item.oath) return [];
  return [
    h(
      "p",
      { class: "oath-record" },
      t("oath_led_by", { name: item.oath.led_by }),
      h("br", {}),
      t("oath_sworn", { count: item.oath.sworn.length, names: item.oath.sworn.join("、") }),
    ),
  ];
}
