"""The deputy's tablet page in Chromium against a real ``congress demo`` server: pairing by the
card's link, sign-in, every ballot kind, over-voting prevented, confirm steps, changing an
encrypted ballot, a vote cast while offline, results, the tablet's own check that its encrypted
ballot is in the public log, the English switch, keys, and accessibility. Screenshots go to
docs/screenshots/tablet-*.png.

The tests share one meeting and run in order; each closes the poll it opens. Tablets belong to
d01..d18, the operator signs in d19..d54 for a quorum; the scrutineers' list is then adopted on
paper and three simulated stations make the sitting key, so secret polls are encrypted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.e2e import scenario
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablet_pages import (
    OPERATOR_SIGNED,
    Chair,
    assert_accessible,
    deputy_name,
    deputy_seat,
    new_tablet,
    normalise,
    page_errors,
    pair,
    paired_tablet,
    screenshot,
    stored,
    wait_until,
)
from tests.e2e.tablet_voting import (
    confirm_tracking_code,
    decrypted,
    expect_counted,
    logged_ballot,
    open_encrypted,
    own_ballot,
    recount,
    vote_motion,
)
from voting import sample
from voting.demo_scrutineers import SimulatedScrutineers

POLICY_LAST = "本次表决以最后一次提交为准，表决结束前可以修改"
POLICY_FIRST = "提交后不能修改"


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    chair = Chair(demo_server, demo_server.login())
    for deputy in OPERATOR_SIGNED:
        chair.api("POST", f"/deputies/{deputy}/sign-in")
    assert chair.get()["attendance"]["quorum_met"] is True
    return chair


@pytest.fixture(scope="module")
def stations(chair: Chair) -> SimulatedScrutineers:
    """The scrutineers in office with the sitting key, their stations stepped by the tests."""
    return scenario.take_office(chair.server, chair.token)


@pytest.fixture
def contexts() -> Iterator[list[BrowserContext]]:
    """Browser contexts to close after the test (one per tablet)."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def tablet(
    browser: Browser, chair: Chair, deputy: str, contexts: list[BrowserContext]
) -> tuple[BrowserContext, Page]:
    context, page = paired_tablet(browser, chair, deputy)
    contexts.append(context)
    return context, page


def main_text(page: Page) -> str:
    return normalise(page.locator("main").inner_text())


# Pairing and sign-in ------------------------------------------------------------------------


def test_an_unpaired_tablet_asks_for_the_pairing_card(
    demo_server: DemoServer, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context, page = new_tablet(browser)
    contexts.append(context)
    page.goto(f"{demo_server.base}/tablet/{MEETING}")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "本平板尚未配对，请工作人员扫描配对卡"
    )
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    screenshot(page, "pairing")
    assert_accessible(page)
    assert page_errors(page) == []


