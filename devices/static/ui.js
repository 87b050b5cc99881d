// Small DOM helpers: no framework, no inline styles or scripts (the page's CSP forbids them).

import { lang } from "./i18n.js";

const PROPERTIES = new Set(["checked", "value", "disabled", "hidden"]);

/** Create an element: h("button", {class: "big", onclick: f}, "text", child, ...). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else if (value !== false) el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

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
