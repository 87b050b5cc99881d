"""The livelihood-project year on the chair console: projects registered and one withdrawn at
the term's first session, the selection poll generated, supervisors named; at the next session a
milestone recorded and the evaluation generated; the yearly report printed and exported."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS, DemoServer
from tests.e2e.console_login import console_page
from tests.e2e.term_sessions import open_session

TERM = "xinzhou-19"
ROSTER = {
    "deputies": [
        {"deputy": "b1", "name": "陈国平", "seat": "01"},
        {"deputy": "b2", "name": "林晓红", "seat": "02"},
        {"deputy": "b3", "name": "郑建华", "seat": "03"},
    ]
}
FIRST, SECOND = "第十九届第一次会议", "第十九届第二次会议"
PROJECTS = [
    ("村道硬化", "1200000", "镇交通办", "群众征集"),
    ("中心小学食堂改造", "800000", "镇教育办", "代表提出"),
    ("农贸市场提升", "2000000", "镇市场监管所", "政府提出"),
]


def session(server: DemoServer, token: str, meeting: str, date: str, title: str) -> str:
    """An opened session of the term, its three deputies signed in, the projects' two items."""
    base = open_session(
        server,
        token,
        meeting=meeting,
        term=TERM,
        date=date,
        title=title,
        roster=ROSTER,
        present=["b1", "b2", "b3"],
    )
    items = [
        {"item": "sel", "title": "票决2027年民生实事项目", "kind": "selection"},
        {"item": "eva", "title": "2026年民生实事项目满意度测评", "kind": "evaluation"},
    ]
    server.api("PUT", f"{base}/agenda", {"items": items}, token)
    return base


def paper(counts: dict[str, Any]) -> dict[str, Any]:
    return {
        "issued": 3,
        "ballots": {"cast": 3, "valid": 3, "void": 0},
        "counts": counts,
        "confirmed_by": ["总监票人 郑建华"],
    }


def dialog_confirm(page: Page) -> None:
    dialog = page.locator("dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).not_to_be_visible()


def register(page: Page, title: str, budget: str, unit: str, source: str) -> None:
    page.locator("#projects-register").click()
    dialog = page.locator("dialog")
    dialog.get_by_label("项目名称").fill(title)
    dialog.get_by_label("预算（元）").fill(budget)
    dialog.get_by_label("责任单位").fill(unit)
    dialog.get_by_label("完成时限").fill("2027-11-30")
    dialog.get_by_label("项目来源").select_option(label=source)
    dialog.get_by_label("项目内容").fill(f"{title}工程")
    dialog_confirm(page)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#projects").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / name))


def test_a_project_year_on_the_console(demo_server: DemoServer, browser: Browser) -> None:
    token = demo_server.login()
    first = session(demo_server, token, "t19-1", "2027-01-10", FIRST)
    with console_page(browser, demo_server, height=1000, meeting=FIRST) as page:
        expect(page.locator("#projects")).to_contain_text("本次会议尚未登记项目")
        for project in PROJECTS:
            register(page, *project)
        register(page, "老年活动中心", "500000", "镇民政办", "群众征集")
        rows = page.locator("#projects-register-table tbody tr")
        expect(rows).to_have_count(4)
        page.get_by_role("button", name="撤回：老年活动中心").click()
        page.locator("dialog").get_by_label("撤回理由").fill("资金未落实")
        dialog_confirm(page)
        expect(rows.nth(3)).to_contain_text("已撤回")
        page.locator("#projects-selection").click()
        dialog = page.locator("dialog")
        expect(dialog.get_by_label("应选项目数")).to_have_value("2")
        dialog_confirm(page)
        expect(page.locator("#notice")).to_have_text("已开始表决 p1")
        counts = {"P1": {"for": 3}, "P2": {"for": 2}, "P3": {"for": 1}}
        demo_server.api("POST", f"{first}/polls/p1/manual-result", paper(counts), token)
        expect(rows.nth(0)).to_contain_text("入选")
        expect(rows.nth(2)).to_contain_text("未入选")
        adopted = page.locator("#projects-adopted > li")
        expect(adopted).to_have_count(2)
        page.get_by_role("button", name="督办代表：村道硬化").click()
        page.locator("#project-supervisors").get_by_label("陈国平（01）").check()
        page.locator("#project-supervisors").get_by_label("林晓红（02）").check()
        dialog_confirm(page)
        expect(adopted.nth(0)).to_contain_text("督办：陈国平、林晓红")
        shot(page, "console-projects-register.png")
    demo_server.api("POST", f"{first}/close", {}, token)

    second = session(demo_server, token, "t19-2", "2027-12-20", SECOND)
    with console_page(browser, demo_server, height=1000, meeting=SECOND) as page:
        adopted = page.locator("#projects-adopted > li")
        expect(adopted).to_have_count(2)
        page.get_by_role("button", name="记录进度：村道硬化").click()
        dialog = page.locator("dialog")
        dialog.get_by_label("日期").fill("2027-10-20")
        dialog.get_by_label("完成进度（%）").fill("100")
        dialog.get_by_label("进度说明").fill("全线通车")
        dialog_confirm(page)
        expect(adopted.nth(0)).to_contain_text("进度：2027-10-20 100% 全线通车")
        page.locator("#projects-evaluation").click()
        dialog_confirm(page)
        expect(page.locator("#notice")).to_have_text("已开始表决 p1")
        ratings = {
            "P1": {"satisfied": 3, "basically_satisfied": 0, "dissatisfied": 0},
            "P2": {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1},
        }
        demo_server.api("POST", f"{second}/polls/p1/manual-result", paper(ratings), token)
        expect(adopted.nth(0)).to_contain_text("测评：满意")
        expect(adopted.nth(1)).to_contain_text("测评：基本满意")
        shot(page, "console-projects-year.png")

        with page.expect_download() as downloading:
            page.locator("#projects-csv").click()
        data = downloading.value.path().read_bytes()
        assert data.startswith("\ufeff会议,项目编号,项目名称".encode())
        assert len(data.decode("utf-8-sig").splitlines()) == 5

        with page.expect_popup() as opened:
            page.locator("#projects-print").click()
        sheet = opened.value
        expect(sheet.locator("#sheet")).to_have_attribute("data-ready", "true")
        expect(sheet.locator("h1")).to_have_text("民生实事项目年度报告")
        report_rows = sheet.locator("#projects-report tbody tr")
        expect(report_rows).to_have_count(4)
        expect(report_rows.nth(0)).to_contain_text("3（占实有 3 人 100.0%，占投票 3 张 100.0%）")
        expect(report_rows.nth(0)).to_contain_text("满意 3，基本满意 0，不满意 0：满意")
        expect(report_rows.nth(3)).to_contain_text("已撤回")
        sheet.set_viewport_size({"width": 1240, "height": 1100})
        sheet.screenshot(path=str(SCREENSHOTS / "print-projects.png"), full_page=True)
        sheet.close()
