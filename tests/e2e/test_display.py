"""The hall display in a real browser at 1920×1080: attendance, a vote with its live count and
never a choice before the close, then result bars and verdicts; and its verdict words checked
against the printed result table of ``ballots.table``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

import ballots
from ballots.table import render_table
from ballots.words import Lang
from tests.e2e import scenario
from tests.e2e.a11y import low_contrast_text, small_targets, unnamed_controls
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.tablets import HallTablet
from voting.demo_scrutineers import SimulatedScrutineers

MOTION = {"kind": "motion", "title": "关于新洲镇2026年财政预算的决议"}
DEPUTY_HEADS = {
    "kind": "election",
    "title": "选举副镇长",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "黄丽华"},
        {"id": "c2", "name": "周志强"},
        {"id": "c3", "name": "吴海燕"},
    ],
    "write_ins": True,
}
CHOICE_WORDS = re.compile(r"赞成|反对|弃权|未表决|通过|当选|\d+ 票")


@pytest.fixture(scope="module")
def token(demo_server: DemoServer) -> str:
    return demo_server.login()


@pytest.fixture(scope="module")
def hall(demo_server: DemoServer, token: str) -> Iterator[list[HallTablet]]:
    scenario.sign_in(demo_server, token, scenario.deputies(1, 9))
    found = scenario.tablets(demo_server, token, scenario.deputies(10, 39))
    yield found
    for tablet in found:
        tablet.close()


@pytest.fixture(scope="module")
def scrutineers(
    demo_server: DemoServer, token: str, hall: list[HallTablet]
) -> SimulatedScrutineers:
    """The scrutineers' list adopted on paper (poll p1) and the sitting key made."""
    return scenario.take_office(demo_server, token)


