"""Public notices (公告) in real browsers: the chair issues a notice of an announced result on
the console; its A4 sheet renders; a fresh browser without any login opens the public pages
and checks, in the page, that the notice is in the meeting's log — and a notice whose text was
altered on the way fails that check."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e import scenario
from tests.e2e.a11y import check_page, low_contrast_text, unnamed_controls
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.console_login import console_page
from tests.e2e.watched import watched_page

BASE = f"/api/meetings/{MEETING}"
BUDGET = {"kind": "motion", "title": "关于新洲镇2026年财政预算的决议"}
PAPER = {
    "issued": 36,
    "ballots": {"cast": 36, "valid": 36, "void": 0},
    "counts": {"for": 30, "against": 4, "abstain": 2},
    "confirmed_by": ["郑秀梅"],
}
TITLE = "关于「关于新洲镇2026年财政预算的决议」表决结果的公告"


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    """36 deputies signed in; p1, the budget, counted on paper and announced."""
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, 36))
    scenario.make_current(demo_server, token, "i02")
    scenario.open_poll(demo_server, token, "i02", BUDGET, mode="manual")
    demo_server.api("POST", f"{BASE}/polls/p1/manual-result", PAPER, token=token)
    demo_server.api("POST", f"{BASE}/polls/p1/announce", token=token)
    return token


@pytest.fixture(scope="module")
def console(demo_server: DemoServer, browser: Browser, token: str) -> Iterator[Page]:
    with console_page(browser, demo_server, height=900) as page:
        expect(page.locator("#conn")).to_have_text("已连接")
        yield page


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    """A new browser context: no cookie, no token, no stored login."""
    with watched_page(browser, width=1000, height=1400) as page:
        yield page


def test_the_chair_issues_a_notice_of_the_announced_result(console: Page) -> None:
    panel = console.locator("#notices")
    expect(panel.locator("#notice-links")).to_have_count(0)
    expect(panel.locator("#notice-poll option")).to_have_text(
        ["p1 · 关于新洲镇2026年财政预算的决议"]
    )
    panel.locator("#notice-kind").select_option("result")
    panel.get_by_role("button", name="发布公告").click()
    expect(console.locator("#notice")).to_have_text("已发布公告")
    expect(panel.locator("#notice-links li")).to_have_text([f"第1号 {TITLE}"])
    expect(panel.locator("#notice-links a")).to_have_attribute(
        "href", f"/public/{MEETING}/notices/1"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.scroll_into_view_if_needed()
    card = console.locator("section.card", has=panel)
    card.screenshot(path=str(SCREENSHOTS / "console-notices.png"))
    panel.locator("#notice-kind").select_option("proposals")
    expect(panel.locator("#notice-poll")).to_be_disabled()
    panel.get_by_role("button", name="发布公告").click()
    expect(console.locator("#notice")).to_have_text("尚无已处理的议案或已答复的建议")
    expect(panel.locator("#notice-links li")).to_have_count(1)
    assert check_page(console) == {"unnamed": [], "contrast": [], "small": []}


def test_the_sheet_opens_without_login_and_checks_itself_against_the_log(
    demo_server: DemoServer, reader: Page
) -> None:
    reader.goto(f"{demo_server.base}/public/{MEETING}")
    expect(reader.locator("#notice-list li")).to_have_count(1)
    expect(reader.locator("#notice-list li")).to_contain_text(f"第1号 {TITLE} · 表决结果")
    reader.locator("#notice-list a").click()
    expect(reader).to_have_url(f"{demo_server.base}/public/{MEETING}/notices/1")
    expect(reader.locator("#notice-check")).to_have_text(
        re.compile(r"^已核验：本公告已记入会议日志（第\d+条，检查点树大小 \d+）$")
    )
    expect(reader.locator("#notice-title")).to_have_text(TITLE)
    expect(reader.locator(".notice-number")).to_have_text("第1号")
    expect(reader.locator(".notice-sign")).to_contain_text("大会主席团")
    text = reader.locator("#notice-text").inner_text()
    assert "表决结果：通过" in text and text.endswith("现予公告。")
    sha = reader.locator("#notice-sha256").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    qr = reader.locator("#checkpoint-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0") is True
    assert (unnamed_controls(reader), low_contrast_text(reader)) == ([], [])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(SCREENSHOTS / "public-notice.png"), full_page=True)
    reader.get_by_role("button", name="English").click()
    expect(reader.locator("#notice-check")).to_have_text(
        re.compile(r"^Verified: this notice is recorded in the meeting's log \(entry \d+, ")
    )
    expect(reader.locator(".notice-number")).to_have_text("No. 1")
    reader.get_by_role("button", name="中文").click()
    expect(reader.locator(".notice-number")).to_have_text("第1号")
    reader.emulate_media(media="print")
    expect(reader.locator(".toolbar")).to_be_hidden()
    expect(reader.locator("#notice-check")).to_be_hidden()
    expect(reader.locator("#checkpoint-qr")).to_be_visible()
    reader.screenshot(path=str(SCREENSHOTS / "print-notice.png"), full_page=True)


def test_an_altered_notice_fails_the_check_in_the_page(
    demo_server: DemoServer, reader: Page
) -> None:
    def alter(route: Route) -> None:
        answer = route.fetch().json()
        answer["text"] = answer["text"].replace("通过", "未通过")
        route.fulfill(json=answer)

    reader.route(re.compile(r".*/api/meetings/[^/]+/notices/1$"), alter)
    reader.goto(f"{demo_server.base}/public/{MEETING}/notices/1")
    expect(reader.locator("#notice-check")).to_have_text(
        re.compile(r"^核验未通过：the fields hash to [0-9a-f]{64}, not [0-9a-f]{64}$")
    )


def test_the_public_answers_hold_no_token(demo_server: DemoServer, token: str) -> None:
    listed = demo_server.api("GET", f"{BASE}/notices")
    notice = demo_server.api("GET", f"{BASE}/notices/1")
    text = json.dumps([listed, notice], ensure_ascii=False)
    assert token not in text and "device" not in text
    assert (notice["notice"], notice["sources"]) == (1, ["p1"])
