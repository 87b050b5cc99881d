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
    ed25519 = page.evaluate(
        """async () => {
            const key = await crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign"]);
            const signature = await crypto.subtle.sign("Ed25519", key.privateKey, new Uint8Array(1));
            return [key.privateKey.extractable, signature.byteLength];
        }"""
    )
    assert ed25519 == [False, 64]
    context.close()
