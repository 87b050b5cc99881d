"""A whole election sitting, end to end: a plenary of 11 deputies signs in on tablets (simulated
over real WebSockets), adopts by named vote the presidium, the election rules (选举办法, runoff by
plurality) and the scrutineers (a scrutineer put up as a candidate is refused, 选举法 Art 43);
the scrutineers' three simulated stations then run the key ceremony; the 副镇长 election (two
seats, three candidates) is encrypted, decrypted by the stations, and elects one and ties the
other two above half; in Chromium the chair clicks the console's runoff button and opens the
prepared round, encrypted as the first; the tablets vote it and plurality elects; the presidium
votes under its own quorum and confirms both rounds; they are announced; the certificates
(当选证书) render in Chromium with the elected names; the exported log verifies, its recount
naming each election round by its type."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from audit.verify import verify_bundle
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import confirm_by_itself, run_until_settled, simulated_station
from devices.scrutineer.station import Station
from tests.e2e.conftest import CHAIR, DemoServer
from tests.e2e.tablets import HallTablet
from voting.cli.export import export
from voting.settings import Settings

MEETING = "xinzhou-17-4"
ORIGIN = "xinzhou.congress.local/2026-4"
TITLE = "新洲镇第十七届人民代表大会第四次会议"
BASE = f"/api/meetings/{MEETING}"
NAMES = ["何金凤", "林永福", "陈卫东", "刘秀英", "杨国强", "郑秀梅", "孙立", "赵海", "王建华"]
NAMES += ["李春梅", "张德明"]
DEPUTIES = [f"d{i:02}" for i in range(1, len(NAMES) + 1)]
PRESIDIUM = DEPUTIES[:5]
AGENDA = {
    "items": [
        {
            "item": "pres",
            "title": "通过主席团名单",
            "kind": "motion",
            "adopts": {"presidium": PRESIDIUM},
        },
        {
            "item": "rules",
            "title": "通过选举办法",
            "kind": "motion",
            "adopts": {"election_rules": {"runoff_threshold": "plurality"}},
        },
        {
            "item": "scrut",
            "title": "通过总监票人、监票人、计票人名单",
            "kind": "motion",
            "adopts": {
                "scrutineers": {
                    "chief": ["d06"],
                    "scrutineers": ["d07", "d10"],
                    "tellers": ["d08"],
                }
            },
        },
        {
            "item": "vice",
            "title": "选举副镇长",
            "kind": "election",
            "rule": {"office": "deputy", "extra": 1, "office_kind": "government"},
        },
        {
            "item": "conf",
            "title": "主席团会议：确认副镇长选举结果",
            "kind": "motion",
            "body": "presidium",
        },
    ]
}
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
# 11 ballots, 6 votes needed (more than half of 11): 黄丽华 8 is elected; 周志强 and 吴桂兰 tie
# at 7 for the second seat.
FIRST_ROUND = (
    [{"marks": {"c1": "for", "c2": "for", "c3": "against"}}] * 4
    + [{"marks": {"c1": "for", "c2": "against", "c3": "for"}}] * 4
    + [{"marks": {"c1": "against", "c2": "for", "c3": "for"}}] * 3
)
# Plurality among the tied: 周志强 6, 吴桂兰 5.
RUNOFF = [{"marks": {"c2": "for", "c3": "against"}}] * 6 + [
    {"marks": {"c2": "against", "c3": "for"}}
] * 5
#: The scrutineers whose (simulated) stations hold the key's shares: 总监票人 and 监票人.
HOLDERS = ["d06", "d07", "d10"]
DECISION = {"decision": "主席团第二次会议决定：副镇长选举结果有效，予以确认", "by": NAMES[:5]}


class Chair:
    """The chair's calls on the sitting's meeting: answers, and refusals with their code."""

    def __init__(self, server: DemoServer) -> None:
        self.server = server
        self.token = server.login()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.server.api(method, BASE + path, body, token=self.token)

    def refused(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        """POST that the server must refuse: its status and error body."""
        try:
            self.call("POST", path, body)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        raise AssertionError(f"POST {path} was accepted")

    def poll(self, item: str, definition: dict[str, Any], mode: str = "named") -> str:
        body = {"item": item, "definition": definition, "mode": mode}
        found: str = self.call("POST", "/polls", body)["poll"]
        return found

    def result(self, poll: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call("POST", f"/polls/{poll}/close")["result"]
        return found

    def held(self, poll: str) -> dict[str, Any] | None:
        """``poll``'s result as the chair sees it (an election's before it is confirmed)."""
        found: dict[str, Any] | None = next(
            p for p in self.call("GET", "")["polls"] if p["poll"] == poll
        ).get("result")
        return found

    def bodies(self) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", "")["bodies"]
        return found


def create_meeting(chair: Chair) -> None:
    body = {
        "meeting": MEETING,
        "origin": ORIGIN,
        "title": TITLE,
        "date": "2026-03-02",
        "settings": {"election_rules_required": True},
    }
    chair.server.api("POST", "/api/meetings", body, token=chair.token)
    roster = [
        {"deputy": deputy, "name": name, "seat": f"1-{i:02}"}
        for i, (deputy, name) in enumerate(zip(DEPUTIES, NAMES, strict=True), start=1)
    ]
    chair.call("PUT", "/roster", {"deputies": roster})
    chair.call("POST", "/open")
    chair.call("PUT", "/agenda", AGENDA)


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    chair = Chair(demo_server)
    create_meeting(chair)
    return chair


@pytest.fixture(scope="module")
def tablets(demo_server: DemoServer, chair: Chair) -> Iterator[dict[str, HallTablet]]:
    found = {d: HallTablet(demo_server, d, chair.token, meeting=MEETING) for d in DEPUTIES}
    try:
        yield found
    finally:
        for tablet in found.values():
            tablet.close()


@pytest.fixture(scope="module")
def console(browser: Browser, demo_server: DemoServer, chair: Chair) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo_server.base}/chair")
    page.get_by_label("用户名").fill(CHAIR[0])
    page.get_by_label("密码").fill(CHAIR[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name=re.compile(TITLE)).click()
    expect(page.locator(".seat")).to_have_count(len(DEPUTIES))
    yield page
    context.close()
    assert errors == []


def vote(chair: Chair, tablets: dict[str, HallTablet], poll: str, choices: list[Any]) -> None:
    """Encrypted ballots of ``choices``, one per tablet, in the open encrypted ``poll``."""
    view = chair.call("GET", "")["poll"]
    assert view["poll"] == poll
    for tablet, choice in zip(tablets.values(), choices, strict=True):
        reply = tablet.encrypted_ballot(poll, view["encryption"], view["definition"], choice)
        assert reply["type"] == "ballot_ack"


def adopt(chair: Chair, tablets: dict[str, HallTablet], item: str) -> str:
    """The plenary passes the motion of ``item`` by named vote: every deputy votes for it (no
    sitting key exists before the scrutineers are adopted)."""
    poll = chair.poll(item, {"kind": "motion"})
    for tablet in tablets.values():
        assert tablet.named_vote(poll, "for")["type"] == "ack"
    assert chair.result(poll)["outcome"] == {"passed": True}
    return poll


def take_office(chair: Chair) -> list[Station]:
    """The adopted scrutineers' three simulated stations pair and run the key ceremony."""
    stations = []
    for deputy in HOLDERS:
        station = simulated_station(HttpTransport(chair.server.base), MEETING, deputy)
        station.pair(chair.call("POST", f"/scrutineers/{deputy}/station-code")["code"])
        stations.append(station)
    chair.call("POST", "/ceremony/start", {})
    assert run_until_settled(stations) == "complete"
    return stations


