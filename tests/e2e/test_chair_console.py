"""The chair console in a real browser against a real server: one sitting, step by step.

The tests of this module run in order on one page: log in, sign deputies in on the seat map,
open and close a named vote fed by tablets, announce it, void a vote and re-run it on paper
with the scrutineers' confirmation, and switch to English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e import scenario
from tests.e2e.a11y import check_page
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.console_login import log_in
from tests.e2e.tablets import HallTablet
from tests.e2e.watched import watched_page
from voting import sample

NO_PROBLEMS = {"unnamed": [], "contrast": [], "small": []}


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    with watched_page(browser, height=800) as page:
        yield page


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    return demo_server.login()


@pytest.fixture(scope="module")
def hall(demo_server: DemoServer, token: str) -> Iterator[list[HallTablet]]:
    """Tablets of d10…d39 are created by a test below; closed when the module ends."""
    found: list[HallTablet] = []
    yield found
    for tablet in found:
        tablet.close()


def shot(page: Page, name: str) -> None:
    """A screenshot for the docs, without the passing notice of the last action."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelector('#notice').replaceChildren()")
    page.screenshot(path=str(SCREENSHOTS / name))


def attendance(page: Page) -> str:
    return page.locator("#attendance-line").inner_text()


def table_rows(page: Page, selector: str) -> list[list[str]]:
    """The cells' texts of each body row of a table."""
    rows: list[list[str]] = page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    return rows


def seat(page: Page, deputy: str) -> str:
    return f'.seat[data-deputy="{deputy}"]'


def test_a_wrong_password_is_refused_in_chinese(demo_server: DemoServer, page: Page) -> None:
    page.goto(f"{demo_server.base}/chair")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill("chair")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
    assert check_page(page) == NO_PROBLEMS


def test_repeated_failures_are_throttled_with_a_message(
    demo_server: DemoServer, page: Page
) -> None:
    page.get_by_label("用户名").fill("nobody")
    for _ in range(6):
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#login-error")).not_to_have_text("")
    expect(page.locator("#login-error")).to_have_text(
        re.compile(r"^登录失败次数过多，请\d+秒后再试$")
    )


def test_the_chair_logs_in_and_sees_54_seats(demo_server: DemoServer, page: Page) -> None:
    log_in(page)
    expect(page.locator(".seat")).to_have_count(54)
    expect(page.locator("#conn")).to_have_text("已连接")
    assert attendance(page) == "本次大会应到代表54名，实到0名，请假0名，不足法定人数"
    first = page.locator(seat(page, "d01"))
    expect(first).to_have_attribute("data-seat", "1-01")
    expect(first.locator(".seat-name")).to_have_text("王建国")
    expect(first.locator(".seat-state")).to_have_text("✗ 未到")
    expect(page.locator(".seat-row")).to_have_count(6)
    assert page.evaluate("sessionStorage.getItem('congress-token')")


def test_three_seats_are_signed_in_by_clicking_them(page: Page) -> None:
    for n, deputy in enumerate(["d01", "d02", "d03"], start=1):
        page.locator(seat(page, deputy)).click()
        dialog = page.locator("dialog")
        expect(dialog.locator("#dialog-title")).to_contain_text("座 ·")
        dialog.get_by_role("button", name="补签").click()
        expect(dialog).not_to_be_visible()
        expect(page.locator("#attendance-line")).to_have_text(
            f"本次大会应到代表54名，实到{n}名，请假0名，不足法定人数"
        )
        expect(page.locator(seat(page, deputy)).locator(".seat-state")).to_have_text("✓ 已到")
    expect(page.locator('[data-count="present"]')).to_have_text("3")


def test_leave_is_recorded_on_a_seat(page: Page) -> None:
    page.locator(seat(page, "d54")).click()
    page.locator("dialog").get_by_role("button", name="请假登记").click()
    expect(page.locator("#attendance-line")).to_have_text(
        "本次大会应到代表54名，实到3名，请假1名，不足法定人数"
    )
    expect(page.locator(seat(page, "d54")).locator(".seat-state")).to_have_text("假 请假")


def test_a_pairing_code_is_shown_for_a_seat(page: Page) -> None:
    page.locator(seat(page, "d53")).click()
    dialog = page.locator("dialog")
    dialog.get_by_role("button", name="生成配对码").click()
    expect(dialog.locator(".pairing-code")).to_have_text(re.compile(r"^\S{8,}$"))
    expect(dialog.locator(".pairing-label")).to_have_text("配对码")
    with page.context.expect_page() as opened:
        dialog.get_by_role("button", name="打印配对卡").click()
    card = opened.value
    name = next(line.name for line in sample.roster() if line.deputy == "d53")
    expect(card.locator("body")).to_contain_text(name)
    expect(card.locator("body")).to_contain_text("配对码")
    assert card.evaluate("document.adoptedStyleSheets.length") == 1
    card.close()
    dialog.get_by_role("button", name="关闭").click()
    expect(dialog).not_to_be_visible()


