"""Election paper in a real browser: the election result report (选举结果报告单) with its exact
figures, the presidium's confirmation or 「待主席团确认」, the checkpoint and the signature lines;
the certificates (当选证书), one A4 page per elected person, refused before confirmation; the
constitution oath in the printed minutes."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e import scenario
from tests.e2e.a11y import low_contrast_text, unnamed_controls
from tests.e2e.conftest import MEETING, DemoServer

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
MAYOR = {
    "kind": "election",
    "title": "选举镇长",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "陈建国"}, {"id": "c2", "name": "林晓东"}],
}
DECISION = {"decision": "主席团第三次会议决定：副镇长选举结果有效", "by": ["何金凤", "林永福"]}
SWORN = ["黄丽华", "周志强"]


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    """36 present; p1 a paper election of two 副镇长, confirmed; p2 a paper 镇长 election not yet
    confirmed; the oath of i07 recorded."""
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, 36))
    scenario.make_current(demo_server, token, "i04")
    scenario.open_poll(demo_server, token, "i04", VICE, mode="manual")
    demo_server.api(
        "POST",
        f"{BASE}/polls/p1/manual-result",
        {
            "issued": 36,
            "ballots": {"cast": 36, "valid": 35, "void": 1},
            "counts": {
                "c1": {"for": 30, "against": 3, "abstain": 2},
                "c2": {"for": 29, "against": 4, "abstain": 2},
                "c3": {"for": 5, "against": 25, "abstain": 5},
            },
            "write_ins": {"赵海": 2},
            "write_ins_ignored": 1,
            "confirmed_by": ["郑秀梅", "孙立"],
        },
        token=token,
    )
    demo_server.api("POST", f"{BASE}/polls/p1/confirm", DECISION, token=token)
    scenario.make_current(demo_server, token, "i03")
    scenario.open_poll(demo_server, token, "i03", MAYOR, mode="manual")
    demo_server.api(
        "POST",
        f"{BASE}/polls/p2/manual-result",
        {
            "issued": 36,
            "ballots": {"cast": 36, "valid": 36, "void": 0},
            "counts": {
                "c1": {"for": 31, "against": 3, "abstain": 2},
                "c2": {"for": 3, "against": 30, "abstain": 3},
            },
            "confirmed_by": ["郑秀梅"],
        },
        token=token,
    )
    scenario.make_current(demo_server, token, "i07")
    demo_server.api(
        "POST", f"{BASE}/items/i07/oath", {"led_by": "何金凤", "sworn": SWORN}, token=token
    )
    return token


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1000, "height": 1300}, locale="zh-CN")
    yield context
    context.close()


def open_sheet(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#sheet")).to_have_attribute("data-ready", "true")
    return page


def facts(page: Page) -> dict[str, str]:
    pairs: list[list[str]] = page.locator(".fact").evaluate_all(
        "facts => facts.map(f => [...f.children].map(cell => cell.textContent))"
    )
    return dict((label, value) for label, value in pairs)


def table_rows(page: Page) -> list[list[str]]:
    rows: list[list[str]] = page.locator("table.counts tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    return rows


def confirmed_at(server: DemoServer, token: str) -> str:
    """The time of p1's ``result_confirmed`` entry, read from the log as JSON Lines."""
    request = urllib.request.Request(
        f"{server.base}{BASE}/log/entries", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        entries = [json.loads(line) for line in response.read().decode().splitlines()]
    found = [e["at"] for e in entries if e["type"] == "result_confirmed" and e["poll"] == "p1"]
    assert len(found) == 1
    return str(found[0])


def pdf_pages(page: Page) -> int:
    """The number of pages of the printed PDF, each checked to be A4."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    for width, height in boxes:
        assert abs(float(width) - 595.28) < 2 and abs(float(height) - 841.89) < 2
    return len(boxes)


def test_the_election_report_has_every_figure_and_the_confirmation(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p1#token={token}")
    expect(page.locator("h1")).to_have_text("选举结果报告单")
    assert facts(page) == {
        "会议": "新洲镇第十七届人民代表大会第三次会议",
        "选举事项": "选举副镇长",
        "表决编号": "p1",
        "选举轮次": "第一轮选举",
        "应选名额": "2 名",
        "表决方式": "举手或纸质表决（手工录入）",
        "日期": "2026-03-01",
        "状态": "已经主席团确认",
    }
    assert page.locator(".result-line").all_inner_texts() == [
        "应出席 54 名，实到 36 名",
        "发出选票 36 张，收回选票 36 张，有效票 35 张，废票 1 张",
        "符合法定人数",
        "当选所需票数：28 票（全体代表过半数）",
    ]
    assert table_rows(page) == [
        ["黄丽华", "30", "3", "2", "当选"],
        ["周志强", "29", "4", "2", "当选"],
        ["吴桂兰", "5", "25", "5", "未当选"],
        ["赵海（另选他人）", "2", "—", "—", "未当选"],
    ]
    assert page.locator(".verdict-line").all_inner_texts() == ["当选：黄丽华、周志强"]
    expect(page.locator("#write-ins-ignored")).to_have_text(
        "忽略的另选他人：1 个（不按规定填写，不计票，选票仍有效）"
    )
    expect(page.locator("#confirmation")).to_have_text(DECISION["decision"])
    at = datetime.strptime(confirmed_at(demo_server, token), "%Y-%m-%dT%H:%M:%SZ")
    at += timedelta(hours=8)
    expect(page.locator("#confirmed-at")).to_have_text(f"确认时间：{at:%Y-%m-%d %H:%M}（北京时间）")
    assert page.locator("#checkpoint-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#signatures-scrutineers")).to_have_text(
        "总监票人：＿＿＿＿ 监票人：郑秀梅、孙立 计票人：＿＿＿＿"
    )
    expect(page.locator("#signatures-presidium")).to_have_text("主席团：何金凤、林永福")
    assert unnamed_controls(page) == []
    assert low_contrast_text(page) == []
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Election result report")
    expect(page.locator("#signatures-presidium")).to_have_text("Presidium: 何金凤、林永福")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("选举结果报告单")
    page.close()


def test_an_unconfirmed_election_report_awaits_the_presidium(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p2#token={token}")
    assert facts(page)["状态"] == "待主席团确认"
    assert table_rows(page) == [
        ["陈建国", "31", "3", "2", "当选"],
        ["林晓东", "3", "30", "3", "未当选"],
    ]
    expect(page.locator("#confirmation")).to_have_text("待主席团确认")
    expect(page.locator("#confirmed-at")).to_have_count(0)
    expect(page.locator("#signatures-presidium")).to_have_text("主席团：＿＿＿＿")
    page.close()


def test_certificates_one_a4_page_per_elected_person(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    url = f"{demo_server.base}/print/{MEETING}?poll=p1&sheet=certificates#token={token}"
    page = open_sheet(context, url)
    certificates = page.locator("article.certificate")
    expect(certificates).to_have_count(2)
    lines = "all => all.map(c => c.innerText.split('\\n').filter(Boolean))"
    assert certificates.evaluate_all(lines) == [
        [
            "当选证书",
            "黄丽华：",
            "在新洲镇第十七届人民代表大会第三次会议上，经选举，当选为副镇长。",
            "得赞成票 30 票。",
            "新洲镇第十七届人民代表大会第三次会议主席团（盖章）",
            "2026-03-01",
        ],
        [
            "当选证书",
            "周志强：",
            "在新洲镇第十七届人民代表大会第三次会议上，经选举，当选为副镇长。",
            "得赞成票 29 票。",
            "新洲镇第十七届人民代表大会第三次会议主席团（盖章）",
            "2026-03-01",
        ],
    ]
    assert pdf_pages(page) == 2
    page.close()


def test_certificates_are_refused_before_confirmation(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    url = f"{demo_server.base}/print/{MEETING}?poll=p2&sheet=certificates#token={token}"
    page = open_sheet(context, url)
    expect(page.locator("#sheet [role=alert]")).to_have_text(
        "表决 p2 的选举结果尚未经主席团确认，不能打印当选证书。请待主席团确认后再打印。"
    )
    expect(page.locator("article.certificate")).to_have_count(0)
    page.close()


def test_the_minutes_list_the_oath(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}#token={token}")
    expect(page.locator(".agenda li").last).to_contain_text("宪法宣誓")
    expect(page.locator(".agenda .oath-record")).to_have_text(
        "领誓人：何金凤宣誓人（2 名）：黄丽华、周志强"
    )
    page.close()
