"""An election carried through its rounds by the law, over the HTTP API and tablet WebSockets.

副镇长 (two seats, 差额 seats + 1, 组织法 Art 27): a tie across the last seat; the runoff is
prepared from the result (组织法 Art 29), opened, and elects by plurality among the tied; the
presidium confirms each result before it reaches the hall and is announced; the exported log
verifies, every round recounted by its type. The rounds are encrypted: the scrutineers, adopted
on paper first, make the key, decrypt each result and shuffle the 主席 election's write-ins. (A tie for a single seat, such as 镇长, cannot
happen under the law's majority threshold: at most one candidate can have more than half.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import ballots
from audit.verify import verify_bundle
from ballots.crypto.shape import Choice
from devices.scrutineer.mix import mix_step
from devices.scrutineer.station import Station
from tests.voting.conftest import Server
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    key_and_stations,
    open_encrypted,
    post_shares,
    service_of,
)
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
        SCRUTINEERS_ITEM,
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


def vote(
    chair: Staff,
    scrutineers: Scrutineers,
    sessions: list[TabletSession],
    item: str,
    definition: dict[str, Any],
    choices: list[Choice],
) -> str:
    """Open an encrypted poll on ``item`` and cast one ballot from each session; the poll id."""
    poll = open_encrypted(chair, scrutineers, item, definition)
    encryption = chair.state()["poll"]["encryption"]
    for session, choice in zip(sessions, choices, strict=True):
        cast(session, poll, encryption, choice)
    return poll


def decrypted(client: TestClient, chair: Staff, scrutineers: Scrutineers, poll: str) -> Any:
    """Close the poll and have scrutineers 1 and 2 post their shares; the result."""
    assert chair.post(f"/polls/{poll}/close")["result"] is None
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    return service_of(client).state.polls[poll].result


def marks(ballot: dict[str, Any], ids: list[str]) -> Choice:
    """The tablet's choice for a ballot of the tally format (unmarked: abstain)."""
    return Choice.stances([ballot["marks"].get(i, "abstain") for i in ids], ballot.get("names", []))


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
    scrutineers, stations = key_and_stations(client, chair)  # p1: the scrutineers, on paper
    chair.post("/items/vice/current")

    # 差额: two candidates for two 副镇长 seats is refused (组织法 Art 27).
    equal = dict(VICE, candidates=VICE["candidates"][:2])
    body = {"item": "vice", "definition": equal, "mode": "manual"}  # the round, whatever the mode
    refused = chair.post("/polls", body, status=400)
    assert refused["error"] == "candidate-count"
    assert "组织法第二十七条" in refused["message"]

    # First round: c1 elected with 6; c2 and c3 tie at 5 for the last seat.
    first = (
        [{"marks": {"c1": "for", "c2": "for", "c3": "against"}}] * 3
        + [{"marks": {"c1": "for", "c3": "for", "c2": "against"}}] * 3
        + [{"marks": {"c2": "for", "c3": "for", "c1": "abstain"}}] * 2
    )
    ids = ["c1", "c2", "c3"]
    p2 = vote(chair, scrutineers, sessions, "vice", VICE, [marks(b, ids) for b in first])
    assert p2 == "p2"
    result = decrypted(client, chair, scrutineers, "p2")
    assert result == tally(VICE, first)
    assert result["outcome"] == {
        "elected": ["c1"],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }
    # The hall does not see it yet; the chair does.
    display = client.get(f"/api/meetings/{MEETING}/polls", headers=chair.headers).json()
    assert display["polls"][1]["result_held"] is True
    assert "result" not in display["polls"][1]
    assert chair.state()["poll"]["result"] == result

    # 就票数相等的候选人再次投票: the runoff is prepared from the result, then opened.
    assert chair.post("/polls/p2/further", status=409)["error"] == "round-not-called"
    prepared = chair.post("/polls/p2/runoff")
    runoff = prepared["definition"]
    assert prepared["item"] == "vice"
    assert runoff == {
        "kind": "election",
        "seats": 1,
        "candidates": VICE["candidates"][1:],
        "round": {"type": "runoff", "follows": "p2", "threshold": "plurality"},
    }
    assert open_encrypted(chair, scrutineers, "vice", runoff) == "p3"
    # Plurality among the tied: 4 to 3 elects c2, though not more than half of 9.
    second = (
        [{"marks": {"c2": "for", "c3": "against"}}] * 4
        + [{"marks": {"c3": "for", "c2": "against"}}] * 3
        + [{"marks": {"c2": "abstain", "c3": "abstain"}}]
    )
    encryption = chair.state()["poll"]["encryption"]
    for session, ballot in zip(sessions, second, strict=True):
        cast(session, "p3", encryption, marks(ballot, ["c2", "c3"]))
    result = decrypted(client, chair, scrutineers, "p3")
    assert result == tally(runoff, second)
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 0}
    again = chair.post("/polls/p2/runoff")["definition"]
    body = {"item": "vice", "definition": again, "mode": "manual"}
    assert chair.post("/polls", body, status=409)["error"] == "round-exists"

    # Announced only once the presidium has confirmed it.
    assert chair.post("/polls/p3/announce", status=409)["error"] == "result-unconfirmed"
    chair.post("/polls/p2/confirm", DECISION)
    chair.post("/polls/p3/confirm", DECISION)
    assert chair.post("/polls/p3/confirm", DECISION, status=409)["error"] == "already-confirmed"
    chair.post("/polls/p2/announce")
    chair.post("/polls/p3/announce")
    shown = client.get(f"/api/meetings/{MEETING}/polls", headers=chair.headers).json()["polls"]
    shown = shown[1:]  # after the scrutineers' paper vote
    assert [p["result"]["outcome"]["elected"] for p in shown] == [["c1"], ["c2"]]
    assert shown[1]["confirmation"] == {
        "decision": DECISION["decision"],
        "presidium": DECISION["by"],
    }
    assert [p["announced"] for p in shown] == [True, True]

    # 主席: only deputies may be written in (组织法 Art 18); the roster fills the list, and an
    # encrypted ballot writes in the picked deputy's roster id, read back as the name.
    chair.post("/items/chair/current")
    head = {"kind": "election", "seats": 1, "candidates": [{"id": "h1", "name": "周正"}]}
    third = [{"marks": {"h1": "against"}, "names": ["d03"]}] * 5 + [
        {"marks": {"h1": "against"}, "names": ["王五"]}
    ] * 3
    vote(chair, scrutineers, sessions, "chair", head, [marks(b, ["h1"]) for b in third])
    opened = chair.state()["poll"]["definition"]
    assert opened["write_in_eligible"] == [f"代表{i:02}" for i in range(1, 10)]
    result = decrypted(client, chair, scrutineers, "p4")
    assert result is None  # the write-ins wait for the scrutineers' shuffle
    shuffle_and_decrypt(stations[:2], "p4")
    result = service_of(client).state.polls["p4"].result
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
        "4 results recounted (encrypted 3, manual 1); election rounds: p2 first, p3 runoff,"
        " p4 first"
    )


def shuffle_and_decrypt(stations: list[Station], poll: str) -> None:
    """Two stations shuffle the write-ins, then decrypt the final list."""
    assert [mix_step(s, poll) for s in stations] == ["shuffles", "shuffles"]
    assert [mix_step(s, poll) for s in stations] == ["write-in-shares", "write-in-shares"]