def test_quorum_is_reached_live_and_tablets_show_online(
    demo_server: DemoServer, page: Page, token: str, hall: list[HallTablet]
) -> None:
    scenario.sign_in(demo_server, token, scenario.deputies(4, 9))
    hall.extend(scenario.tablets(demo_server, token, scenario.deputies(10, 39)))
    expect(page.locator("#attendance-line")).to_have_text(
        "本次大会应到代表54名，实到39名，请假1名，符合法定人数"
    )
    expect(page.locator(seat(page, "d10")).locator(".dot.online")).to_have_count(1)
    expect(page.locator(seat(page, "d01")).locator(".dot.none")).to_have_count(1)
    expect(page.locator(seat(page, "d10"))).to_contain_text("平板在线")
    shot(page, "chair-seats.png")
    assert check_page(page) == NO_PROBLEMS


def test_the_chair_opens_a_named_vote_and_sees_votes_arrive(
    page: Page, hall: list[HallTablet]
) -> None:
    row = page.locator('[data-item="i02"]')
    row.get_by_role("button", name="设为当前").click()
    expect(row.locator(".badge")).to_have_text("当前")
    row.get_by_role("button", name="发起表决").click()
    dialog = page.locator("dialog")
    expect(dialog.locator("#dialog-title")).to_have_text("发起表决：关于新洲镇2026年财政预算的决议")
    # No sitting key yet (the scrutineers' list is not adopted): a motion defaults to named,
    # and an encrypted secret ballot cannot be chosen.
    mode = dialog.get_by_label("表决方式")
    expect(mode).to_have_value("named")
    assert mode.locator("option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent, o.disabled])"
    ) == [
        ["encrypted", "无记名投票（加密）", True],
        ["named", "记名表决", False],
        ["manual", "举手或纸质表决（手工录入）", False],
    ]
    expect(dialog.locator("#poll-mode-help")).to_have_text(
        "监票人完成密钥仪式后才能采用无记名投票（加密）；在此之前，无记名事项请用纸质票（人工录入）。"
    )
    expect(dialog.locator(".form-kind")).to_have_text("表决类型：表决")
    expect(dialog.get_by_label("表决标题")).to_have_value("关于新洲镇2026年财政预算的决议")
    dialog.get_by_label("限时（分钟，可不填）").fill("5")
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog).not_to_be_visible()
    expect(page.locator("#live-count")).to_have_text("已投票 0 人 / 应投 39 人")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^剩余时间 0[45]:\d\d$"))
    expect(row.locator(".badge")).to_have_text("表决中")
    scenario.vote(hall, "p1", ["for"] * 5)
    expect(page.locator("#live-count")).to_have_text("已投票 5 人 / 应投 39 人")
    scenario.vote(hall[5:], "p1", ["for"] * 24 + ["against"])
    expect(page.locator("#live-count")).to_have_text("已投票 30 人 / 应投 39 人")
    shot(page, "chair-voting.png")
    assert check_page(page) == NO_PROBLEMS


def test_closing_shows_the_verdict_and_counts(page: Page) -> None:
    page.get_by_role("button", name="结束表决").click()
    page.locator("dialog").get_by_role("button", name="结束表决").click()
    panel = page.locator("#poll-body")
    expect(panel.locator(".verdict-line")).to_have_text("表决结果：通过")
    expect(panel.locator("table.counts tbody tr")).to_have_count(4)
    assert table_rows(page, "#poll-body table.counts") == [
        ["赞成", "29"],
        ["反对", "1"],
        ["弃权", "0"],
        ["未表决", "9"],
    ]
    expect(panel).to_contain_text("发出选票 30 张，收回选票 30 张，有效票 30 张，废票 0 张")
    expect(panel).to_contain_text("通过所需票数：28 票（全体代表过半数）")
    expect(page.locator('[data-item="i02"] .badge')).to_have_text("已结束")
    shot(page, "chair-result.png")


def test_announcing_marks_the_item_announced(page: Page) -> None:
    page.locator("#poll-body").get_by_role("button", name="宣布结果").click()
    expect(page.locator("#poll-body .badge-line")).to_have_text("✓ 结果已宣布")
    expect(page.locator('[data-item="i02"] .badge')).to_have_text("已宣布")
    expect(page.locator('#history tr[data-poll="p1"]')).to_contain_text("表决结果：通过")


