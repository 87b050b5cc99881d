"""An election's later round through the chair's poll form in a real browser: a runoff voided
and re-run keeps its round (type, follows, plurality: no write-ins, no threshold); the further
election comes up in the form with the candidates not elected, the chair changes them (the 差额
rule refused, then met) and the round is opened as a further election."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e import scenario
from tests.e2e.conftest import CHAIR, MEETING, DemoServer

BASE = f"/api/meetings/{MEETING}"
PRESENT = 50
VICE = {
    "kind": "election",
    "title": "选举副镇长",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "黄丽华"},
        {"id": "c2", "name": "周志强"},
        {"id": "c3", "name": "吴海燕"},
    ],
}
MAYOR = {
    "kind": "election",
    "title": "选举镇长",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "陈建国"}, {"id": "c2", "name": "林晓东"}],
}


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    token = demo_server.login()
    deputies = scenario.deputies(1, PRESENT)
    demo_server.api("POST", f"{BASE}/attendance/sign-in", {"deputies": deputies}, token=token)
    return token


@pytest.fixture(scope="module")
def page(browser: Browser, demo_server: DemoServer, token: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo_server.base}/chair")
    page.get_by_label("用户名").fill(CHAIR[0])
    page.get_by_label("密码").fill(CHAIR[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name=re.compile("新洲镇第十七届人民代表大会第三次会议")).click()
    expect(page.locator(".seat.present")).to_have_count(PRESENT)
    yield page
    context.close()
    assert errors == []


def paper_result(
    server: DemoServer, token: str, poll: str, counts: dict[str, tuple[int, int, int]]
) -> dict[str, Any]:
    """The counts of a paper election entered for all 50 present, every ballot valid."""
    body = {
        "issued": PRESENT,
        "ballots": {"cast": PRESENT, "valid": PRESENT, "void": 0},
        "counts": {c: {"for": f, "against": a, "abstain": ab} for c, (f, a, ab) in counts.items()},
        "confirmed_by": ["郑秀梅"],
    }
    result: dict[str, Any] = server.api(
        "POST", f"{BASE}/polls/{poll}/manual-result", body, token=token
    )
    return result


def received(server: DemoServer, token: str, poll: str) -> dict[str, Any]:
    polls = server.api("GET", f"{BASE}/polls", token=token)["polls"]
    found: dict[str, Any] = next(p for p in polls if p["poll"] == poll)
    return found


def counted(server: DemoServer, token: str, poll: str) -> dict[str, Any]:
    """The poll's result as the chair sees it (held from the hall until the presidium confirms
    an election)."""
    polls = scenario.state(server, token)["polls"]
    found: dict[str, Any] = next(p for p in polls if p["poll"] == poll)["result"]
    return found


def form_dialog(page: Page, title: str) -> Locator:
    dialog = page.locator("dialog")
    expect(dialog.locator("#dialog-title")).to_have_text(f"发起表决：{title}")
    return dialog


def test_a_voided_runoff_is_run_again_as_a_runoff(
    demo_server: DemoServer, page: Page, token: str
) -> None:
    scenario.make_current(demo_server, token, "i04")
    assert scenario.open_poll(demo_server, token, "i04", VICE, mode="manual") == "p1"
    # 54 seats: 28 votes elect. 黄丽华 34 is elected; 周志强 and 吴海燕 tie at 30.
    paper_result(
        demo_server, token, "p1", {"c1": (34, 10, 6), "c2": (30, 14, 6), "c3": (30, 14, 6)}
    )
    panel = page.locator("#poll-body")
    panel.get_by_role("button", name="就票数相等的候选人再次投票").click()
    # The runoff is held as the round it follows was: on paper.
    expect(page.locator("dialog #round-mode")).to_have_text(
        "表决方式：举手或纸质表决（手工录入）（与上一轮相同）"
    )
    page.locator("dialog").get_by_role("button", name="开始投票").click()
    expect(panel).to_contain_text("p2 · 举手或纸质表决（手工录入）")

    panel.get_by_role("button", name="作废并重新表决").click()
    page.locator("dialog").get_by_label("作废原因（必填，记入审计日志）").fill("演示：选票印制有误")
    page.locator("dialog").get_by_role("button", name="确认作废").click()
    dialog = form_dialog(page, "选举副镇长")
    expect(dialog.locator(".form-round")).to_have_text(
        "本轮为再次投票（依据表决 p1）：只在票数相等的候选人中进行，不另选他人。"
    )
    expect(dialog.get_by_label("候选人 1", exact=True)).to_have_value("周志强")
    expect(dialog.get_by_label("候选人 2", exact=True)).to_have_value("吴海燕")
    expect(dialog.get_by_label("允许另选他人（对候选人投反对票后可另选）")).to_have_count(0)
    expect(dialog.locator("#poll-threshold-words")).to_have_text(
        "当选所需票数：以得票多的当选（组织法第二十九条）"
    )
    expect(dialog.get_by_label("表决方式")).to_have_value("manual")
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog).not_to_be_visible()
    expect(panel).to_contain_text("p3 · 举手或纸质表决（手工录入）")
    assert received(demo_server, token, "p2")["status"] == "voided"
    assert received(demo_server, token, "p3")["definition"] == {
        "kind": "election",
        "title": "选举副镇长",
        "seats": 1,
        "candidates": VICE["candidates"][1:],
        "round": {"type": "runoff", "follows": "p1", "threshold": "plurality"},
        "electorate": 54,
        "present": PRESENT,
    }
    # The runoff's paper result is entered as any paper result: 周志强 wins it.
    paper_result(demo_server, token, "p3", {"c2": (30, 14, 6), "c3": (20, 24, 6)})
    assert counted(demo_server, token, "p3")["outcome"]["elected"] == ["c2"]


def test_a_further_election_with_a_candidate_changed(
    demo_server: DemoServer, page: Page, token: str
) -> None:
    scenario.make_current(demo_server, token, "i03")
    assert scenario.open_poll(demo_server, token, "i03", MAYOR, mode="manual") == "p4"
    # Nobody has more than 27 votes: the seat is unfilled.
    paper_result(demo_server, token, "p4", {"c1": (20, 20, 10), "c2": (15, 25, 10)})
    panel = page.locator("#poll-body")
    expect(panel.get_by_role("button", name="就票数相等的候选人再次投票")).to_have_count(0)
    panel.get_by_role("button", name="另行选举").click()
    dialog = form_dialog(page, "选举镇长")
    expect(dialog.locator(".form-round")).to_have_text(
        "本轮为另行选举（依据表决 p4）：应选未选足的名额；候选人可以修改，仍须符合差额规则。"
    )
    expect(dialog.get_by_label("应选人数")).to_have_value("1")
    expect(dialog.get_by_label("候选人 1", exact=True)).to_have_value("陈建国")
    expect(dialog.get_by_label("候选人 2", exact=True)).to_have_value("林晓东")
    expect(dialog.get_by_label("允许另选他人（对候选人投反对票后可另选）")).to_be_checked()

    # A third candidate breaks the 差额 rule of a head of government: refused, nothing opened.
    dialog.get_by_role("button", name="添加候选人").click()
    dialog.get_by_label("候选人 3", exact=True).fill("郑小红")
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog.locator("#dialog-error")).to_have_text(
        "另行选举的候选人数应为1或2名，现为3名（组织法第二十九条、第二十七条）"
    )
    assert [p["poll"] for p in demo_server.api("GET", f"{BASE}/polls", token=token)["polls"]][
        -1
    ] == "p4"
    dialog.get_by_role("button", name="删除 候选人 2").click()
    dialog.get_by_role("button", name="开始表决").click()
    expect(dialog).not_to_be_visible()
    assert received(demo_server, token, "p5")["definition"] == {
        "kind": "election",
        "title": "选举镇长",
        "seats": 1,
        "candidates": [{"id": "c1", "name": "陈建国"}, {"id": "c3", "name": "郑小红"}],
        "write_ins": True,
        "round": {"type": "further", "follows": "p4"},
        "electorate": 54,
        "present": PRESENT,
    }
    paper_result(demo_server, token, "p5", {"c1": (31, 12, 7), "c3": (12, 30, 8)})
    assert counted(demo_server, token, "p5")["outcome"]["elected"] == ["c1"]
