// The constitution oath on the hall display: the statutory text while an oath item is current,
// and once the chair has recorded it, who led it (领誓人) and how many swore.

import { h } from "/static/common/dom.js";
import { register, t } from "./i18n.js";

/** 宪法宣誓誓词: 全国人大常委会关于实行宪法宣誓制度的决定 (2018 年修订). */
export const OATH_TEXT =
  "我宣誓：忠于中华人民共和国宪法，维护宪法权威，履行法定职责，忠于祖国、忠于人民，" +
  "恪尽职守、廉洁奉公，接受人民监督，为建设富强民主文明和谐美丽的社会主义现代化强国努力奋斗！";

register({
  zh: {
    hall_oath_title: "宪法宣誓誓词",
    hall_oath_taken: "宣誓已完成：领誓人 {name}，宣誓人 {count} 名",
  },
  en: {
    hall_oath_title: "Oath of allegiance to the Constitution",
    hall_oath_taken: "The oath was taken: led by {name}, {count} sworn",
  },
});

/** The oath block of an agenda item of kind `oath`. */
export function oathBlock(item) {
  return h(
    "div",
    { class: "oath-block" },
    h("h2", { class: "oath-title" }, t("hall_oath_title")),
    h("p", { class: "oath-text", lang: "zh-CN", id: "oath-text" }, OATH_TEXT),
    item.oath
      ? h(
          "p",
          { class: "oath-taken", id: "oath-taken" },
          t("hall_oath_taken", { name: item.oath.led_by, count: item.oath.sworn.length }),
        )
      : null,
  );
}
