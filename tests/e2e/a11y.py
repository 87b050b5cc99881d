"""Accessibility checks run inside the page: names of controls, text contrast, target sizes.

Each function returns what fails, so that a test can assert the list is empty and show it.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

_VISIBLE = """
function visible(el) {
  const style = getComputedStyle(el);
  if (style.visibility !== "visible" || style.display === "none") return false;
  const box = el.getBoundingClientRect();
  return box.width > 1 && box.height > 1 && el.closest("[hidden], [aria-hidden=true]") === null;
}
"""

_UNNAMED = (
    """
() => {
"""
    + _VISIBLE
    + """
  const out = [];
  for (const el of document.querySelectorAll("button, input, select, textarea, a[href]")) {
    if (!visible(el) || el.type === "hidden") continue;
    let name = "";
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      name = by.split(/\\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ");
    }
    if (!name.trim()) name = el.getAttribute("aria-label") || "";
    if (!name.trim() && el.labels) name = [...el.labels].map((l) => l.textContent).join(" ");
    if (!name.trim() && (el.tagName === "BUTTON" || el.tagName === "A")) name = el.textContent;
    if (!name.trim()) name = el.getAttribute("title") || "";
    if (!name.trim()) out.push(el.outerHTML.slice(0, 160));
  }
  return out;
}
"""
)

_CONTRAST = (
    """
(minimum) => {
"""
    + _VISIBLE
    + """
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  }
  function background(el) {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (!visible(el) || el.closest("button:disabled, dialog:not([open])")) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(rgba(style.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < minimum) {
      const text = node.textContent.trim().slice(0, 40);
      out.push(`${ratio.toFixed(2)} ${style.color} on ${bg}: ${text}`);
    }
  }
  return out;
}
"""
)

_SMALL = (
    """
(minimum) => {
"""
    + _VISIBLE
    + """
  const out = [];
  for (const el of document.querySelectorAll("button, input, select, textarea, summary")) {
    if (!visible(el) || el.type === "checkbox") continue;
    const box = el.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      out.push(`${Math.round(box.width)}x${Math.round(box.height)} ${el.outerHTML.slice(0, 100)}`);
    }
  }
  return out;
}
"""
)


def unnamed_controls(page: Page) -> list[str]:
    """Visible buttons, fields and links without an accessible name."""
    found: list[str] = page.evaluate(_UNNAMED)
    return found


def low_contrast_text(page: Page, minimum: float = 4.5) -> list[str]:
    """Visible text whose WCAG contrast ratio against its background is below ``minimum``."""
    found: list[str] = page.evaluate(_CONTRAST, minimum)
    return found


def small_targets(page: Page, minimum: float = 44) -> list[str]:
    """Visible controls smaller than ``minimum`` CSS pixels in width or height."""
    found: list[str] = page.evaluate(_SMALL, minimum)
    return found


def check_page(page: Page, *, targets: bool = True) -> dict[str, Any]:
    """All three checks; a dict of empty lists when the page passes."""
    result: dict[str, Any] = {
        "unnamed": unnamed_controls(page),
        "contrast": low_contrast_text(page),
    }
    if targets:
        result["small"] = small_targets(page)
    return result
