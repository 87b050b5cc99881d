// Building the DOM without innerHTML, for every page: text from the server is set as text,
// never parsed. No inline styles or scripts either (the pages' CSP forbids them).

/** Set as properties, not attributes: `disabled: false` must clear, `value` must show. */
const PROPERTIES = new Set(["checked", "value", "disabled", "hidden"]);

/**
 * h("button", {class: "x", onclick: f, "aria-label": "…"}, "text", child, …)
 * Attributes whose value is null, undefined or false are left out; `true` sets an empty one.
 * `css` sets style properties through the CSSOM; `dataset` sets data-* attributes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (PROPERTIES.has(name)) {
      el[name] = value;
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "css") {
      for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (value !== false) {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Minutes and seconds "mm:ss" (hours are added when needed). */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}
