"""An election carried through its rounds by the law, over the HTTP API and tablet WebSockets.

副镇长 (two seats, 差额 seats + 1, 组织法 Art 27): a tie across the last seat; the runoff is
prepared from the result (组织法 Art 29), opened, and elects by plurality among the tied; the
presidium confirms each result before it reaches the hall and is announced; the exported log
verifies, every round recounted by its type. (A tie for a single seat, such as 镇长, cannot
happen under the law's majority threshold: at most one candidate can have more than half.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import ballots
from audit.verify import verify_bundle
from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair

ELECTORATE = 9
AGENDA = {
    "items": [
        {
            "item": "vice",
            "title": "副镇长选举",
            "kind": "election",
            "rule": {"office": "deputy", "extra": 1, "office_kind": "government"},
        },
        {
            "item": "chair",
            "title": "主席选举",
            "kind": "election",
            "rule": {"office": "head", "office_kind": "chair"},
        },
    ]
}
VICE = {
    "kind": "election",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "王建国"},
        {"id": "c2", "name": "李秀英"},
        {"id": "c3", "name": "张伟"},
    ],
}
DECISION = {"decision": "主席团第三次会议决定：副镇长选举结果有效", "by": ["赵敏", "钱进", "孙立"]}


def vote(sessions: list[TabletSession], poll: str, choices: list[Any]) -> None:
    for session, choice in zip(sessions, choices, strict=True):
        reply = session.request(session.tablet.secret_ballot(poll, choice))
        assert reply["type"] == "ballot_ack", reply


def tally(definition: dict[str, Any], choices: list[Any]) -> dict[str, Any]:
    poll = dict(definition, electorate=ELECTORATE, present=8, issued=len(choices))
    return ballots.tally({"poll": poll, "ballots": choices})


def test_a_tie_goes_to_a_plurality_runoff_confirmed_then_announced(
    server: Server, client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client, ELECTORATE)
    sessions = [TabletSession(client, pair(client, chair, f"d{i:02}")) for i in range(1, 9)]
    try:
        walk(client, chair, sessions, tmp_path)
    finally:
        for session in sessions:
            session.close()


def walk(client: TestClient, chair: Staff, sessions: list[TabletSession], tmp_path: Path) -> None:
    chair.call("PUT", "/agenda", AGENDA)
    for session in sessions:
        assert session.request(session.tablet.sign_in())["type"] == "ack"
    chair.post("/items/vice/current")

    # 差额: two candidates for two 副镇长 seats is refused (组织法 Art 27).
    equal = dict(VICE, candidates=VICE["candidates"][:2])
    refused = chair.post("/polls", {"item": "vice", "definition": equal}, status=400)
    assert refused["error"] == "candidate-count"
    assert "组织法第二十七条" in refused["message"]

    # First round: c1 elected with 6; c2 and c3 tie at 5 for the last seat.
    chair.post("/polls", {"item": "vice", "definition": VICE})
    first = (
        [{"marks": {"c1": "for", "c2": "for", "c3": "against"}}] * 3
        + [{"marks": {"c1": "for", "c3": "for", "c2": "against"}}] * 3
        + [{"marks": {"c2": "for", "c3": "for", "c1": "abstain"}}] * 2
    )
    # A write-in with a zero-width space is refused, naming the candidate, and stores nothing.
    bad = {"marks": {"c1": "for", "c2": "for", "c3": "against"}, "write_ins": {"c3": "王\u200b五"}}
    reply = sessions[0].request(sessions[0].tablet.secret_ballot("p1", bad))
    assert reply["type"] == "error", reply
    assert reply["error"] == "invalid-write-in", reply
    assert reply["details"] == {"candidate": "c3"}
    assert "张伟" in reply["message"]
    assert chair.state()["poll"]["cast"] == 0
    vote(sessions, "p1", first)
    result = chair.post("/polls/p1/close")["result"]
    assert result == tally(VICE, first)
    assert result["outcome"] == {
        "elected": ["c1"],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }
    # The hall does not see it yet; the chair does.
    display = client.get(f"/api/meetings/{MEETING}/polls", headers=chair.headers).json()
    assert display["polls"][0]["result_held"] is True
    assert "result" not in display["polls"][0]
    assert chair.state()["poll"]["result"] == result

    # 就票数相等的候选人再次投票: the runoff is prepared from the result, then opened.
    assert chair.post("/polls/p1/further", status=409)["error"] == "round-not-called"
    prepared = chair.post("/polls/p1/runoff")
    runoff = prepared["definition"]
    assert prepared["item"] == "vice"
    assert runoff == {
        "kind": "election",
        "seats": 1,
        "candidates": VICE["candidates"][1:],
        "round": {"type": "runoff", "follows": "p1", "threshold": "plurality"},
    }
    assert chair.post("/polls", {"item": "vice", "definition": runoff})["poll"] == "p2"
    # Plurality among the tied: 4 to 3 elects c2, though not more than half of 9.
    second = (
        [{"marks": {"c2": "for", "c3": "against"}}] * 4
        + [{"marks": {"c3": "for", "c2": "against"}}] * 3
        + [{"marks": {"c2": "abstain", "c3": "abstain"}}]
    )
    vote(sessions, "p2", second)
    result = chair.post("/polls/p2/close")["result"]
    assert result == tally(runoff, second)
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 0}
    again = chair.post("/polls/p1/runoff")["definition"]
    assert chair.post("/polls", {"item": "vice", "definition": again}, status=409)["error"] == (
        "round-exists"
    )

    # Announced only once the presidium has confirmed it.
    assert chair.post("/polls/p2/announce", status=409)["error"] == "result-unconfirmed"
    chair.post("/polls/p1/confirm", DECISION)
    chair.post("/polls/p2/confirm", DECISION)
    assert chair.post("/polls/p2/confirm", DECISION, status=409)["error"] == "already-confirmed"
    chair.post("/polls/p1/announce")
    chair.post("/polls/p2/announce")
    shown = client.get(f"/api/meetings/{MEETING}/polls", headers=chair.headers).json()["polls"]
    assert [p["result"]["outcome"]["elected"] for p in shown] == [["c1"], ["c2"]]
    assert shown[1]["confirmation"] == {
        "decision": DECISION["decision"],
        "presidium": DECISION["by"],
    }
    assert [p["announced"] for p in shown] == [True, True]

    # 主席: only deputies may be written in (组织法 Art 18); the roster fills the list.
    chair.post("/items/chair/current")
    head = {"kind": "election", "seats": 1, "candidates": [{"id": "h1", "name": "周正"}]}
    chair.post("/polls", {"item": "chair", "definition": head})
    opened = chair.state()["poll"]["definition"]
    assert opened["write_in_eligible"] == [f"代表{i:02}" for i in range(1, 10)]
    third = [{"marks": {"h1": "against"}, "write_ins": {"h1": "代表03"}}] * 5 + [
        {"marks": {"h1": "against"}, "write_ins": {"h1": "王五"}}
    ] * 3
    vote(sessions, "p3", third)
    result = chair.post("/polls/p3/close")["result"]
    assert result["write_ins"] == {"代表03": 5}
    assert result["write_ins_ignored"] == 3
    assert result["outcome"]["elected"] == ["代表03"]

    chair.post("/close")
    bundle = tmp_path / "bundle"
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    service.log.export(bundle)
    report = verify_bundle(bundle, vkey=service.log.vkey)
    assert report.ok, report
    assert report.checks[8].detail == (
        "3 results recounted (secret 3); election rounds: p1 first, p2 runoff, p3 first"
    )
