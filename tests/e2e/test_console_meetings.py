"""The console's meeting switcher and the administrator's account panel on a county server.

The demo server gets three more meetings: a second one of Xinzhou, one of Dongpo and the county
congress. Xinzhou's chair runs Xinzhou's two meetings and sees only those; Dongpo's chair runs
one meeting and goes straight to it; the administrator sees every meeting and changes an
account's meetings in the account panel.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.a11y import check_page
from tests.e2e.conftest import CHAIR, MEETING, SCREENSHOTS, DemoServer
from tests.e2e.watched import watched_page
from voting import sample

NO_PROBLEMS = {"unnamed": [], "contrast": [], "small": []}
XINZHOU_4 = ("xinzhou-17-4", "xinzhou.congress.local/17-4", "新洲镇第十七届人民代表大会第四次会议")
DONGPO = ("dongpo-17-3", "dongpo.congress.local/17-3", "东坡镇第十七届人民代表大会第三次会议")
COUNTY = ("county-16-5", "county.congress.local/16-5", "平江县第十六届人民代表大会第五次会议")


@pytest.fixture(scope="module")
def county(demo_server: DemoServer) -> DemoServer:
    admin = demo_server.login()
    for meeting, origin, title in (XINZHOU_4, DONGPO, COUNTY):
        body = {"meeting": meeting, "origin": origin, "title": title, "date": "2026-09-01"}
        demo_server.api("POST", "/api/meetings", body, admin)
    for username, meetings in (
        ("xinzhou", [MEETING, XINZHOU_4[0]]),
        ("dongpo", [DONGPO[0]]),
    ):
        body = {
            "username": username,
            "role": "chair",
            "password": f"{username}-password",
            "meetings": meetings,
        }
        demo_server.api("POST", "/api/accounts", body, admin)
    return demo_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser, height=900) as page:
        yield page


def log_in(page: Page, server: DemoServer, username: str, password: str) -> None:
    page.goto(f"{server.base}/chair")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelector('#notice').replaceChildren()")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def choices(page: Page) -> list[list[str]]:
    """The switcher's meetings: title, date and status, origin."""
    found: list[list[str]] = page.locator(".meeting-choice").evaluate_all(
        "buttons => buttons.map(b => [...b.children].map(span => span.textContent))"
    )
    return found


def test_xinzhous_chair_sees_exactly_xinzhous_meetings(county: DemoServer, page: Page) -> None:
    log_in(page, county, "xinzhou", "xinzhou-password")
    expect(page.locator(".meeting-choice")).to_have_count(2)
    assert choices(page) == [
        [sample.TITLE, "2026-03-01 · 进行中", sample.ORIGIN],
        [XINZHOU_4[2], "2026-09-01 · 未开始", XINZHOU_4[1]],
    ]
    expect(page.locator("#accounts-panel")).to_be_hidden()
    assert check_page(page) == NO_PROBLEMS
    shot(page, "console-meeting-switcher.png")
    page.get_by_role("button", name=sample.TITLE).click()
    expect(page.locator("#meeting-runners")).to_have_text(
        "可管理本会议的账户：chair（管理员）、operator（操作员）、xinzhou（主持人）"
    )


def test_an_account_with_one_meeting_goes_straight_to_it(county: DemoServer, page: Page) -> None:
    log_in(page, county, "dongpo", "dongpo-password")
    expect(page.locator("#meeting-list")).to_contain_text(f"{DONGPO[2]} — 该会议尚未开始。")
    expect(page.get_by_role("button", name="开始会议")).to_be_visible()
    expect(page.locator(".meeting-choice")).to_have_count(0)


def account_rows(page: Page) -> list[list[str]]:
    rows: list[list[str]] = page.locator(".accounts-table tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].slice(0, 3).map(cell => cell.textContent))"
    )
    return rows


def test_the_administrator_changes_an_accounts_meetings(county: DemoServer, page: Page) -> None:
    log_in(page, county, *CHAIR)
    expect(page.locator(".meeting-choice")).to_have_count(4)
    expect(page.locator(".accounts-table tbody tr")).to_have_count(4)
    assert account_rows(page) == [
        ["chair", "管理员", "全部会议"],
        ["dongpo", "主持人", DONGPO[2]],
        ["operator", "操作员", sample.TITLE],
        ["xinzhou", "主持人", f"{sample.TITLE}、{XINZHOU_4[2]}"],
    ]
    row = page.locator('tr[data-account="dongpo"]')
    row.get_by_role("button", name="更改范围").click()
    row.get_by_label(COUNTY[2], exact=False).check()
    assert check_page(page) == NO_PROBLEMS
    shot(page, "console-accounts.png")
    row.get_by_role("button", name="保存范围").click()
    # In the order of the meetings' ids, as the server lists them.
    expect(page.locator('tr[data-account="dongpo"] .account-scope')).to_have_text(
        f"{COUNTY[2]}、{DONGPO[2]}"
    )
    listed = county.api("GET", "/api/accounts", token=county.login())["accounts"]
    assert {"username": "dongpo", "role": "chair", "meetings": [COUNTY[0], DONGPO[0]]} in listed


def test_the_administrator_creates_a_county_account_for_every_meeting(
    county: DemoServer, page: Page
) -> None:
    log_in(page, county, *CHAIR)
    expect(page.locator(".accounts-table tbody tr")).to_have_count(4)
    form = page.locator("form.new-account")
    form.get_by_label("用户名").fill("county")
    form.get_by_label("初始密码（至少8个字符）").fill("county-password")
    form.get_by_label("全部会议").check()
    form.get_by_role("button", name="创建账户").click()
    expect(page.locator('tr[data-account="county"] .account-scope')).to_have_text("全部会议")
    listed = county.api("GET", "/api/accounts", token=county.login())["accounts"]
    assert {"username": "county", "role": "chair", "meetings": "all"} in listed
