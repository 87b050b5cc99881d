"""Helpers for browser tests of the deputy's tablet page: opening paired tablets, the chair's
side through the HTTP API, screenshots, and the accessibility checks (accessible names from
Chromium's accessibility tree, target sizes, WCAG contrast from computed colours)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from voting import sample

VIEWPORT = {"width": 1280, "height": 800}
BASE = f"/api/meetings/{MEETING}"
#: Tablets in these tests belong to d01..d18; the operator signs in d19..d54 (36 of 54, a quorum).
OPERATOR_SIGNED = [f"d{i:02}" for i in range(19, 55)]
MIN_TARGET = 48
MIN_CONTRAST = 4.5


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``condition`` every 0.2 s until it holds; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout:.0f} s")
        time.sleep(0.2)


@dataclass
class Chair:
    """The chair's side of a test, through the HTTP API."""

    server: DemoServer
    token: str

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.server.api(method, BASE + path, {} if body is None else body, self.token)

    def get(self, path: str = "") -> Any:
        return self.server.api("GET", BASE + path, None, self.token)

    def pairing_code(self, deputy: str) -> str:
        code: str = self.api("POST", f"/deputies/{deputy}/pairing-code")["code"]
        return code

    def open_poll(
        self,
        item: str,
        *,
        mode: str,
        change_policy: str = "last",
        answer: Callable[[], object] | None = None,
    ) -> str:
        """Open a poll on ``item``; an earlier counted poll of the item is voided first, with a
        reason (the rules put a decided item to the vote again only so). An encrypted poll is
        opened under the id of a liveness challenge issued first, which ``answer()`` has the
        stations answer (without it: the demo's own stations, waited for)."""
        for earlier in self.get("/polls")["polls"]:
            if earlier["item"] == item and earlier["status"] == "closed":
                self.api("POST", f"/polls/{earlier['poll']}/void", {"reason": "测试：重新表决"})
        definition = next(i.definition for i in sample.agenda() if i.item == item)
        body = {
            "item": item,
            "definition": definition,
            "mode": mode,
            "change_policy": change_policy,
        }
        if mode == "encrypted":
            body["poll"] = poll = f"p{len(self.get('/polls')['polls']) + 1}"
            self.api("POST", "/liveness/challenge", {"poll": poll})
            if answer is not None:
                answer()
            else:
                wait_until(lambda: self.live(poll) >= self.get("/ceremony")["key"]["t"])
        opened: str = self.api("POST", "/polls", body)["poll"]
        return opened

    def live(self, poll: str) -> int:
        """How many stations answered ``poll``'s liveness challenge."""
        board = self.get("/ceremony")
        return next((len(c["answered"]) for c in board["liveness"] if c["poll"] == poll), 0)

    def close_poll(self, poll: str) -> dict[str, Any]:
        """Close ``poll``; its result (an encrypted poll's once ``decrypt()`` is done by the
        caller: see :meth:`result`)."""
        closed: dict[str, Any] = self.api("POST", f"/polls/{poll}/close")
        return closed.get("result") or {}

    def result(
        self, poll: str, step: Callable[[], object] | None = None, timeout: float = 30.0
    ) -> dict[str, Any]:
        """``poll``'s result as the chair sees it, once there is one: ``step()`` runs the
        stations between looks (without it: the demo's own stations, waited for)."""
        found: dict[str, Any] = {}

        def counted() -> bool:
            if step is not None:
                step()
            polls = self.get()["polls"]
            found.update(next(p for p in polls if p["poll"] == poll).get("result") or {})
            return bool(found)

        wait_until(counted, timeout)
        return found

    def cast(self) -> int:
        count: int = self.get()["poll"]["cast"]
        return count


