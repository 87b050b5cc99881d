"""The browser infrastructure itself: Chromium loads a page served by the demo server."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.conftest import MEETING, DemoServer


def test_chromium_loads_the_tablet_page(demo_server: DemoServer, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    response = page.goto(f"{demo_server.base}/tablet/{MEETING}")
    assert response is not None and response.status == 200
    assert page.evaluate("window.isSecureContext") is True
    assert page.evaluate("typeof crypto.subtle.generateKey") == "function"
    context.close()
