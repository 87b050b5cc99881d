"""A whole sitting driven through the HTTP API and tablet WebSockets, on each store (SQLite,
then PostgreSQL).

Every result the server publishes must equal ``ballots.tally`` (the code behind
``congress tally``) over the same ballots, and the exported bundle must pass the verifier. The
scrutineers are adopted on paper and their key made first; the secret polls are encrypted and
their results decrypted by two of the three scrutineers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import ballots
from audit.verify import verify_bundle
from ballots.crypto.shape import Choice
from tests.voting.conftest import Server
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    complete_key,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair

ELECTORATE = 9

AGENDA = {
    "items": [
        {"item": "budget", "title": "关于2026年财政预算的决议", "kind": "motion"},
        {"item": "rules", "title": "选举办法（草案）", "kind": "motion"},
        {
            "item": "vice",
            "title": "副镇长选举",
            "kind": "election",
            "rule": {"office": "deputy", "extra": 1},
        },
        {"item": "projects", "title": "2026年民生实事项目票决", "kind": "selection"},
        {"item": "review", "title": "镇政府部门满意度测评", "kind": "evaluation"},
        {"item": "oath", "title": "宪法宣誓", "kind": "oath"},
        {"item": "scrutineers", "title": "通过计票程序", "kind": "motion"},
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
PROJECTS = {
    "kind": "selection",
    "seats": 2,
    "form": "choose",
    "candidates": [
        {"id": "p1", "name": "镇区污水管网改造"},
        {"id": "p2", "name": "中心小学食堂扩建"},
        {"id": "p3", "name": "农村道路亮化"},
    ],
}
REVIEW = {
    "kind": "evaluation",
    "subjects": [{"id": "s1", "name": "农业农村办公室"}, {"id": "s2", "name": "财政所"}],
}


def expected(definition: dict[str, Any], present: int, choices: list[Any]) -> dict[str, Any]:
    """What ``congress tally`` says of the same ballots."""
    poll = dict(definition, electorate=ELECTORATE, present=present, issued=len(choices))
    return ballots.tally({"poll": poll, "ballots": choices})


def vote_named(tablets: list[TabletSession], poll: str, choices: list[Any]) -> None:
    for session, choice in zip(tablets, choices, strict=False):
        reply = session.request(session.tablet.named_vote(poll, choice))
        assert reply["type"] == "ack", reply


def secret_poll(
    client: TestClient,
    chair: Staff,
    scrutineers: Scrutineers,
    item: str,
    definition: dict[str, Any],
    tablets: list[TabletSession],
    choices: list[Choice],
) -> tuple[str, dict[str, Any]]:
    """Open an encrypted poll, cast ``choices`` from ``tablets``, close it, have scrutineers 1
    and 2 post their shares; the poll's id and its decrypted result."""
    poll = open_encrypted(chair, scrutineers, item, definition)
    encryption = chair.state()["poll"]["encryption"]
    for session, choice in zip(tablets, choices, strict=True):
        cast(session, poll, encryption, choice)
    assert chair.post(f"/polls/{poll}/close")["result"] is None
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    result = service_of(client).state.polls[poll].result  # an election's is held until confirmed
    assert result is not None
    return poll, result


def stances(marks: dict[str, str], ids: list[str]) -> Choice:
    """An election or ``each`` ballot's marks as the tablet's choice (unmarked: abstain)."""
    return Choice.stances([marks.get(i, "abstain") for i in ids])


def test_a_whole_sitting(stored_server: Server, tmp_path: Path) -> None:
    with stored_server.client() as client:
        chair = open_meeting(client, ELECTORATE)
        deputies = [f"d{i:02}" for i in range(1, ELECTORATE + 1)]
        tablets = [pair(client, chair, d) for d in deputies[:8]]
        sessions = [TabletSession(client, t) for t in tablets]
        try:
            walk_the_sitting(client, chair, sessions, tmp_path)
        finally:
            for s in sessions:
                s.close()