def answer_liveness(chair: Chair, stations: list[Station], poll: str) -> None:
    """The chair's liveness challenge for the next poll, answered by every station."""
    chair.call("POST", "/liveness/challenge", {"poll": poll})
    for station in stations:
        assert [o.endpoint for o in station.step().posted] == ["liveness"]


def decrypted(chair: Chair, stations: list[Station], poll: str) -> dict[str, Any]:
    """Close ``poll``; the stations verify the log and decrypt it; its result."""
    assert chair.call("POST", f"/polls/{poll}/close").get("result") is None
    auditor = chair.server.credentials()["auditor_token"]
    for station in stations:
        shared: dict[str, str] = {}
        for other in stations:
            shared.update(other.state.checkpoints)
        station.state.checkpoints.update(shared)
        if chair.held(poll) is None:
            station.decrypt(auditor, confirm_by_itself)
    result = chair.held(poll)
    assert result is not None, poll
    return result


def test_an_election_sitting_from_the_presidium_to_the_certificates(
    demo_server: DemoServer,
    chair: Chair,
    tablets: dict[str, HallTablet],
    console: Page,
    tmp_path: Path,
) -> None:
    for tablet in tablets.values():
        tablet.sign_in()
    expect(console.locator(".seat.present")).to_have_count(len(DEPUTIES))

    # The plenary adopts the presidium, the election rules and the scrutineers by vote.
    # Not even on paper before the election rules are adopted.
    status, error = chair.refused("/polls", {"item": "vice", "definition": VICE, "mode": "manual"})
    assert (status, error["error"]) == (409, "election-rules-not-adopted")
    adopted = [adopt(chair, tablets, item) for item in ("pres", "rules", "scrut")]
    assert adopted == ["p1", "p2", "p3"]
    bodies = chair.bodies()
    assert [m["deputy"] for m in bodies["presidium"]] == PRESIDIUM
    assert bodies["election_rules"] == {"poll": "p2", "rules": {"runoff_threshold": "plurality"}}
    assert bodies["scrutineers"] == {
        "chief": [{"deputy": "d06", "name": "郑秀梅"}],
        "scrutineers": [{"deputy": "d07", "name": "孙立"}, {"deputy": "d10", "name": "李春梅"}],
        "tellers": [{"deputy": "d08", "name": "赵海"}],
    }
    stations = take_office(chair)

    # 选举法 Art 43: the scrutineer 孙立 cannot stand as a candidate.
    chair.call("POST", "/items/vice/current")
    with_scrutineer = dict(VICE, candidates=[*VICE["candidates"][:2], {"id": "c3", "name": "孙立"}])
    refused = {"item": "vice", "definition": with_scrutineer, "mode": "manual"}
    status, error = chair.refused("/polls", refused)
    assert (status, error["error"]) == (409, "scrutineer-ineligible")
    assert error["message"] == "孙立（d07）是候选人，不能担任监票人（选举法第四十三条）"

    # First round: 黄丽华 elected, 周志强 and 吴桂兰 tied above half for the second seat.
    answer_liveness(chair, stations, "p4")
    first = chair.call(
        "POST", "/polls", {"poll": "p4", "item": "vice", "definition": VICE, "mode": "encrypted"}
    )["poll"]
    assert first == "p4"
    vote(chair, tablets, first, FIRST_ROUND)
    result = decrypted(chair, stations, first)
    assert {c: result["counts"][c]["for"] for c in ("c1", "c2", "c3")} == {
        "c1": 8,
        "c2": 7,
        "c3": 7,
    }
    assert result["outcome"] == {
        "elected": ["c1"],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }

    # In the console: the runoff button on that result, then the prepared round opened.
    panel = console.locator("#poll-body")
    expect(panel.locator(".poll-meta")).to_contain_text("p4")
    expect(panel.get_by_role("button", name="另行选举")).to_have_count(0)
    answer_liveness(chair, stations, "p5")
    panel.get_by_role("button", name="就票数相等的候选人再次投票").click()
    dialog = console.locator("dialog")
    expect(dialog.locator("#dialog-title")).to_have_text("再次投票（依据表决 p4）")
    expect(dialog.get_by_text("候选人：周志强、吴桂兰；应选 1 名")).to_be_visible()
    expect(dialog.locator("#round-mode")).to_have_text(
        "表决方式：无记名投票（加密）（与上一轮相同）"
    )
    dialog.get_by_role("button", name="开始投票").click()
    expect(dialog).not_to_be_visible()
    expect(console.locator("#live-count")).to_have_text("已投票 0 人 / 应投 11 人")
    opened = chair.call("GET", "")["poll"]
    assert (opened["poll"], opened["mode"]) == ("p5", "encrypted")
    assert opened["definition"] == {
        "kind": "election",
        "title": "选举副镇长",
        "seats": 1,
        "candidates": VICE["candidates"][1:],
        "round": {"type": "runoff", "follows": "p4", "threshold": "plurality"},
        "electorate": 11,
        "present": 11,
    }

    # The tablets vote the runoff; plurality elects 周志强 (6 votes to 5).
    vote(chair, tablets, "p5", RUNOFF)
    expect(console.locator("#live-count")).to_have_text("已投票 11 人 / 应投 11 人")
    result = decrypted(chair, stations, "p5")
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 0}
    expect(panel.get_by_role("button", name="主席团确认结果")).to_be_visible()
    expect(panel.get_by_role("button", name="就票数相等的候选人再次投票")).to_have_count(0)

    # The presidium meets under its own quorum (two thirds of its 5 members), then confirms.
    conf = chair.poll("conf", {"kind": "motion"})
    presidium_poll = chair.call("GET", "")["poll"]
    assert (presidium_poll["body"], presidium_poll["definition"]["quorum"]) == (
        "presidium",
        "two_thirds",
    )
    assert (
        presidium_poll["definition"]["electorate"],
        presidium_poll["definition"]["present"],
    ) == (
        5,
        5,
    )
    assert tablets["d09"].refused_vote(conf, "for")["error"] == "not-a-member"
    for deputy in PRESIDIUM:
        assert tablets[deputy].named_vote(conf, "for")["type"] == "ack"
    result = chair.result(conf)
    assert (result["outcome"], result["quorum_met"]) == ({"passed": True}, True)
    status, error = chair.refused("/polls/p5/announce", None)
    assert (status, error["error"]) == (409, "result-unconfirmed")
    for poll in ("p4", "p5"):
        chair.call("POST", f"/polls/{poll}/confirm", DECISION)
        chair.call("POST", f"/polls/{poll}/announce")
    shown = chair.call("GET", "/polls")["polls"]
    assert [(p["poll"], p["announced"]) for p in shown if p["item"] == "vice"] == [
        ("p4", True),
        ("p5", True),
    ]

    # The certificates of both rounds, rendered in Chromium.
    for poll, elected, votes in (("p4", "黄丽华", 8), ("p5", "周志强", 6)):
        sheet = console.context.new_page()
        query = f"?poll={poll}&sheet=certificates#token={chair.token}"
        sheet.goto(f"{demo_server.base}/print/{MEETING}{query}")
        expect(sheet.locator("#sheet")).to_have_attribute("data-ready", "true")
        assert sheet.locator(".certificate-to").all_inner_texts() == [f"{elected}："]
        assert sheet.locator(".certificate-votes").all_inner_texts() == [f"得赞成票 {votes} 票。"]
        expect(sheet.locator("article.certificate")).to_contain_text("当选为副镇长")
        sheet.close()

    # The exported log verifies; the recount names each election round by its type.
    chair.call("POST", "/close")
    settings = Settings.in_directory(demo_server.data)
    bundle = tmp_path / "bundle"
    export(origin=ORIGIN, out=bundle, url=settings.database_url, key_path=settings.log_key_path)
    entries = [json.loads(line) for line in (bundle / "entries.jsonl").read_text().splitlines()]
    adoptions = [(e["poll"], sorted(e["adopts"])) for e in entries if e["type"] == "motion_adopted"]
    assert adoptions == [("p1", ["presidium"]), ("p2", ["election_rules"]), ("p3", ["scrutineers"])]
    confirmed = [(e["poll"], e["presidium"]) for e in entries if e["type"] == "result_confirmed"]
    assert confirmed == [("p4", NAMES[:5]), ("p5", NAMES[:5])]
    report = verify_bundle(bundle)
    assert report.ok, report
    assert report.checks[8].detail == (
        "6 results recounted (encrypted 2, named 4); election rounds: p4 first, p5 runoff"
    )