def new_tablet(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    """A fresh tablet: its own browser context (storage, keys) and page, at 1280x800."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", **options)
    page = context.new_page()
    errors = page_errors(page)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page


_ERRORS: dict[int, list[str]] = {}


def page_errors(page: Page) -> list[str]:
    """Uncaught script errors of a page opened by :func:`new_tablet`."""
    return _ERRORS.setdefault(id(page), [])


def pair(page: Page, server: DemoServer, code: str) -> None:
    """Open the pairing link, as scanning the card's QR code does."""
    page.goto(f"{server.base}/tablet/{MEETING}#code={code}")


def paired_tablet(
    browser: Browser, chair: Chair, deputy: str, *, sign_in: bool = True
) -> tuple[BrowserContext, Page]:
    context, page = new_tablet(browser)
    pair(page, chair.server, chair.pairing_code(deputy))
    name = deputy_name(deputy)
    expect(page.locator("#deputy-name")).to_have_text(f"代表：{name}")
    if sign_in:
        page.get_by_role("button", name="签到").click()
        expect(page.locator("#signin-status")).to_have_text("已签到")
    return context, page


def deputy_name(deputy: str) -> str:
    return next(line.name for line in sample.roster() if line.deputy == deputy)


def deputy_seat(deputy: str) -> str:
    return next(line.seat for line in sample.roster() if line.deputy == deputy)


def screenshot(page: Page, name: str) -> None:
    """Write docs/screenshots/tablet-NAME.png (1280x800, the visible part of the page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tablet-{name}.png"))


def stored(page: Page, store: str) -> list[dict[str, Any]]:
    """Every record of one IndexedDB object store of the tablet page, as JSON-safe values; a
    CryptoKey is described by its type, algorithm, extractable flag and usages."""
    text: str = page.evaluate(
        """async (store) => {
            const db = await new Promise((resolve, reject) => {
                const request = indexedDB.open("congress-vote-tablet");
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            const records = await new Promise((resolve, reject) => {
                const request = db.transaction(store).objectStore(store).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            db.close();
            return JSON.stringify(records, (key, value) =>
                value instanceof CryptoKey
                    ? {type: value.type, algorithm: value.algorithm.name,
                       extractable: value.extractable, usages: value.usages}
                    : value);
        }""",
        store,
    )
    records: list[dict[str, Any]] = json.loads(text)
    return records


# Accessibility ---------------------------------------------------------------------------------

#: Runs on one control: where it is, what text it shows and on what background.
_DESCRIBE = """function () {
    const el = this;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const shown = el.checkVisibility({visibilityProperty: true});
    const choice = el.type === "checkbox" || el.type === "radio";
    const target = choice ? el.closest("label") || el : el;
    const rect = target.getBoundingClientRect();
    const parse = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return [0, 0, 0, 0];
        const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
    };
    const background = (node) => {
        const layers = [];
        for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c[3] > 0) layers.push(c);
            if (c[3] >= 1) break;
        }
        let out = [255, 255, 255];
        for (const [r, g, b, a] of layers.reverse()) {
            out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
        }
        return out;
    };
    // Every element that shows text for this control: itself (a button, a text field) or its
    // label row, with the descendants holding the text.
    const roots = choice ? [target] : [el, ...(el.labels || [])];
    const texts = [];
    for (const root of roots) {
        const walker = [root, ...root.querySelectorAll("*")];
        for (const node of walker) {
            const own = [...node.childNodes].some(
                (c) => c.nodeType === 3 && c.textContent.trim());
            const field = node === el && el.tagName === "INPUT" && el.type === "text";
            if (!own && !field) continue;
            if (!node.checkVisibility()) continue;
            const fg = parse(getComputedStyle(node).color);
            texts.push({text: (node.textContent || node.value || "").trim().slice(0, 40),
                        color: fg.slice(0, 3), background: background(node)});
        }
    }
    return {shown, tag: el.tagName.toLowerCase(), type: el.type || "",
            width: rect.width, height: rect.height, texts,
            outline: style.outlineStyle};
}"""


def relative_luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: list[float], background: list[float]) -> float:
    """WCAG 2 contrast ratio of two opaque sRGB colours."""
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def controls(page: Page) -> list[dict[str, Any]]:
    """Every visible button and input of the page, with its accessible name as Chromium's
    accessibility tree computes it, its target size and its text colours."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        found = cdp.send(
            "DOM.querySelectorAll", {"nodeId": root, "selector": "button, input, select, textarea"}
        )["nodeIds"]
        described = []
        for node in found:
            obj = cdp.send("DOM.resolveNode", {"nodeId": node})["object"]["objectId"]
            info = cdp.send(
                "Runtime.callFunctionOn",
                {"objectId": obj, "functionDeclaration": _DESCRIBE, "returnByValue": True},
            )["result"]["value"]
            if not info["shown"]:
                continue
            ax = cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False}
            )
            info["name"] = str(ax["nodes"][0].get("name", {}).get("value", "")).strip()
            described.append(info)
        return described
    finally:
        cdp.detach()


def accessibility_problems(page: Page) -> list[str]:
    """What fails: a control without an accessible name, a target under 48x48 CSS px (a
    checkbox or radio button counts by its label row), text under 4.5:1 contrast."""
    problems = []
    found = controls(page)
    assert found, "no controls on the page"
    for info in found:
        what = f"{info['tag']}[{info['type']}] {info['name']!r}"
        if not info["name"]:
            problems.append(f"{what}: no accessible name")
        if info["width"] < MIN_TARGET or info["height"] < MIN_TARGET:
            problems.append(f"{what}: target {info['width']:.0f}x{info['height']:.0f}")
        for text in info["texts"]:
            ratio = contrast_ratio(text["color"], text["background"])
            if ratio < MIN_CONTRAST:
                problems.append(f"{what}: text {text['text']!r} contrast {ratio:.2f}")
    return problems


def assert_accessible(page: Page) -> None:
    problems = accessibility_problems(page) + body_text_problems(page)
    assert problems == [], "\n".join(problems)


def body_text_problems(page: Page) -> list[str]:
    """Text anywhere in the main area and header whose contrast is under 4.5:1, or whose font
    is smaller than 20 px."""
    found: list[dict[str, Any]] = page.evaluate(
        """() => {
            const parse = (text) => {
                const m = text.match(/rgba?\\(([^)]+)\\)/);
                const p = m ? m[1].split(/[ ,/]+/).filter(Boolean).map(Number) : [0, 0, 0, 0];
                return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
            };
            const background = (node) => {
                const layers = [];
                for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
                    const c = parse(getComputedStyle(n).backgroundColor);
                    if (c[3] > 0) layers.push(c);
                    if (c[3] >= 1) break;
                }
                let out = [255, 255, 255];
                for (const [r, g, b, a] of layers.reverse()) {
                    out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a),
                           b * a + out[2] * (1 - a)];
                }
                return out;
            };
            const out = [];
            for (const node of document.body.querySelectorAll("*")) {
                const own = [...node.childNodes].some(
                    (c) => c.nodeType === 3 && c.textContent.trim());
                if (!own || !node.checkVisibility()) continue;
                if (node.closest("noscript")) continue;
                const style = getComputedStyle(node);
                out.push({text: node.textContent.trim().slice(0, 40),
                          color: parse(style.color).slice(0, 3), background: background(node),
                          size: parseFloat(style.fontSize)});
            }
            return out;
        }"""
    )
    problems = []
    for text in found:
        ratio = contrast_ratio(text["color"], text["background"])
        if ratio < MIN_CONTRAST:
            problems.append(f"{text['text']!r}: contrast {ratio:.2f}")
        if text["size"] < 20:
            problems.append(f"{text['text']!r}: font {text['size']} px")
    return problems


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