@pytest.fixture(scope="module")
def screen(demo_server: DemoServer, browser: Browser, hall: list[HallTablet]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    token = demo_server.credentials()["display_token"]
    page.goto(f"{demo_server.base}/display/{MEETING}#token={token}")
    yield page
    context.close()
    assert errors == []


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def texts(page: Page, selector: str) -> list[str]:
    found: list[str] = page.locator(selector).all_inner_texts()
    return found


def test_without_a_vote_the_display_shows_attendance(screen: Page) -> None:
    expect(screen.locator(".quorum-line")).to_have_text(
        "本次大会应到代表54名，实到39名，请假0名，符合法定人数"
    )
    assert texts(screen, ".hall-number dt") == ["应到", "实到", "请假"]
    assert texts(screen, ".hall-number dd") == ["54", "39", "0"]
    expect(screen.locator("#meeting-title")).to_have_text("新洲镇第十七届人民代表大会第三次会议")
    expect(screen.locator("#item-title")).to_have_text("会议即将开始")
    assert unnamed_controls(screen) == []
    assert low_contrast_text(screen) == []
    assert small_targets(screen) == []


def test_during_a_vote_only_the_number_of_ballots_cast_is_shown(
    demo_server: DemoServer,
    screen: Page,
    token: str,
    hall: list[HallTablet],
    scrutineers: SimulatedScrutineers,
) -> None:
    scenario.make_current(demo_server, token, "i02")
    expect(screen.locator("#item-title")).to_have_text("关于新洲镇2026年财政预算的决议")
    poll = scenario.open_encrypted(demo_server, token, scrutineers, "i02", MOTION, duration_s=120)
    assert poll == "p2"
    live = screen.locator("#live-count")
    expect(live).to_have_text("已投票 0 人 / 实到 39 人")
    expect(screen.locator("#countdown")).to_have_text(re.compile(r"^剩余时间 0[12]:\d\d$"))
    cast = 0
    for choices in (["for"] * 12, ["against"] + ["for"] * 16, ["abstain"]):
        scenario.cast_encrypted(demo_server, token, hall[cast:], poll, choices)
        cast += len(choices)
        expect(live).to_have_text(f"已投票 {cast} 人 / 实到 39 人")
        stage = screen.locator("#stage").inner_text()
        assert not CHOICE_WORDS.search(stage), stage
        numbers = re.findall(r"\d+", stage)
        assert numbers[:2] == [str(cast), "39"] and len(numbers) == 4, stage
    assert screen.locator(".bar-row, .big-verdict, .seat-result").count() == 0
    expect(screen.locator(".voting-label")).to_have_text("表决进行中 · 无记名投票（加密）")
    shot(screen, "display-vote.png")
    assert low_contrast_text(screen) == []


def test_after_the_close_and_the_decryption_the_result_bars_and_verdict_appear(
    demo_server: DemoServer, screen: Page, token: str, scrutineers: SimulatedScrutineers
) -> None:
    scenario.close_poll(demo_server, token, "p2")
    scenario.decrypted(demo_server, token, scrutineers, "p2")
    expect(screen.locator("#verdict")).to_have_text("通过")
    assert texts(screen, ".bar-row .bar-label") == ["赞成", "反对", "弃权", "未表决"]
    # 未表决 counts deputies who cast nothing: people, not votes.
    assert texts(screen, ".bar-row .bar-count") == ["28 票", "1 票", "1 票", "9 人"]
    expect(screen.locator(".result-facts")).to_have_text(
        "发出选票 30 张，收回选票 30 张，有效票 30 张，废票 0 张 · "
        "通过所需票数：28 票（全体代表过半数）"
    )
    expect(screen.locator(".result-head")).to_have_text("表决结果")
    shot(screen, "display-result.png")
    assert low_contrast_text(screen) == []
    demo_server.api("POST", f"/api/meetings/{MEETING}/polls/p2/announce", token=token)
    expect(screen.locator(".announced")).to_have_text("已宣布")


def test_an_election_shows_who_is_elected_and_the_unfilled_seat(
    demo_server: DemoServer,
    screen: Page,
    token: str,
    hall: list[HallTablet],
    scrutineers: SimulatedScrutineers,
) -> None:
    scenario.make_current(demo_server, token, "i04")
    poll = scenario.open_encrypted(demo_server, token, scrutineers, "i04", DEPUTY_HEADS)
    expect(screen.locator("#live-count")).to_have_text("已投票 0 人 / 实到 39 人")
    expect(screen.locator("#countdown")).to_have_count(0)
    ballots_cast = [{"marks": {"c1": "for", "c2": "against", "c3": "abstain"}}] * 28 + [
        {"marks": {"c2": "for", "c3": "for"}},
        {"marks": {"c1": "against"}, "write_ins": ["王五"]},
    ]
    scenario.cast_encrypted(demo_server, token, hall, poll, ballots_cast)
    expect(screen.locator("#live-count")).to_have_text("已投票 30 人 / 实到 39 人")
    assert not CHOICE_WORDS.search(screen.locator("#stage").inner_text())
    scenario.close_poll(demo_server, token, poll)
    scenario.decrypted(demo_server, token, scrutineers, poll)  # with the write-in mix
    # The hall sees an election result once the presidium has confirmed it.
    presidium = {"decision": "主席团第二次会议决定：选举结果有效", "by": ["何金凤"]}
    demo_server.api("POST", f"/api/meetings/{MEETING}/polls/{poll}/confirm", presidium, token=token)
    rows = screen.locator(".seat-result")
    expect(rows).to_have_count(4)
    assert texts(screen, ".seat-result .bar-label") == [
        "黄丽华",
        "周志强",
        "吴海燕",
        "王五（另选他人）",
    ]
    assert texts(screen, ".seat-result .count-value") == ["28 票", "1 票", "1 票", "1 票"]
    assert texts(screen, ".seat-result .count-label") == ["得票"] * 4
    assert texts(screen, ".seat-result .seat-verdict") == ["✓ 当选", "未当选", "未当选", "未当选"]
    assert texts(screen, ".verdict-lines p") == ["当选：黄丽华", "另行选举：尚缺 1 名，需另行选举"]
    # The unfilled seat is a failure: never in the colour of success.
    assert screen.locator(".verdict-lines p").evaluate_all("ps => ps.map(p => p.className)") == [
        "good",
        "bad",
    ]
    good, bad = screen.locator(".verdict-lines p").evaluate_all(
        "ps => ps.map(p => getComputedStyle(p).color)"
    )
    assert good == "rgb(110, 231, 160)" and bad == "rgb(255, 155, 143)"
    expect(screen.locator(".seat-result.elected")).to_have_count(1)
    shot(screen, "display-election.png")


def test_the_display_switches_to_english(screen: Page) -> None:
    screen.get_by_role("button", name="English").click()
    expect(screen.locator("html")).to_have_attribute("lang", "en")
    assert texts(screen, ".verdict-lines p") == [
        "Elected: 黄丽华",
        "Further election needed: 1 seat(s) unfilled",
    ]
    assert texts(screen, ".seat-result .seat-verdict") == [
        "✓ elected",
        "not elected",
        "not elected",
        "not elected",
    ]
    expect(screen.locator("#attendance")).to_have_text(
        "Deputies seated 54, present 39, on leave 0: quorum met"
    )
    screen.get_by_role("button", name="中文").click()
    expect(screen.locator("html")).to_have_attribute("lang", "zh-CN")


def test_twenty_projects_fit_the_screen_above_the_footer(
    demo_server: DemoServer, screen: Page, token: str, hall: list[HallTablet]
) -> None:
    projects = [
        {"id": f"p{i:02}", "name": f"民生实事项目{i:02}号：道路与供水改造"} for i in range(1, 21)
    ]
    definition = {
        "kind": "selection",
        "title": "2026年度民生实事项目票决",
        "seats": 10,
        "form": "choose",
        "candidates": projects,
    }
    scenario.make_current(demo_server, token, "i05")
    poll = scenario.open_poll(demo_server, token, "i05", definition, mode="named")
    scenario.vote(hall, poll, [{"chosen": [f"p{i:02}" for i in range(1, 11)]}] * 28)
    scenario.close_poll(demo_server, token, poll)
    rows = screen.locator(".seat-result")
    expect(rows).to_have_count(20)
    footer_top = screen.locator(".hall-foot").evaluate("el => el.getBoundingClientRect().top")
    boxes = rows.evaluate_all(
        "rows => rows.map(r => { const b = r.getBoundingClientRect();"
        " return [b.top, b.bottom, b.left, b.right]; })"
    )
    assert len(boxes) == 20
    for top, bottom, left, right in boxes:
        assert 0 <= top < bottom <= footer_top, (top, bottom, footer_top)
        assert 0 <= left < right <= 1920, (left, right)
    last_line = screen.locator(".result-facts").evaluate("el => el.getBoundingClientRect().bottom")
    assert last_line <= footer_top
    shot(screen, "display-selection-20.png")


def test_a_wrong_token_is_reported(demo_server: DemoServer, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{demo_server.base}/display/{MEETING}#token=not-a-token")
    expect(page.locator("#stage")).to_have_text("大屏令牌无效或已失效")
    page.goto(f"{demo_server.base}/display/{MEETING}")
    expect(page.locator("#stage")).to_have_text("缺少大屏令牌：请在地址中加入 #token=…")
    context.close()


# The verdict words of results.js against ballots/table.py ---------------------------------------


def _poll(**fields: Any) -> dict[str, Any]:
    return {"electorate": 54, "present": 50, **fields}


def _marks(**marks: str) -> dict[str, Any]:
    return {"marks": marks}


CANDIDATES = [
    {"id": "c1", "name": "张三"},
    {"id": "c2", "name": "李四"},
    {"id": "c3", "name": "王五"},
]
PROJECTS = [{"id": f"p{i}", "name": f"项目{i}"} for i in range(1, 5)]
CASES: dict[str, dict[str, Any]] = {
    "motion passes": {
        "poll": _poll(kind="motion"),
        "ballots": ["for"] * 30 + ["against"] * 10 + ["abstain"] * 5,
    },
    "motion with exactly half fails": {
        "poll": _poll(kind="motion"),
        "ballots": ["for"] * 27 + ["against"] * 20,
    },
    "election runoff": {
        "poll": _poll(kind="election", seats=2, candidates=CANDIDATES),
        "ballots": [_marks(c1="for", c2="for")] * 20
        + [_marks(c1="for", c3="for")] * 20
        + [_marks(c2="for", c3="for")] * 10,
    },
    "election shortfall with a write-in": {
        "poll": _poll(kind="election", seats=2, candidates=CANDIDATES),
        "ballots": [_marks(c1="for", c2="against")] * 30
        + [{"marks": {"c1": "against"}, "write_ins": ["赵六"]}] * 5
        + [_marks(c1="for", c2="for", c3="for")],
    },
    "nobody elected": {
        "poll": _poll(kind="election", seats=1, candidates=CANDIDATES[:2]),
        "ballots": [_marks(c1="for")] * 10 + [_marks(c2="for")] * 10,
    },
    "election round invalid": {
        "poll": _poll(kind="election", seats=1, candidates=CANDIDATES[:2], issued=3),
        "ballots": [_marks(c1="for")] * 4,
    },
    "selection": {
        "poll": _poll(kind="selection", seats=2, candidates=PROJECTS),
        "ballots": [{"chosen": ["p1", "p2"]}] * 30 + [{"chosen": ["p3"]}] * 10,
    },
    "evaluation": {
        "poll": _poll(kind="evaluation", subjects=[{"id": "s1", "name": "财政所"}]),
        "ballots": [{"ratings": {"s1": "satisfied"}}] * 20
        + [{"ratings": {"s1": "basically_satisfied"}}] * 20,
    },
}


def _expected(poll: dict[str, Any], result: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """What ballots/table.py prints: the verdict lines under the table, and each row's word."""
    definition = ballots.parse_poll(poll)
    lines = render_table(definition, result, lang=lang).splitlines()
    header = lines[: lines.index("")]
    verdicts = [] if result["round_valid"] else [header[-1]]
    rows: list[str] = []
    if result["kind"] in {"election", "selection"}:
        blanks = [i for i, line in enumerate(lines) if line == ""]
        grid = lines[blanks[1] + 2 : blanks[2] if len(blanks) > 2 else len(lines)]
        rows = [re.split(r"\s{2,}", line.strip())[-1] for line in grid]
        if result["outcome"] is not None:
            verdicts += lines[blanks[2] + 1 :]
    elif result["kind"] == "motion" and result["outcome"] is not None:
        verdicts.append(lines[-1])
    return {"verdicts": verdicts, "rows": rows}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_verdict_words_are_those_of_the_printed_table(
    screen: Page, case: str, lang: Lang
) -> None:
    source = CASES[case]
    result = ballots.tally(source)
    shown = screen.evaluate(
        """async ([definition, result, lang]) => {
            const words = await import("/static/common/results.js");
            const rows = ["election", "selection"].includes(result.kind)
                ? words.seatRows(lang, definition, result).map((row) => row.text) : [];
            return {verdicts: words.verdictLines(lang, definition, result), rows};
        }""",
        [source["poll"], result, lang],
    )
    assert shown == _expected(source["poll"], result, lang)


def test_equal_evaluation_results_share_a_rank(screen: Page) -> None:
    subjects = [{"id": f"s{i}", "name": f"办公室{i}"} for i in range(1, 5)]
    poll = _poll(kind="evaluation", subjects=subjects)
    everyone = {f"s{i}": "satisfied" for i in range(1, 5)}
    result = ballots.tally(
        {
            "poll": poll,
            "ballots": [{"ratings": everyone}] * 20
            + [{"ratings": {"s1": "basically_satisfied", "s2": "basically_satisfied"}}] * 5
            + [{"ratings": {"s4": "satisfied"}}] * 5
            + [{"ratings": {"s3": "basically_satisfied"}}] * 2,
        }
    )
    assert result["outcome"]["ranking"] == ["s4", "s1", "s2", "s3"]
    ranks = screen.evaluate(
        """async ([definition, result]) => {
            const words = await import("/static/common/results.js");
            return words.evaluationRows("zh", definition, result).map((row) => row.rank);
        }""",
        [poll, result],
    )
    # s1 and s2 have the same counts: both second, and the next one is fourth.
    assert ranks == ["2", "2", "4", "1"]
