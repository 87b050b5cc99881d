"""The absence ledger on the chair console: two closed sessions of one term, a deputy absent
twice without leave is marked with the 代表法 Art 62 warning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS, DemoServer
from tests.e2e.console_login import console_page
from tests.e2e.term_sessions import open_session

TERM = "xinzhou-18"
ROSTER = {
    "deputies": [
        {"deputy": "a1", "name": "陈国平", "seat": "01"},
        {"deputy": "a2", "name": "林晓红", "seat": "02"},
        {"deputy": "a3", "name": "郑建华", "seat": "03"},
    ]
}


def session(
    server: DemoServer, token: str, meeting: str, date: str, title: str, **kw: list[str]
) -> None:
    base = open_session(
        server,
        token,
        meeting=meeting,
        term=TERM,
        date=date,
        title=title,
        roster=ROSTER,
        present=kw["present"],
    )
    for deputy in kw.get("leave", []):
        server.api("POST", f"{base}/deputies/{deputy}/leave", {"leave": True}, token)
    server.api("POST", f"{base}/close", {}, token)


@pytest.fixture(scope="module")
def console(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    token = demo_server.login()
    session(
        demo_server,
        token,
        "t18-1",
        "2027-03-01",
        "第十八届第一次会议",
        present=["a1"],
        leave=["a2"],
    )
    session(demo_server, token, "t18-2", "2027-09-01", "第十八届第二次会议", present=["a1", "a2"])
    with console_page(browser, demo_server, meeting="第十八届第二次会议") as page:
        yield page


def test_the_ledger_lists_each_session_and_warns_at_two_absences(console: Page) -> None:
    console.get_by_role("button", name="查看本届缺席记录").click()
    expect(console.locator("#absences-summary")).to_have_text("届次：xinzhou-18，已闭会 2 次")
    rows = console.locator("#absences-table tbody tr")
    expect(rows).to_have_text(
        [
            "陈国平（01）出席出席00",
            "林晓红（02）请假出席10",
            "郑建华（03）缺席缺席02未经批准两次缺席（代表法第六十二条：代表资格终止）",
        ]
    )
    expect(console.locator("#absences-table tr.absence-warning")).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.locator("#absences").scroll_into_view_if_needed()
    console.screenshot(path=str(SCREENSHOTS / "console-absences.png"))