def walk_the_sitting(
    client: TestClient, chair: Staff, sessions: list[TabletSession], tmp_path: Path
) -> None:
    chair.call("PUT", "/agenda", AGENDA)

    # Sign-in: five tablets are not a quorum of nine (3·5 < 2·9) ...
    for s in sessions[:5]:
        assert s.request(s.tablet.sign_in())["type"] == "ack"
    attendance = chair.state()["attendance"]
    assert attendance == {"electorate": 9, "present": 5, "leave": 0, "quorum_met": False}
    budget = {"item": "budget", "definition": {"kind": "motion"}, "mode": "named"}
    refused = chair.post("/polls", budget, status=409)
    assert refused["error"] == "no-quorum"
    assert refused["message"] == "出席代表5名，不足应出席9名的三分之二，不能表决"

    # ... six are (3·6 = 2·9); an operator signs in the sixth (补签), two more by tablet.
    chair.post("/deputies/d06/sign-in")
    assert chair.state()["attendance"]["quorum_met"] is True
    for s in sessions[6:8]:
        assert s.request(s.tablet.sign_in())["type"] == "ack"
    chair.post("/deputies/d09/leave", {"leave": True})
    assert chair.state()["attendance"] == {
        "electorate": 9,
        "present": 8,
        "leave": 1,
        "quorum_met": True,
    }

    # The scrutineers, adopted on paper (p1), make the sitting's key.
    scrutineers = complete_key(client, chair)

    # A named motion: 5 for of 9 seated passes (2·5 > 9).
    chair.post("/items/budget/current")
    assert chair.post("/polls", budget)["poll"] == "p2"
    choices: list[Any] = ["for"] * 5 + ["against", "abstain"]
    vote_named(sessions[:5] + sessions[6:8], "p2", choices)
    result = chair.post("/polls/p2/close")["result"]
    assert result == expected({"kind": "motion"}, 8, choices)
    assert result["counts"] == {"for": 5, "against": 1, "abstain": 1, "not_voted": 1}
    assert result["outcome"] == {"passed": True}
    chair.post("/polls/p1/announce")

    # A named motion, with a changed vote (policy "last"): 4 for of 9 fails (exactly under half).
    chair.post("/items/rules/current")
    chair.post("/polls", {"item": "rules", "definition": {"kind": "motion"}, "mode": "named"})
    named = {0: "for", 1: "for", 2: "for", 3: "for", 4: "against", 6: "abstain", 7: "for"}
    for index, choice in named.items():
        s = sessions[index]
        assert s.request(s.tablet.named_vote("p3", choice))["type"] == "ack"
    s = sessions[7]
    assert s.request(s.tablet.named_vote("p3", "against"))["type"] == "ack"
    final = [named[i] for i in (0, 1, 2, 3, 4, 6)] + ["against"]
    result = chair.post("/polls/p3/close")["result"]
    assert result == expected({"kind": "motion"}, 8, final)
    assert result["outcome"] == {"passed": False}
    assert chair.state()["poll"]["votes"]["d08"] == "against"

    # An election with a tie across the last seat: c1 elected, c2 and c3 to a runoff.
    chair.post("/items/vice/current")
    ballots_cast = (
        [{"marks": {"c1": "for", "c2": "for"}}] * 3
        + [{"marks": {"c1": "for", "c3": "for", "c2": "against"}}] * 3
        + [{"marks": {"c2": "for", "c3": "for", "c1": "abstain"}}] * 2
    )
    # d06 was signed in by an operator (补签) and votes from its tablet like everyone else.
    ids = ["c1", "c2", "c3"]
    choices = [stances(b["marks"], ids) for b in ballots_cast]
    _, result = secret_poll(client, chair, scrutineers, "vice", VICE, sessions, choices)
    assert result == expected(VICE, 8, ballots_cast)
    assert result["outcome"] == {
        "elected": ["c1"],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }
    runoff = dict(VICE, seats=1, candidates=VICE["candidates"][1:])
    runoff_ballots = [{"marks": {"c2": "for"}}] * 5 + [{"marks": {"c3": "for"}}] * 3
    choices = [stances(b["marks"], ["c2", "c3"]) for b in runoff_ballots]
    _, result = secret_poll(client, chair, scrutineers, "vice", runoff, sessions, choices)
    assert result == expected(runoff, 8, runoff_ballots)
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 0}

    # Livelihood projects: choose 2 of 3.
    chair.post("/items/projects/current")
    chosen = [{"chosen": ["p1", "p2"]}] * 6 + [{"chosen": ["p2", "p3"]}, {"chosen": ["p3"]}]
    choices = [Choice(tuple(int(p in c["chosen"]) for p in ("p1", "p2", "p3"))) for c in chosen]
    _, result = secret_poll(client, chair, scrutineers, "projects", PROJECTS, sessions, choices)
    assert result == expected(PROJECTS, 8, chosen)
    assert result["outcome"]["elected"] == ["p2", "p1"]

    # Satisfaction evaluation.
    chair.post("/items/review/current")
    ratings = [{"ratings": {"s1": "satisfied", "s2": "basically_satisfied"}}] * 5 + [
        {"ratings": {"s1": "dissatisfied", "s2": "satisfied"}}
    ] * 3
    # Per subject, one mark per level: satisfied, basically satisfied, dissatisfied.
    marks = {"satisfied": (1, 0, 0), "basically_satisfied": (0, 1, 0), "dissatisfied": (0, 0, 1)}
    choices = [Choice(marks[r["ratings"]["s1"]] + marks[r["ratings"]["s2"]]) for r in ratings]
    _, result = secret_poll(client, chair, scrutineers, "review", REVIEW, sessions, choices)
    assert result == expected(REVIEW, 8, ratings)
    assert result["outcome"]["ratings"] == {"s1": "satisfied", "s2": "basically_satisfied"}

    # A poll voided for a device failure, then a manual show of hands, confirmed by scrutineers.
    chair.post("/items/scrutineers/current")
    chair.post("/polls", {"item": "scrutineers", "definition": {"kind": "motion"}, "mode": "named"})
    vote_named(sessions[:2], "p8", ["for", "for"])
    chair.post("/polls/p8/void", {"reason": "第3排表决器故障"})
    chair.post(
        "/polls",
        {"item": "scrutineers", "definition": {"kind": "motion"}, "mode": "manual"},
    )
    manual = chair.post(
        "/polls/p9/manual-result",
        {
            "issued": 8,
            "ballots": {"cast": 8, "valid": 8, "void": 0},
            "counts": {"for": 8, "against": 0, "abstain": 0, "not_voted": 0},
            "confirmed_by": ["总监票人 赵敏", "监票人 钱进"],
        },
    )
    assert manual["seq"]
    state = chair.state()
    assert [p["status"] for p in state["polls"]] == ["closed"] * 7 + ["voided", "closed"]
    assert state["polls"][-1]["result"]["outcome"] == {"passed": True}

    chair.post("/close")

    # The exported log passes the auditor's verifier, including the recount of every poll.
    bundle = tmp_path / "bundle"
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    service.log.export(bundle)
    report = verify_bundle(bundle, vkey=service.log.vkey)
    assert report.ok, report