def test_a_vote_is_voided_with_a_reason_and_re_run_on_paper(page: Page) -> None:
    row = page.locator('[data-item="i03"]')
    row.get_by_role("button", name="设为当前").click()
    expect(row.locator(".badge")).to_have_text("当前")
    row.get_by_role("button", name="发起表决").click()
    dialog = page.locator("dialog")
    expect(dialog.get_by_label("候选人 1", exact=True)).to_have_value("陈建国")
    # Without the sitting key an election is held on paper: never named, not yet encrypted.
    expect(dialog.get_by_label("表决方式")).to_have_value("manual")
    assert dialog.get_by_label("表决方式").locator("option").evaluate_all(
        "options => options.map(o => o.disabled)"
    ) == [True, True, False]
    dialog.get_by_role("button", name="开始表决").click()
    expect(page.locator("#poll-body")).to_contain_text("p2 · 举手或纸质表决（手工录入）")

    page.locator("#poll-body").get_by_role("button", name="作废并重新表决").click()
    dialog.get_by_role("button", name="确认作废").click()
    expect(dialog.locator("#dialog-error")).to_have_text("请填写原因")
    dialog.get_by_label("作废原因（必填，记入审计日志）").fill("表决器故障，改用纸质选票")
    dialog.get_by_role("button", name="确认作废").click()
    # The re-run is proposed at once, with the same definition.
    expect(dialog.locator("#dialog-title")).to_have_text("发起表决：选举镇长")
    expect(dialog.get_by_label("候选人 2", exact=True)).to_have_value("林晓东")
    expect(dialog.get_by_label("表决方式")).to_have_value("manual")
    dialog.get_by_role("button", name="开始表决").click()
    expect(page.locator('#history tr[data-poll="p2"]')).to_contain_text(
        "该表决已作废，原因：表决器故障，改用纸质选票"
    )
    expect(page.locator("#poll-body")).to_contain_text("p3 · 举手或纸质表决（手工录入）")


def test_a_paper_result_is_entered_and_confirmed_by_the_scrutineers(page: Page) -> None:
    page.locator("#poll-body").get_by_role("button", name="录入结果").click()
    dialog = page.locator("dialog")
    expect(dialog.locator(".step")).to_have_text("第一步：录入票数")
    expect(dialog.get_by_label("发出票数")).to_have_value("39")
    for label, value in [("收回票数", "39"), ("有效票", "38"), ("废票", "1")]:
        dialog.get_by_label(label, exact=True).fill(value)
    counts = {
        "陈建国 · 赞成": "30",
        "陈建国 · 反对": "5",
        "陈建国 · 弃权": "3",
        "林晓东 · 赞成": "6",
        "林晓东 · 反对": "20",
        "林晓东 · 弃权": "12",
    }
    for label, value in counts.items():
        dialog.get_by_label(label, exact=True).fill(value)
    dialog.get_by_label("总监票人", exact=True).fill("何金凤")
    dialog.get_by_label("监票人 1", exact=True).fill("林永福")
    dialog.get_by_role("button", name="提交监票人确认").click()

    expect(dialog.locator(".step")).to_have_text("第二步：监票人核对确认")
    expect(dialog.locator(".review li").first).to_have_text("陈建国 · 赞成：30")
    dialog.get_by_role("button", name="确认录入").click()
    expect(dialog.locator("#dialog-error")).to_have_text("须由每位监票人确认")
    dialog.get_by_label("总监票人 何金凤：已核对上述票数无误").check()
    dialog.get_by_label("监票人 林永福：已核对上述票数无误").check()
    shot(page, "chair-manual.png")
    dialog.get_by_role("button", name="确认录入").click()
    expect(dialog).not_to_be_visible()

    panel = page.locator("#poll-body")
    expect(panel.locator(".verdict-line")).to_have_text("当选：陈建国")
    expect(panel).to_contain_text("监票人确认：何金凤、林永福")
    assert table_rows(page, "#poll-body table.counts") == [
        ["陈建国", "30", "5", "3", "当选"],
        ["林晓东", "6", "20", "12", "未当选"],
    ]
    expect(panel).to_contain_text("发出选票 39 张，收回选票 39 张，有效票 38 张，废票 1 张")


def test_withdrawing_needs_a_reason(page: Page) -> None:
    row = page.locator('[data-item="i07"]')
    row.get_by_role("button", name="撤回").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("撤回原因（必填）").fill("本次会议不安排宣誓")
    dialog.get_by_role("button", name="确认撤回").click()
    expect(row.locator(".badge")).to_have_text("已撤回")
    expect(row.get_by_role("button")).to_have_count(0)


def test_the_console_switches_to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#attendance-line")).to_have_text(
        "Deputies seated 54, present 39, on leave 1: quorum met"
    )
    expect(page.locator("#poll-body .verdict-line")).to_have_text("Elected: 陈建国")
    expect(page.locator('[data-item="i02"] .badge')).to_have_text("Announced")
    expect(page.locator(seat(page, "d01")).locator(".seat-state")).to_have_text("✓ Present")
    expect(page.locator("#conn")).to_have_text("Connected")
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    shot(page, "chair-english.png")
    assert check_page(page) == NO_PROBLEMS
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#poll-body .verdict-line")).to_have_text("当选：陈建国")


def test_the_print_sheet_opens_with_the_console_login(page: Page) -> None:
    with page.context.expect_page() as opened:
        page.locator('#history tr[data-poll="p1"]').get_by_role("button", name="打印 p1").click()
    sheet = opened.value
    expect(sheet).to_have_url(re.compile(rf"/print/{MEETING}\?poll=p1$"))
    expect(sheet.locator(".verdict-line")).to_have_text("表决结果：通过")
    sheet.close()


def test_a_reload_keeps_the_session_and_the_meeting(page: Page) -> None:
    page.reload()
    expect(page.locator(".seat")).to_have_count(54)
    expect(page.locator("#attendance-line")).to_have_text(
        "本次大会应到代表54名，实到39名，请假1名，符合法定人数"
    )
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("用户名")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('congress-token')") is None
