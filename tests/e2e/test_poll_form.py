"""The chair's poll form in a real browser: every poll kind opened through the form (no JSON),
checked against the exact definition the server received; the JSON as an advanced view; notices
that never cover the next item's buttons; bulk 补签 on the seat map."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e import scenario
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.console_login import console_page
from voting.demo_scrutineers import SimulatedScrutineers

SAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "voting/static/sample-definitions.json").read_text(
        encoding="utf-8"
    )
)[MEETING]
PRESENT = 40


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, PRESENT))
    return token


@pytest.fixture(scope="module")
def scrutineers(demo_server: DemoServer, token: str) -> SimulatedScrutineers:
    """The scrutineers' list adopted on paper (poll p1) and the sitting key made: secret polls
    are then encrypted."""
    return scenario.take_office(demo_server, token)


@pytest.fixture(scope="module")
def page(
    browser: Browser, demo_server: DemoServer, token: str, scrutineers: SimulatedScrutineers
) -> Iterator[Page]:
    with console_page(browser, demo_server) as page:
        expect(page.locator(".seat")).to_have_count(54)
        yield page


def open_form(page: Page, item: str, title: str) -> Locator:
    row = page.locator(f'[data-item="{item}"]')
    row.get_by_role("button", name="设为当前").click()
    expect(row.locator(".badge")).to_have_text("当前")
    row.get_by_role("button", name="发起表决").click()
    dialog = page.locator("dialog")
    expect(dialog.locator("#dialog-title")).to_have_text(f"发起表决：{title}")
    return dialog


def received(server: DemoServer, token: str, poll: str) -> dict[str, Any]:
    """The poll as the server holds it: its definition as received, with the counts it added."""
    polls = server.api("GET", f"/api/meetings/{MEETING}/polls", token=token)["polls"]
    found: dict[str, Any] = next(p for p in polls if p["poll"] == poll)
    return found


def start(page: Page, dialog: Locator) -> None:
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog).not_to_be_visible()
    expect(page.locator("#live-count")).to_have_text(f"已投票 0 人 / 应投 {PRESENT} 人")


def test_a_motion_with_its_own_threshold_mode_and_policy(
    demo_server: DemoServer, page: Page, token: str
) -> None:
    dialog = open_form(page, "i02", "关于新洲镇2026年财政预算的决议")
    expect(dialog.locator(".form-kind")).to_have_text("表决类型：表决")
    expect(dialog.get_by_label("表决标题")).to_have_value("关于新洲镇2026年财政预算的决议")
    expect(dialog.locator("#poll-threshold-words")).to_have_text("规则：全体代表过半数")
    dialog.get_by_label("表决方式").select_option("named")
    dialog.get_by_label("改票规则").select_option("first")
    dialog.get_by_label("计算基数").select_option("present")
    dialog.get_by_label("规则", exact=True).select_option("at_least")
    dialog.get_by_label("比例（如 1/2、2/3）").fill("2/3")
    expect(dialog.locator("#poll-threshold-words")).to_have_text("规则：出席代表的三分之二以上")
    dialog.get_by_label("限时（分钟，可不填）").fill("3")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.screenshot(path=str(SCREENSHOTS / "chair-poll-form-motion.png"))
    start(page, dialog)
    poll = received(demo_server, token, "p2")
    assert poll["definition"] == {
        "kind": "motion",
        "title": "关于新洲镇2026年财政预算的决议",
        "threshold": {"base": "present", "rule": "at_least", "fraction": "2/3"},
        "electorate": 54,
        "present": PRESENT,
    }
    assert (poll["mode"], poll["change_policy"]) == ("named", "first")
    scenario.close_poll(demo_server, token, "p2")


def test_an_election_with_a_candidate_replaced_and_no_write_ins(
    demo_server: DemoServer, page: Page, token: str, scrutineers: SimulatedScrutineers
) -> None:
    assert scenario.answer_liveness(demo_server, token, scrutineers) == "p3"
    dialog = open_form(page, "i04", "选举副镇长")
    expect(dialog.get_by_label("表决方式")).to_have_value("encrypted")
    expect(dialog.get_by_label("应选人数")).to_have_value("2")
    expect(dialog.get_by_label("候选人 3", exact=True)).to_have_value("吴海燕")
    expect(dialog.get_by_label("允许另选他人（对候选人投反对票后可另选）")).to_be_checked()
    expect(dialog.get_by_label("表决方式").locator('option[value="named"]')).to_be_disabled()
    dialog.get_by_role("button", name="删除 候选人 3").click()
    expect(dialog.get_by_label("候选人 3", exact=True)).to_have_count(0)
    dialog.get_by_role("button", name="添加候选人").click()
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog.locator("#dialog-error")).to_have_text("请填写第 3 名候选人的姓名")
    dialog.get_by_label("候选人 3", exact=True).fill("郑小红")
    dialog.get_by_label("允许另选他人（对候选人投反对票后可另选）").uncheck()
    start(page, dialog)
    assert received(demo_server, token, "p3")["definition"] == {
        "kind": "election",
        "title": "选举副镇长",
        "seats": 2,
        "candidates": [
            {"id": "c1", "name": "黄丽华"},
            {"id": "c2", "name": "周志强"},
            {"id": "c3", "name": "郑小红"},
        ],
        "write_ins": False,
        "electorate": 54,
        "present": PRESENT,
    }
    scenario.close_poll(demo_server, token, "p3")
    scenario.decrypted(demo_server, token, scrutineers, "p3")
    # Nobody voted: a failure, never shown in the colour of success.
    verdicts = page.locator("#poll-body .verdict-line")
    expect(verdicts).to_have_text(["无人当选", "另行选举：尚缺 2 名，需另行选举"])
    colours = verdicts.evaluate_all("ps => ps.map(p => [p.className, getComputedStyle(p).color])")
    assert colours == [["verdict-line bad", "rgb(168, 34, 26)"]] * 2
    history = page.locator('#history tr[data-poll="p3"] .verdict-cell')
    expect(history).to_have_class("verdict-cell bad")


def test_a_selection_on_each_project_with_a_budget_changed(
    demo_server: DemoServer, page: Page, token: str, scrutineers: SimulatedScrutineers
) -> None:
    assert scenario.answer_liveness(demo_server, token, scrutineers) == "p4"
    dialog = open_form(page, "i05", "2026年度民生实事项目票决")
    expect(dialog.get_by_label("项目 1", exact=True)).to_have_value("镇区雨污分流改造工程")
    expect(dialog.get_by_label("预算（万元） 1", exact=True)).to_have_value("1200")
    dialog.get_by_label("票决方式").select_option("each")
    dialog.get_by_label("应选项目数").fill("13")
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog.locator("#dialog-error")).to_have_text("应选项目数不能超过项目总数（12 项）")
    dialog.get_by_label("应选项目数").fill("3")
    dialog.get_by_label("预算（万元） 1", exact=True).fill("1300")
    dialog.get_by_label("责任单位 2", exact=True).fill("交通管理站")
    start(page, dialog)
    projects = [dict(p) for p in SAMPLE["i05"]["candidates"]]
    projects[0]["budget_wan"] = 1300
    projects[1]["unit"] = "交通管理站"
    assert received(demo_server, token, "p4")["definition"] == {
        "kind": "selection",
        "title": "2026年度民生实事项目票决",
        "seats": 3,
        "form": "each",
        "candidates": projects,
        "electorate": 54,
        "present": PRESENT,
    }
    assert received(demo_server, token, "p4")["mode"] == "encrypted"
    scenario.close_poll(demo_server, token, "p4")
    scenario.decrypted(demo_server, token, scrutineers, "p4")


def test_an_evaluation_with_a_subject_added_and_the_json_view(
    demo_server: DemoServer, page: Page, token: str, scrutineers: SimulatedScrutineers
) -> None:
    assert scenario.answer_liveness(demo_server, token, scrutineers) == "p5"
    dialog = open_form(page, "i06", "镇政府工作部门满意度测评")
    expect(dialog.get_by_label("测评对象 8", exact=True)).to_have_value("应急管理办公室")
    dialog.get_by_role("button", name="添加测评对象").click()
    dialog.get_by_label("测评对象 9", exact=True).fill("退役军人服务站")
    # The JSON is only an advanced view: it follows the form, and the form takes what is typed.
    dialog.get_by_text("高级：以 JSON 编辑表决定义").click()
    text = dialog.get_by_label("表决定义（JSON）")
    assert json.loads(text.input_value())["subjects"][-1] == {"id": "s9", "name": "退役军人服务站"}
    edited = json.loads(text.input_value())
    edited["title"] = "2026年镇政府工作部门满意度测评"
    text.fill(json.dumps(edited, ensure_ascii=False))
    dialog.get_by_text("高级：以 JSON 编辑表决定义").click()
    expect(dialog.get_by_label("表决标题")).to_have_value("2026年镇政府工作部门满意度测评")
    start(page, dialog)
    assert received(demo_server, token, "p5")["definition"] == {
        "kind": "evaluation",
        "title": "2026年镇政府工作部门满意度测评",
        "subjects": [*SAMPLE["i06"]["subjects"], {"id": "s9", "name": "退役军人服务站"}],
        "electorate": 54,
        "present": PRESENT,
    }
    assert received(demo_server, token, "p5")["mode"] == "encrypted"
    scenario.close_poll(demo_server, token, "p5")
    scenario.decrypted(demo_server, token, scrutineers, "p5")


def test_a_notice_never_covers_the_next_items_buttons(page: Page) -> None:
    row = page.locator('[data-item="i02"]')
    row.get_by_role("button", name="设为当前").click()
    notice = page.locator("#notice")
    expect(notice).to_have_text("已推送当前议程：关于新洲镇2026年财政预算的决议")
    expect(row).to_have_class(re.compile(r"\bis-current\b"))  # the agenda has been redrawn
    # The notice and every visible button measured in one snapshot of the page: a state push
    # redrawing the page between two measurements cannot make them disagree.
    overlapping = page.evaluate(
        """() => {
            const n = document.getElementById("notice").getBoundingClientRect();
            const buttons = [...document.querySelectorAll("main#meeting-view button")];
            // What is seen of a button: its box clipped by every scrolling ancestor (a row
            // scrolled out of the agenda list is not under the notice, it is hidden).
            const seen = (b) => {
                let { top, bottom, left, right } = b.getBoundingClientRect();
                for (let a = b.parentElement; a; a = a.parentElement) {
                    if (getComputedStyle(a).overflowY === "visible") continue;
                    const c = a.getBoundingClientRect();
                    top = Math.max(top, c.top);
                    bottom = Math.min(bottom, c.bottom);
                    left = Math.max(left, c.left);
                    right = Math.min(right, c.right);
                }
                return { top, bottom, left, right };
            };
            return buttons.filter((b) => {
                const r = seen(b);
                const visible = r.bottom > r.top && r.right > r.left;
                return visible && r.bottom > n.top && r.top < n.bottom
                    && r.right > n.left && r.left < n.right;
            }).map((b) => b.textContent);
        }"""
    )
    assert overlapping == []
    following = page.locator('[data-item="i03"]').get_by_role("button", name="设为当前")
    following.scroll_into_view_if_needed()
    hit = page.evaluate(
        """() => {
            const b = document.querySelector('[data-item="i03"] .agenda-actions button');
            const r = b.getBoundingClientRect();
            const found = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return [b.textContent, found === b || b.contains(found)];
        }"""
    )
    assert hit == ["设为当前", True]
    following.click(timeout=2000)
    expect(notice).to_have_text("已推送当前议程：选举镇长")


def test_seats_are_signed_in_in_bulk_with_one_call(page: Page) -> None:
    sent: list[Any] = []

    def answer(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "null"))
        if len(sent) == 1:
            route.fulfill(
                status=409,
                content_type="application/json",
                body=json.dumps(
                    {
                        "error": "already-signed-in",
                        "message": "代表 d42 已签到，未补签任何人",
                        "message_en": "deputy d42 is already signed in; nobody was signed in",
                    },
                    ensure_ascii=False,
                ),
            )
        else:
            route.fulfill(status=200, content_type="application/json", body="{}")

    page.route(f"**/api/meetings/{MEETING}/attendance/sign-in", answer)
    page.get_by_role("button", name="选择座位补签").click()
    for deputy in ["d44", "d42", "d41"]:
        page.locator(f'.seat[data-deputy="{deputy}"]').click()
    page.locator('.seat[data-deputy="d44"]').click()  # unselected again
    page.locator('.seat[data-deputy="d01"]').click()  # signed in already: not selectable
    expect(page.locator(".seat.selected")).to_have_count(2)
    expect(page.locator('.seat[data-deputy="d41"]')).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="补签所选 2 人").click()
    expect(page.locator("#notice")).to_have_text("代表 d42 已签到，未补签任何人")
    expect(page.locator(".seat.selected")).to_have_count(2)  # nothing changed: kept
    page.get_by_role("button", name="选择全部未签到").click()
    not_signed = [f"d{i}" for i in range(PRESENT + 1, 55)]
    expect(page.locator(".seat.selected")).to_have_count(len(not_signed))
    page.get_by_role("button", name=f"补签所选 {len(not_signed)} 人").click()
    expect(page.locator("#notice")).to_have_text(f"已补签 {len(not_signed)} 人")
    expect(page.locator(".seat.selected")).to_have_count(0)
    expect(page.get_by_role("button", name="选择座位补签")).to_be_visible()
    assert sent == [{"deputies": ["d41", "d42"]}, {"deputies": not_signed}]
    page.unroute(f"**/api/meetings/{MEETING}/attendance/sign-in")
