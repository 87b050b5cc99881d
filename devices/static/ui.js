// The tablet's own DOM helpers on top of the shared h() (common/dom.js): Chinese names in an
// English page, and unique element ids.

import { lang } from "./i18n.js";
import { h } from "/static/common/dom.js";

export { h };

/** Text that is Chinese whatever the page language (names, titles): marked as such in English. */
export function zh(text) {
  return lang() === "en" ? h("span", { lang: "zh-CN" }, text) : text;
}

let counter = 0;

/** A unique element id. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