def test_pairing_by_link_makes_a_non_extractable_key_and_signs_in(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context, page = new_tablet(browser)
    contexts.append(context)
    pair(page, chair.server, chair.pairing_code("d01"))
    expect(page.locator("#deputy-name")).to_have_text(f"代表：{deputy_name('d01')}")
    expect(page.locator("#deputy-seat")).to_have_text(f"座位：{deputy_seat('d01')}")
    expect(page.locator("#signin-status")).to_have_text("未签到")
    expect(page.locator("#meeting-title")).to_have_text(sample.TITLE)
    assert page.url == f"{chair.server.base}/tablet/{MEETING}"  # the code left the address

    # At its first welcome the tablet witnesses the log: it cosigns the newest checkpoint, the
    # one message it signs by itself (audit-log.md §8), once acknowledged.
    checkpoint = chair.server.api("GET", f"/api/meetings/{MEETING}/log/checkpoint")
    wait_until(
        lambda: (
            stored(page, "devices")[0].get("witness") == {"note": checkpoint}
            and stored(page, "devices")[0]["outbox"] == []
        )
    )
    [device] = stored(page, "devices")
    assert device["deputy"] == "d01"
    assert device["origin"] == sample.ORIGIN
    assert device["alg"] == "ed25519"
    assert device["privateKey"] == {
        "type": "private",
        "algorithm": "Ed25519",
        "extractable": False,
        "usages": ["sign"],
    }
    assert device["logKey"] == chair.get()["log_key"]  # pinned at pairing
    assert device["counter"] == 1  # the cosignature
    refused = page.evaluate(
        """async () => {
            const db = await new Promise((resolve) => {
                const request = indexedDB.open("congress-vote-tablet");
                request.onsuccess = () => resolve(request.result);
            });
            const record = await new Promise((resolve) => {
                const request = db.transaction("devices").objectStore("devices").getAll();
                request.onsuccess = () => resolve(request.result[0]);
            });
            try {
                await crypto.subtle.exportKey("pkcs8", record.privateKey);
                return "exported";
            } catch (error) {
                return error.name;
            }
        }"""
    )
    assert refused == "InvalidAccessError"
    paired = next(d for d in chair.get()["roster"] if d["deputy"] == "d01")
    assert paired["device"] == device["device"]

    expect(page.get_by_role("heading", level=2)).to_have_text("请点击下方按钮签到")
    screenshot(page, "sign-in")
    assert_accessible(page)
    page.get_by_role("button", name="签到").click()
    expect(page.locator("#signin-status")).to_have_text("已签到")
    expect(page.get_by_role("heading", level=2)).to_have_text("请等待主持人宣布议程")
    roster = {d["deputy"]: d for d in chair.get()["roster"]}
    assert roster["d01"]["signed_in"] is True
    [device] = stored(page, "devices")
    assert device["counter"] == 2 and device["outbox"] == []  # the cosignature, the sign-in

    page.reload()  # the pairing and the counter survive
    expect(page.locator("#signin-status")).to_have_text("已签到")
    assert page_errors(page) == []


def test_pairing_errors_are_shown_in_chinese(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    first, page = new_tablet(browser)
    contexts.append(first)
    code = chair.pairing_code("d13")
    pair(page, chair.server, code)
    expect(page.locator("#deputy-name")).to_have_text(f"代表：{deputy_name('d13')}")

    cases = [
        (code, "配对码已使用，请工作人员重新生成配对卡"),
        ("not-a-code-at-all", "配对码无效，请工作人员重新生成配对卡"),
        (chair.pairing_code("d13"), "该代表已有配对的平板，请工作人员先注销原平板再重新配对"),
    ]
    for used, message in cases:
        context, other = new_tablet(browser)
        contexts.append(context)
        pair(other, chair.server, used)
        expect(other.get_by_role("heading", level=2)).to_have_text("配对失败")
        expect(other.get_by_role("alert").filter(has_text="配对")).to_have_text(message)
        assert stored(other, "devices") == []
    assert_accessible(other)


def test_a_tablet_without_ed25519_pairs_with_p256(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context, page = new_tablet(browser)
    contexts.append(context)
    context.add_init_script(
        """(() => {
            const original = crypto.subtle.generateKey.bind(crypto.subtle);
            crypto.subtle.generateKey = (algorithm, ...rest) =>
                (algorithm === "Ed25519" || algorithm?.name === "Ed25519")
                    ? Promise.reject(new DOMException("no Ed25519", "NotSupportedError"))
                    : original(algorithm, ...rest);
        })()"""
    )
    pair(page, chair.server, chair.pairing_code("d11"))
    page.get_by_role("button", name="签到").click()
    expect(page.locator("#signin-status")).to_have_text("已签到")
    [device] = stored(page, "devices")
    assert device["alg"] == "p256"
    assert device["privateKey"]["algorithm"] == "ECDSA"
    assert device["privateKey"]["extractable"] is False


# Motions ------------------------------------------------------------------------------------


def test_three_tablets_vote_on_an_encrypted_motion_and_check_their_ballots(
    chair: Chair, stations: SimulatedScrutineers, browser: Browser, contexts: list[BrowserContext]
) -> None:
    pages = [tablet(browser, chair, d, contexts)[1] for d in ("d02", "d03", "d04")]
    first, second, third = pages
    present = chair.get()["attendance"]["present"]
    poll = open_encrypted(chair, stations, "i02")
    try:
        for page in pages:
            expect(page.locator(".item-title")).to_have_text("关于新洲镇2026年财政预算的决议")
            expect(page.get_by_text(POLICY_LAST, exact=True)).to_be_visible()
            expect(page.get_by_text("无记名投票（加密）", exact=True)).to_be_visible()
        screenshot(first, "motion")
        assert_accessible(first)

        first.get_by_role("button", name="赞成", exact=True).click()
        expect(first.locator(".confirm-text")).to_have_text("您选择了：赞成。确认提交吗？")
        screenshot(first, "confirm")
        assert_accessible(first)
        first.get_by_role("button", name="返回", exact=True).click()
        expect(first.get_by_role("button", name="弃权", exact=True)).to_be_visible()
        vote_motion(first, "反对")
        assert "表决结果" not in main_text(first)
        replaced = own_ballot(first, poll)["trackingCode"]

        first.get_by_role("button", name="修改我的选择").click()
        vote_motion(first, "赞成")  # a new ballot with a new code: the last one counts
        assert own_ballot(first, poll)["trackingCode"] != replaced
        vote_motion(second, "反对")
        vote_motion(third, "弃权")
        assert chair.cast() == 3
    finally:
        chair.close_poll(poll)
    result = decrypted(chair, stations, poll)
    not_voted = present - 3
    assert result["counts"] == {"for": 1, "against": 1, "abstain": 1, "not_voted": not_voted}
    assert result["outcome"] == {"passed": False}

    for page, deputy in zip(pages, ("d02", "d03", "d04"), strict=True):
        expect_counted(page)
        ballot = own_ballot(page, poll)
        found = logged_ballot(chair.server, ballot["trackingCode"])
        assert (found["entry"]["poll"], found["entry"]["deputy"]) == (poll, deputy)
        assert found["seq"] == ballot["seq"]
        expect(page.locator("#tracking-code-closed")).to_have_text(ballot["trackingCode"])
        expect(page.locator("#inclusion")).to_contain_text(f"序号为 {found['seq']} 的记录")
        expect(page.locator(".verdict")).to_have_text("未通过")
        expect(page.locator(".motion-counts")).to_have_text(
            re.compile(rf"赞成\s*1\s*反对\s*1\s*弃权\s*1\s*未表决\s*{not_voted}")
        )
        assert page_errors(page) == []
    screenshot(first, "counted")
    assert_accessible(first)


def test_a_named_vote_under_first_press_final_cannot_be_changed(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d05", contexts)
    poll = chair.open_poll("i02", mode="named", change_policy="first")
    try:
        expect(page.get_by_text(POLICY_FIRST, exact=True)).to_be_visible()
        expect(page.get_by_text("记名表决", exact=True)).to_be_visible()
        vote_motion(page, "赞成", encrypted=False)
        expect(page.get_by_role("button", name="修改我的选择")).to_have_count(0)
        assert chair.cast() == 1
    finally:
        chair.close_poll(poll)
    expect(page.get_by_text("您的表决已记录（记名表决）")).to_be_visible()
    assert chair.get()["poll"]["votes"] == {"d05": "for"}
    expect(page.locator(".verdict")).to_have_text("未通过")


def test_a_vote_pressed_offline_is_sent_once_after_reconnecting(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context, page = tablet(browser, chair, "d09", contexts)
    poll = chair.open_poll("i02", mode="named")
    try:
        expect(page.get_by_role("button", name="赞成", exact=True)).to_be_visible()
        context.set_offline(True)
        before = stored(page, "devices")[0]["counter"]
        banner = page.locator("#offline-banner")
        expect(banner).to_have_text("网络已断开，正在重新连接…")
        page.get_by_role("button", name="赞成", exact=True).click()
        page.get_by_role("button", name="确认", exact=True).click()
        expect(page.get_by_text("您的选择已保存，网络恢复后将自动提交")).to_be_visible()
        [device] = stored(page, "devices")
        assert [m["type"] for m in device["outbox"]] == ["vote"]
        assert device["counter"] == before + 1  # persisted before sending
        assert chair.cast() == 0

        context.set_offline(False)
        expect(banner).to_be_hidden()
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
        time.sleep(0.5)
        assert chair.cast() == 1
        assert stored(page, "devices")[0]["outbox"] == []

        page.reload()  # what the tablet keeps survives a reload: the change still works
        page.get_by_role("button", name="修改我的选择").click()
        vote_motion(page, "反对", encrypted=False)
        assert chair.cast() == 1
    finally:
        chair.close_poll(poll)
    expect(page.get_by_text("您的表决已记录（记名表决）")).to_be_visible()
    assert chair.get()["poll"]["votes"] == {"d09": "against"}


def test_a_lost_acknowledgement_is_answered_again_after_reconnecting(
    chair: Chair, stations: SimulatedScrutineers, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context, page = new_tablet(browser)
    contexts.append(context)
    answers: list[dict[str, Any]] = []
    drop_next_ack = {"on": False}

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            data = json.loads(message)
            if data.get("type") == "ballot_ack":
                answers.append(data)
                if drop_next_ack["on"]:
                    drop_next_ack["on"] = False
                    ws.close()  # the tablet never hears this acknowledgement
                    return
            ws.send(message)

        server.on_message(from_server)

    page.route_web_socket(re.compile(r".*/tablet$"), route)
    pair(page, chair.server, chair.pairing_code("d14"))
    page.get_by_role("button", name="签到").click()
    expect(page.locator("#signin-status")).to_have_text("已签到")
    poll = open_encrypted(chair, stations, "i02")
    try:
        drop_next_ack["on"] = True
        page.get_by_role("button", name="弃权", exact=True).click()
        page.get_by_role("button", name="确认", exact=True).click()
        confirm_tracking_code(page)
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
        assert [a.get("duplicate", False) for a in answers] == [False, True]
        assert answers[0]["ballot_hash"] == answers[1]["ballot_hash"]
        assert chair.cast() == 1
    finally:
        chair.close_poll(poll)
    expect_counted(page)


def test_keyboard_alone_can_vote_with_a_visible_focus(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d12", contexts)
    poll = chair.open_poll("i02", mode="named")
    try:
        expect(page.get_by_role("button", name="赞成", exact=True)).to_be_visible()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "赞成":
                break
        focus = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert focus == ["solid", "4px"]
        page.keyboard.press("Enter")
        expect(page.locator(".confirm-text")).to_have_text("您选择了：赞成。确认提交吗？")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "确认"
        page.keyboard.press("Enter")
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
    finally:
        chair.close_poll(poll)
    expect(page.get_by_text("您的表决已记录（记名表决）")).to_be_visible()


# Elections, selections, evaluations ------------------------------------------------------------


def test_an_election_ballot_prevents_over_voting(
    chair: Chair, stations: SimulatedScrutineers, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d06", contexts)
    poll = open_encrypted(chair, stations, "i04")  # 选举副镇长: 2 seats, 黄丽华 周志强 吴海燕
    counter = page.locator(".counter")
    limit = page.locator(".limit")
    writein = {
        name: page.get_by_label(f"另选他人（代替{name}）")
        for name in ("黄丽华", "周志强", "吴海燕")
    }
    try:
        expect(counter).to_have_text("已选 0 / 应选 2")
        expect(page.get_by_text(POLICY_LAST, exact=True)).to_be_visible()
        for field in writein.values():
            expect(field).to_be_disabled()
        expect(limit).to_be_hidden()

        page.get_by_label("黄丽华：赞成").check()
        expect(counter).to_have_text("已选 1 / 应选 2")
        page.get_by_label("周志强：赞成").check()
        expect(counter).to_have_text("已选 2 / 应选 2")
        expect(page.get_by_label("吴海燕：赞成")).to_be_disabled()
        expect(limit).to_have_text(
            "已选满 2 人，不能再选。如需改选，请先把一位候选人的“赞成”改为“反对”或“弃权”，"
            "或删除另选的人。"
        )
        page.get_by_label("吴海燕：反对").check()
        expect(writein["吴海燕"]).to_be_disabled()  # full: no write-in either
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "election")
        assert_accessible(page)

        page.get_by_label("周志强：反对").check()
        expect(counter).to_have_text("已选 1 / 应选 2")
        expect(limit).to_be_hidden()
        expect(page.get_by_label("吴海燕：赞成")).to_be_enabled()
        expect(writein["周志强"]).to_be_enabled()
        writein["周志强"].fill("吴海燕")
        expect(page.locator(".problems")).to_have_text(
            re.compile("“吴海燕”是本票上的候选人，不能另选")
        )
        expect(page.get_by_role("button", name="检查并提交")).to_be_disabled()
        writein["周志强"].fill("王五")
        expect(counter).to_have_text("已选 2 / 应选 2")
        expect(page.get_by_label("吴海燕：赞成")).to_be_disabled()
        expect(writein["吴海燕"]).to_be_disabled()
        expect(page.locator(".problems")).to_have_text("")

        page.get_by_role("button", name="检查并提交").click()
        expect(page.get_by_role("heading", name="请核对您的选择")).to_be_visible()
        assert normalise(page.locator(".review").inner_text()).startswith(
            "请核对您的选择 黄丽华 赞成 周志强 反对 吴海燕 反对 另选：王五（代替周志强） 已选 2 / 应选 2"
        )
        assert_accessible(page)
        page.get_by_role("button", name="确认提交").click()
        confirm_tracking_code(page)
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
    finally:
        chair.close_poll(poll)
    # Decrypted and the write-in mixed, the result is the count of the ballot the page made.
    assert decrypted(chair, stations, poll) == recount(
        chair,
        poll,
        [
            {
                "marks": {"c1": "for", "c2": "against", "c3": "against"},
                "write_ins": {"c2": "王五"},  # keyed by the candidate it replaces (代表法 Art 17)
            }
        ],
    )
    # The tablets see an election result once the presidium has confirmed it.
    presidium = {"decision": "主席团第二次会议决定：选举结果有效", "by": ["何金凤"]}
    chair.api("POST", f"/polls/{poll}/confirm", presidium)
    expect_counted(page)
    expect(page.locator(".verdict")).to_have_text("无人当选")
    expect(page.locator(".verdict")).to_have_class("verdict verdict-bad")
    # The words of the printed table; the unfilled seats are a failure, shown as one.
    expect(page.locator(".outcome-note.note-bad")).to_have_text("另行选举：尚缺 2 名，需另行选举")
    write_in = page.locator(".result-table tr", has_text="王五（另选他人）")
    expect(write_in.locator("td")).to_have_text(["1", "—", "—", "未当选"])


def test_a_selection_ballot_prevents_over_voting(
    chair: Chair, stations: SimulatedScrutineers, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d07", contexts)
    poll = open_encrypted(chair, stations, "i05")  # 12 projects, choose at most 10
    boxes = page.locator(".project input")
    counter = page.locator(".counter")
    try:
        expect(counter).to_have_text("已选 0 / 可选 10")
        first = page.locator(".project").first
        expect(first).to_contain_text("镇区雨污分流改造工程")
        expect(first).to_contain_text("预算 1200 万元")
        expect(first).to_contain_text("责任单位：镇村建设办公室")
        for index in range(10):
            boxes.nth(index).check()
        expect(counter).to_have_text("已选 10 / 可选 10")
        expect(boxes.nth(10)).to_be_disabled()
        expect(boxes.nth(11)).to_be_disabled()
        expect(page.locator(".limit")).to_have_text(
            "已选满 10 项，不能再选。如需改选，请先取消一项。"
        )
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "selection")
        assert_accessible(page)

        boxes.nth(0).uncheck()
        expect(counter).to_have_text("已选 9 / 可选 10")
        expect(boxes.nth(11)).to_be_enabled()
        boxes.nth(11).check()
        expect(boxes.nth(0)).to_be_disabled()
        page.get_by_role("button", name="检查并提交").click()
        expect(page.get_by_text("共选择 10 项：")).to_be_visible()
        page.get_by_role("button", name="确认提交").click()
        confirm_tracking_code(page)
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
    finally:
        chair.close_poll(poll)
    chosen = [f"p{i:02}" for i in (2, 3, 4, 5, 6, 7, 8, 9, 10, 12)]
    assert decrypted(chair, stations, poll) == recount(chair, poll, [{"chosen": chosen}])
    expect_counted(page)
    expect(page.locator(".verdict")).to_have_text("无项目入选")


def test_an_evaluation_grid_rates_each_office(
    chair: Chair, stations: SimulatedScrutineers, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d08", contexts)
    poll = open_encrypted(chair, stations, "i06")  # 8 offices
    ratings = {
        "党政综合办公室": "满意",
        "经济发展办公室": "基本满意",
        "农业农村办公室": "不满意",
        "社会事务办公室": "满意",
        "综合行政执法队": "基本满意",
        "财政所": "满意",
        "自然资源所": "满意",
    }
    try:
        expect(page.locator(".counter")).to_have_text("已评价 0 / 8")
        for office, level in ratings.items():
            page.get_by_label(f"{office}：{level}", exact=True).check()
        expect(page.locator(".counter")).to_have_text("已评价 7 / 8")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "evaluation")
        assert_accessible(page)
        page.get_by_role("button", name="检查并提交").click()
        review = normalise(page.locator(".review").inner_text())
        assert "经济发展办公室 基本满意" in review
        assert "应急管理办公室 未评价（本项不计入）" in review
        page.get_by_role("button", name="确认提交").click()
        confirm_tracking_code(page)
        expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()
    finally:
        chair.close_poll(poll)
    expect_counted(page)
    rated = {
        "ratings": {
            "s1": "satisfied",
            "s2": "basically_satisfied",
            "s3": "dissatisfied",
            "s4": "satisfied",
            "s5": "basically_satisfied",
            "s6": "satisfied",
            "s7": "satisfied",
        }
    }
    assert decrypted(chair, stations, poll) == recount(chair, poll, [rated])
    row = page.locator(".result-table tr", has_text="农业农村办公室")
    expect(row).to_have_text(re.compile(r"农业农村办公室\s*0\s*0\s*1\s*不满意"))


# Language -----------------------------------------------------------------------------------


def test_the_english_switch_translates_every_visible_text(
    chair: Chair, browser: Browser, contexts: list[BrowserContext]
) -> None:
    _, page = tablet(browser, chair, "d10", contexts)
    poll = chair.open_poll("i02", mode="named")
    try:
        expect(page.get_by_role("button", name="赞成", exact=True)).to_be_visible()
        page.get_by_role("button", name="Switch to English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#signin-status")).to_have_text("Signed in")
        expect(page.locator("#deputy-name")).to_have_text(f"Deputy: {deputy_name('d10')}")
        for label in ("For", "Against", "Abstain"):
            expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
        expect(
            page.get_by_text(
                "Your last submission counts; you can change it until the vote closes", exact=True
            )
        ).to_be_visible()
        expect(page.locator(".item-label")).to_have_text("Current agenda item · Motion")
        expect(page.get_by_role("button", name="切换到中文")).to_have_text("中文")
        chinese = re.compile(r"[\u4e00-\u9fff]")
        for node in page.locator("main *:not(:has(*))").all():
            text = node.inner_text()
            if chinese.search(text):  # only names and titles stay Chinese, marked as such
                assert node.evaluate("n => n.closest('[lang]').lang") == "zh-CN", text
        assert_accessible(page)
        page.get_by_role("button", name="Against", exact=True).click()
        expect(page.locator(".confirm-text")).to_have_text("You chose: Against. Submit it?")

        page.reload()  # the choice of language is kept
        expect(page.locator("#signin-status")).to_have_text("Signed in")
        page.get_by_role("button", name="切换到中文").click()
        expect(page.get_by_role("button", name="反对", exact=True)).to_be_visible()
    finally:
        chair.close_poll(poll)
    expect(page.get_by_text("您未参加本次表决")).to_be_visible()
