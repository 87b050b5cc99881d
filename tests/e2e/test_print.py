"""Print sheets in a real browser: a poll's result sheet on A4 with the signed checkpoint, its QR
code and the scrutineers' signature lines; the minutes of the meeting; English."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import ballots
from devices.qr import qr_svg
from tests.e2e import scenario
from tests.e2e.a11y import low_contrast_text, unnamed_controls
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer

MOTION = {"kind": "motion", "title": "关于新洲镇2026年财政预算的决议"}
MAYOR = {
    "kind": "election",
    "title": "选举镇长",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "陈建国"}, {"id": "c2", "name": "林晓东"}],
}
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    """A sitting with the scrutineers' list adopted on paper (p1), an encrypted motion passed
    (p2), a voided poll (p3) and a paper election (p4)."""
    token = demo_server.login()
    scenario.sign_in(demo_server, token, scenario.deputies(1, 6))
    tablets = scenario.tablets(demo_server, token, scenario.deputies(7, 36))
    scrutineers = scenario.take_office(demo_server, token)
    scenario.make_current(demo_server, token, "i02")
    poll = scenario.open_encrypted(demo_server, token, scrutineers, "i02", MOTION)
    assert poll == "p2"
    choices = ["for"] * 28 + ["against", "abstain"]
    scenario.cast_encrypted(demo_server, token, tablets, poll, choices)
    scenario.close_poll(demo_server, token, poll)
    scenario.decrypted(demo_server, token, scrutineers, poll)
    for tablet in tablets:
        tablet.close()
    base = f"/api/meetings/{MEETING}/polls"
    demo_server.api("POST", f"{base}/p2/announce", token=token)
    scenario.make_current(demo_server, token, "i03")
    scenario.open_poll(demo_server, token, "i03", MAYOR, mode="manual")
    demo_server.api("POST", f"{base}/p3/void", {"reason": "表决器故障"}, token=token)
    scenario.open_poll(demo_server, token, "i03", MAYOR, mode="manual")
    demo_server.api(
        "POST",
        f"{base}/p4/manual-result",
        {
            "issued": 36,
            "ballots": {"cast": 36, "valid": 35, "void": 1},
            "counts": {
                "c1": {"for": 30, "against": 3, "abstain": 2},
                "c2": {"for": 4, "against": 25, "abstain": 6},
            },
            "confirmed_by": ["何金凤", "林永福"],
        },
        token=token,
    )
    presidium = {"decision": "主席团第二次会议决定：镇长选举结果有效", "by": ["何金凤"]}
    demo_server.api("POST", f"{base}/p4/confirm", presidium, token=token)
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


def table_rows(page: Page) -> list[list[str]]:
    rows: list[list[str]] = page.locator("table.counts tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )
    return rows


def facts(page: Page) -> dict[str, str]:
    pairs: list[list[str]] = page.locator(".fact").evaluate_all(
        "facts => facts.map(f => [...f.children].map(cell => cell.textContent))"
    )
    return dict((label, value) for label, value in pairs)


def fetch(server: DemoServer, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(server.base + path, timeout=10) as response:
        return response.headers["content-type"], response.read().decode()


def test_the_result_sheet_has_counts_verdict_checkpoint_and_signature_lines(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p2#token={token}")
    expect(page.locator("h1")).to_have_text("表决结果单")
    expect(page.locator(".meeting-name")).to_have_text("新洲镇第十七届人民代表大会第三次会议")
    assert facts(page) == {
        "议程": "关于新洲镇2026年财政预算的决议",
        "表决编号": "p2",
        "表决方式": "无记名投票（加密）",
        "改票规则": "表决结束前可改票，以最后一次为准",
        "日期": "2026-03-01",
        "状态": "结果已宣布",
    }
    assert page.locator(".result-line").all_inner_texts() == [
        "应出席 54 名，实到 36 名",
        "发出选票 30 张，收回选票 30 张，有效票 30 张，废票 0 张",
        "符合法定人数",
        "通过所需票数：28 票（全体代表过半数）",
    ]
    assert table_rows(page) == [["赞成", "28"], ["反对", "1"], ["弃权", "1"], ["未表决", "6"]]
    expect(page.locator(".verdict-line")).to_have_text("表决结果：通过")

    _, note = fetch(demo_server, f"/api/meetings/{MEETING}/log/checkpoint")
    assert page.locator("#checkpoint-text").text_content() == note
    assert note.startswith("xinzhou.congress.local/17-3\n")
    qr = page.locator("#checkpoint-qr")
    expect(qr).to_have_attribute("alt", "签名检查点二维码")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    content_type, svg = fetch(demo_server, f"/api/meetings/{MEETING}/log/checkpoint.svg")
    assert content_type == "image/svg+xml"
    assert svg == qr_svg(note)

    expect(page.locator("#signatures")).to_have_text(
        "总监票人：＿＿＿＿ 监票人：＿＿＿＿ 计票人：＿＿＿＿"
    )
    assert unnamed_controls(page) == []
    assert low_contrast_text(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "print-result.png"), full_page=True)
    page.close()


def test_the_result_sheet_prints_on_a4(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p2#token={token}")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes  # one page
    width, height = (float(value) for value in boxes[0])
    assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
    page.close()


def test_a_paper_result_names_the_scrutineers(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p4#token={token}")
    assert facts(page)["表决方式"] == "举手或纸质表决（手工录入）"
    assert table_rows(page) == [
        ["陈建国", "30", "3", "2", "当选"],
        ["林晓东", "4", "25", "6", "未当选"],
    ]
    expect(page.locator(".verdict-line")).to_have_text("当选：陈建国")
    expect(page.locator("#sheet")).to_contain_text("监票人确认：何金凤、林永福")
    page.close()


def test_a_voided_poll_prints_its_reason(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p3#token={token}")
    expect(page.locator(".verdict-line")).to_have_text("该表决已作废，原因：表决器故障")
    expect(page.locator("table.counts")).to_have_count(0)
    page.close()


def test_the_minutes_list_every_poll_with_the_log_key_and_checkpoint(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    display = demo_server.credentials()["display_token"]
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}#token={display}")
    expect(page.locator("h1")).to_have_text("会议表决纪要")
    assert facts(page)["出席情况"] == "本次大会应到代表54名，实到36名，请假0名，符合法定人数"
    assert page.locator("article.poll h3").all_inner_texts() == [
        "p1 · 通过总监票人、监票人、计票人名单（举手或纸质表决（手工录入））",
        "p2 · 关于新洲镇2026年财政预算的决议（无记名投票（加密））",
        "p3 · 选举镇长（举手或纸质表决（手工录入））",
        "p4 · 选举镇长（举手或纸质表决（手工录入））",
    ]
    assert page.locator("article.poll .verdict-line").all_inner_texts() == [
        "表决结果：通过",
        "表决结果：通过",
        "该表决已作废，原因：表决器故障",
        "当选：陈建国",
    ]
    expect(page.locator("#log-key")).to_have_text(demo_server.credentials()["log_key"])
    _, note = fetch(demo_server, f"/api/meetings/{MEETING}/log/checkpoint")
    assert page.locator("#checkpoint-text").text_content() == note
    expect(page.locator(".agenda li").nth(2)).to_have_text(
        "关于新洲镇2026年财政预算的决议（已宣布）"
    )
    expect(page.locator(".signatures")).to_have_text("主持人：＿＿＿＿ 记录人：＿＿＿＿")
    # Items not yet taken up are not drafts in the official minutes.
    expect(page.locator(".agenda li").last).to_have_text("宪法宣誓（未审议）")
    assert "草案" not in page.locator(".agenda").inner_text()
    page.close()


FAILED_ELECTION = {
    "kind": "election",
    "title": "选举副镇长",
    "seats": 2,
    "candidates": [{"id": "c1", "name": "黄丽华"}, {"id": "c2", "name": "周志强"}],
    "electorate": 54,
    "present": 50,
}


def test_failed_outcomes_are_printed_in_the_failure_colour(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    result = ballots.tally({"poll": FAILED_ELECTION, "ballots": [{"marks": {"c1": "for"}}] * 10})
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}#token={token}")
    lines = page.evaluate(
        """async ([definition, result]) => {
            const view = await import("/static/app/result-view.js");
            const block = view.resultBlock("zh", definition, result);
            document.querySelector("#sheet").replaceChildren(block);
            return [...block.querySelectorAll(".verdict-line")].map((p) => [
                p.textContent, p.className, getComputedStyle(p).color]);
        }""",
        [FAILED_ELECTION, result],
    )
    assert lines == [
        ["无人当选", "verdict-line bad", "rgb(138, 28, 20)"],
        ["另行选举：尚缺 2 名，需另行选举", "verdict-line bad", "rgb(138, 28, 20)"],
    ]
    page.close()


def test_the_sheet_switches_to_english(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p2#token={token}")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Result sheet")
    expect(page.locator(".verdict-line")).to_have_text("Result: passed")
    assert table_rows(page)[0] == ["For", "28"]
    expect(page.locator("#signatures")).to_have_text(
        "Chief scrutineer: ________ Scrutineer: ________ Teller: ________"
    )
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("表决结果单")
    page.close()


def test_missing_token_and_unknown_poll_are_explained(
    demo_server: DemoServer, context: BrowserContext, token: str
) -> None:
    page = open_sheet(context, f"{demo_server.base}/print/{MEETING}?poll=p9#token={token}")
    expect(page.locator(".verdict-line")).to_have_text("没有表决 p9")
    page.close()
    fresh = context.browser.new_context() if context.browser else None
    assert fresh is not None
    page = fresh.new_page()
    page.goto(f"{demo_server.base}/print/{MEETING}?poll=p2")
    expect(page.locator("#sheet [role=alert]")).to_have_text(
        "缺少令牌：请从主持人控制台打开，或在地址中加入 #token=…"
    )
    page.goto("about:blank")  # a new fragment alone would not load the page again
    page.goto(f"{demo_server.base}/print/{MEETING}?poll=p2#token=wrong")
    expect(page.locator("#sheet [role=alert]")).to_have_text("登录已失效，请重新登录")
    fresh.close()
