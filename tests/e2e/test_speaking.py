"""The speaking queue in real browsers: a deputy asks to speak on the tablet (申请发言) and
withdraws, the chair grants the floor on the console (准许发言) and ends it (结束发言), and the
hall display shows the speaker with the time left."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.console_login import log_in
from tests.e2e.tablet_pages import Chair, paired_tablet, screenshot
from tests.e2e.tablets import HallTablet
from tests.e2e.watched import watched_page


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    return Chair(demo_server, demo_server.login())


@pytest.fixture(scope="module")
def first(demo_server: DemoServer, chair: Chair) -> Iterator[HallTablet]:
    """d01's tablet over the protocol, signed in: it asks to speak before the browser tablet."""
    tablet = HallTablet(demo_server, "d01", chair.token)
    tablet.sign_in()
    yield tablet
    tablet.close()


@pytest.fixture(scope="module")
def tablet(browser: Browser, chair: Chair) -> Iterator[tuple[BrowserContext, Page]]:
    context, page = paired_tablet(browser, chair, "d02")
    yield context, page
    context.close()


@pytest.fixture(scope="module")
def console(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    with watched_page(browser, height=800, url=f"{demo_server.base}/chair") as page:
        log_in(page)
        expect(page.locator("#conn")).to_have_text("已连接")
        yield page


@pytest.fixture(scope="module")
def display(demo_server: DemoServer, browser: Browser) -> Iterator[Page]:
    token = demo_server.credentials()["display_token"]
    url = f"{demo_server.base}/display/{MEETING}#token={token}"
    with watched_page(browser, width=1920, height=1080, url=url) as page:
        yield page


def test_the_deputy_asks_to_speak_and_withdraws(
    first: HallTablet, tablet: tuple[BrowserContext, Page], console: Page
) -> None:
    _, page = tablet
    expect(console.locator("#speaking-queue")).to_have_text("暂无发言申请")
    first.speak_request()
    page.get_by_role("button", name="申请发言").click()
    expect(page.locator("#speak-position")).to_have_text("您已申请发言，排在第 2 位")
    page.get_by_role("button", name="撤回申请").click()
    expect(page.locator("#speak-position")).to_have_count(0)
    expect(console.locator("#speaking-queue li")).to_have_text(["王建国（1-01） 准许发言"])
    page.get_by_role("button", name="申请发言").click()
    expect(page.locator("#speak-position")).to_have_text("您已申请发言，排在第 2 位")
    expect(console.locator("#speaking-queue li")).to_have_text(
        ["王建国（1-01） 准许发言", "李秀英（1-02） 准许发言"]
    )
    screenshot(page, "speaking-queued")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.locator("#speaking").scroll_into_view_if_needed()
    console.screenshot(path=str(SCREENSHOTS / "console-speaking-queue.png"))


def test_the_chair_grants_the_head_of_the_queue_and_the_hall_counts_down(
    tablet: tuple[BrowserContext, Page], console: Page, display: Page
) -> None:
    _, page = tablet
    console.locator("#grant-floor").click()
    expect(console.locator("#speaker-line")).to_contain_text(
        "正在发言：王建国（1-01），限时 5 分钟"
    )
    expect(console.locator("#speaking-queue li")).to_have_text(["李秀英（1-02） 准许发言"])
    expect(page.locator("#speak-speaker")).to_have_text("正在发言：王建国")
    expect(page.locator("#speak-position")).to_have_text("您已申请发言，排在第 1 位")
    expect(display.locator("#speaker-name")).to_have_text("王建国（1-01）")
    expect(display.locator("#speech-countdown")).to_have_text(re.compile(r"^剩余 0[45]:\d\d$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    display.screenshot(path=str(SCREENSHOTS / "display-speaking.png"))


def test_the_chair_ends_the_speech_and_gives_the_floor_to_the_deputy(
    tablet: tuple[BrowserContext, Page], console: Page, display: Page
) -> None:
    _, page = tablet
    console.get_by_role("button", name="结束发言").click()
    expect(console.locator("#speaker-line")).to_have_text("当前无人发言")
    expect(display.locator("#speaker-name")).to_have_count(0)
    console.locator("#speaking-minutes").fill("3")
    console.get_by_role("button", name="准许 李秀英 发言").click()
    expect(page.locator("#speak-floor")).to_have_text("请您发言（限时 3 分钟）")
    expect(page.get_by_role("button", name="申请发言")).to_have_count(0)
    expect(display.locator("#speaker-name")).to_have_text("李秀英（1-02）")
    expect(display.locator("#speech-countdown")).to_have_text(re.compile(r"^剩余 0[23]:\d\d$"))
    screenshot(page, "speaking-floor")
