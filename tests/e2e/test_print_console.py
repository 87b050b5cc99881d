"""The console's election paper and oath buttons in a real browser: 「打印当选证书」 appears on a
confirmed election's result and opens one certificate per elected person; 「记录宣誓」 on the
current oath item records who led it and who swore."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import scenario
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.console_login import console_page

BASE = f"/api/meetings/{MEETING}"
VICE = {
    "kind": "election",
    "title": "选举副镇长",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "黄丽华"},
        {"id": "c2", "name": "周志强"},
        {"id": "c3", "name": "吴桂兰"},
    ],
}
PAPER = {
    "issued": 36,
    "ballots": {"cast": 36, "valid": 36, "void": 0},
    "counts": {
        "c1": {"for": 30, "against": 4, "abstain": 2},
        "c2": {"for": 29, "against": 5, "abstain": 2},
        "c3": {"for": 6, "against": 25, "abstain": 5},
    },
    "confirmed_by": ["郑秀梅"],
}


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    """36 deputies signed in; p1 a counted paper election of two 副镇长, not yet confirmed."""
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, 36))
    scenario.make_current(demo_server, token, "i04")
    scenario.open_poll(demo_server, token, "i04", VICE, mode="manual")
    demo_server.api("POST", f"{BASE}/polls/p1/manual-result", PAPER, token=token)
    return token


@pytest.fixture(scope="module")
def console(demo_server: DemoServer, browser: Browser, token: str) -> Iterator[Page]:
    with console_page(browser, demo_server, height=900) as page:
        expect(page.locator("#conn")).to_have_text("已连接")
        yield page


def test_the_certificates_button_appears_once_the_presidium_confirms(
    demo_server: DemoServer, console: Page, token: str
) -> None:
    panel = console.locator("#poll-body")
    expect(panel.get_by_role("button", name="打印结果单")).to_be_visible()
    expect(panel.get_by_role("button", name="打印当选证书")).to_have_count(0)
    decision = {"decision": "主席团第三次会议决定：副镇长选举结果有效", "by": ["何金凤"]}
    demo_server.api("POST", f"{BASE}/polls/p1/confirm", decision, token=token)
    with console.expect_popup() as opened:
        panel.get_by_role("button", name="打印当选证书").click()
    sheet = opened.value
    expect(sheet).to_have_url(re.compile(r"/print/xinzhou-17-3\?poll=p1&sheet=certificates"))
    expect(sheet.locator("#sheet")).to_have_attribute("data-ready", "true")
    assert sheet.locator(".certificate-to").all_inner_texts() == ["黄丽华：", "周志强："]
    assert sheet.locator(".certificate-votes").all_inner_texts() == [
        "得赞成票 30 票。",
        "得赞成票 29 票。",
    ]
    sheet.close()


def test_the_chair_records_the_oath_of_the_current_oath_item(
    demo_server: DemoServer, console: Page, token: str
) -> None:
    item = console.locator('.agenda-item[data-item="i07"]')
    expect(item.get_by_role("button", name="记录宣誓：宪法宣誓")).to_have_count(0)
    scenario.make_current(demo_server, token, "i07")
    item.get_by_role("button", name="记录宣誓：宪法宣誓").click()
    dialog = console.locator("dialog")
    sworn = dialog.get_by_label("宣誓人（每行一名）")
    assert len(sworn.input_value().splitlines()) == 36
    dialog.get_by_label("领誓人").fill("何金凤")
    sworn.fill("黄丽华\n周志强\n")
    dialog.get_by_role("button", name="记录").click()
    expect(dialog).not_to_be_visible()
    expect(item.locator(".oath-note")).to_have_text("已宣誓：领誓人 何金凤，宣誓人 2 名")
    expect(item.get_by_role("button", name="记录宣誓：宪法宣誓")).to_have_count(0)
    shown = demo_server.api("GET", BASE, token=token)["items"]
    assert [i["oath"] for i in shown if i["item"] == "i07"] == [
        {"led_by": "何金凤", "sworn": ["黄丽华", "周志强"]}
    ]
