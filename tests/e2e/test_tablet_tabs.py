"""Tablets in tabs of one browser: the device store is shared by the origin, so each tab keeps
its own deputy (the store is keyed by meeting and deputy, the tab's choice is in its
sessionStorage); a tab that has not chosen asks which deputy it is; the store of the earlier
layout (one device per meeting) is carried over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablet_pages import Chair, deputy_name, new_tablet, pair, stored


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    return Chair(demo_server, demo_server.login())


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context, _ = new_tablet(browser)
    yield context
    context.close()


def test_three_tabs_keep_three_deputies_after_a_reload(
    chair: Chair, context: BrowserContext
) -> None:
    deputies = ["d01", "d02", "d03"]
    errors: list[str] = []
    context.on("page", lambda tab: tab.on("pageerror", lambda error: errors.append(str(error))))
    tabs = []
    for deputy in deputies:
        tab = context.new_page()
        pair(tab, chair.server, chair.pairing_code(deputy))
        expect(tab.locator("#deputy-name")).to_have_text(f"代表：{deputy_name(deputy)}")
        tabs.append(tab)
    for tab, deputy in zip(tabs, deputies, strict=True):
        tab.reload()
        expect(tab.locator("#deputy-name")).to_have_text(f"代表：{deputy_name(deputy)}")
        assert tab.evaluate(f"sessionStorage.getItem('congress-vote-deputy:{MEETING}')") == deputy
    keys = sorted(record["key"] for record in stored(tabs[0], "devices"))
    assert keys == [f"{MEETING}/{deputy}" for deputy in deputies]

    # A new tab has no choice yet: it asks, and then keeps the deputy chosen.
    fresh = context.new_page()
    fresh.goto(f"{chair.server.base}/tablet/{MEETING}")
    expect(fresh.get_by_role("heading", level=2)).to_have_text("请选择本页面的代表")
    choices = fresh.locator(".choose-deputy button")
    expect(choices).to_have_text(["代表编号 d01", "代表编号 d02", "代表编号 d03"])
    fresh.get_by_role("button", name="代表编号 d02").click()
    expect(fresh.locator("#deputy-name")).to_have_text(f"代表：{deputy_name('d02')}")
    fresh.reload()
    expect(fresh.locator("#deputy-name")).to_have_text(f"代表：{deputy_name('d02')}")
    # The other tabs are still who they were.
    tabs[0].reload()
    expect(tabs[0].locator("#deputy-name")).to_have_text(f"代表：{deputy_name('d01')}")
    assert errors == []


def test_a_store_of_the_earlier_layout_is_carried_over(
    chair: Chair, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(f"{chair.server.base}/static/common/words.js")  # this origin, no tablet code yet
    page.evaluate(
        """(meeting) => new Promise((resolve, reject) => {
            const request = indexedDB.open("congress-vote-tablet", 1);
            request.onupgradeneeded = () => {
                const db = request.result;
                db.createObjectStore("devices", { keyPath: "meeting" }).put({
                    meeting, deputy: "d09", device: "t-0000000000000000", origin: "x",
                    alg: "ed25519", counter: 3, outbox: [], logKey: null,
                });
                db.createObjectStore("ballots", { keyPath: "key" }).put({
                    key: meeting + "/p1", meeting, deputy: "d09", poll: "p1", trackingCode: "r",
                });
            };
            request.onsuccess = () => { request.result.close(); resolve(); };
            request.onerror = () => reject(request.error);
        })""",
        MEETING,
    )
    page.goto(f"{chair.server.base}/tablet/{MEETING}")
    # The carried-over device is unknown to this server: the tablet says it is not paired.
    expect(page.get_by_role("heading", level=2)).to_have_text("本平板已被注销或尚未配对")
    [device] = stored(page, "devices")
    assert (device["key"], device["deputy"], device["counter"]) == (f"{MEETING}/d09", "d09", 3)
    [ballot] = stored(page, "ballots")
    assert (ballot["key"], ballot["trackingCode"]) == (f"{MEETING}/d09/p1", "r")
