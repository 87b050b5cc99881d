"""The chair's console in Chromium, logged in on a meeting: the set-up the console's browser
tests share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from tests.e2e.conftest import CHAIR, DemoServer
from tests.e2e.watched import watched_page

#: The demo meeting's name, as the console's meeting list shows it.
DEMO_MEETING = "新洲镇第十七届人民代表大会第三次会议"


def log_in(page: Page, *, meeting: str = DEMO_MEETING) -> None:
    """Log in as the demo's chair on the console's login form and open ``meeting``."""
    page.get_by_label("用户名").fill(CHAIR[0])
    page.get_by_label("密码").fill(CHAIR[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name=re.compile(meeting)).click()


@contextmanager
def console_page(
    browser: Browser, server: DemoServer, *, height: int = 800, meeting: str = DEMO_MEETING
) -> Iterator[Page]:
    """The console in a new browser context, logged in on ``meeting``; no script error may
    occur on it while it is open."""
    with watched_page(browser, height=height, url=f"{server.base}/chair") as page:
        log_in(page, meeting=meeting)
        yield page
