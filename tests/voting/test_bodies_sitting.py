"""A sitting over the HTTP API and tablet WebSockets where the plenary adopts, by vote, the
presidium (主席团), the election rules (选举办法) and the scrutineers (总监票人, 监票人, 计票人);
the presidium then votes on its own roster under its own quorum rule (more than half, a
provincial rule) where the plenary's two thirds would refuse; the election follows the adopted
rules; the exported log verifies, the presidium poll recounted over the presidium."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

import ballots
from audit.verify import verify_bundle
from tests.voting.conftest import Server
from tests.voting.sitting import (
    MEETING,
    ORIGIN,
    TITLE,
    Staff,
    TabletSession,
    bootstrap_admin,
    pair,
    roster,
)

PRESIDIUM = ["d01", "d02", "d03", "d04", "d05"]
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
            "adopts": {"election_rules": {"runoff_threshold": "majority", "write_ins": False}},
        },
        {
            "item": "scrut",
            "title": "通过总监票人、监票人、计票人名单",
            "kind": "motion",
            "adopts": {
                "scrutineers": {"chief": ["d06"], "scrutineers": ["d07"], "tellers": ["d08"]}
            },
        },
        {"item": "conf", "title": "主席团会议：确认议程", "kind": "motion", "body": "presidium"},
        {
            "item": "vice",
            "title": "副镇长选举",
            "kind": "election",
            "rule": {"office": "deputy", "extra": 1},
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
    "write_ins": False,
}


def open_meeting(client: TestClient) -> Staff:
    admin = bootstrap_admin(client)
    settings = {"presidium_quorum": "majority", "election_rules_required": True}
    response = client.post(
        "/api/meetings",
        json={
            "meeting": MEETING,
            "origin": ORIGIN,
            "title": TITLE,
            "date": "2026-03-01",
            "settings": settings,
        },
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    admin.call("PUT", "/roster", roster(9))
    admin.post("/open")
    return admin


def adopt_by_named_vote(chair: Staff, sessions: dict[str, TabletSession], item: str) -> str:
    poll = chair.post("/polls", {"item": item, "definition": {"kind": "motion"}, "mode": "named"})
    for session in sessions.values():
        assert session.request(session.tablet.named_vote(poll["poll"], "for"))["type"] == "ack"
    result = chair.post(f"/polls/{poll['poll']}/close")["result"]
    assert result["outcome"] == {"passed": True}
    return str(poll["poll"])


def test_the_plenary_adopts_a_presidium_that_votes_under_its_own_quorum(
    server: Server, client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client)
    sessions = {
        f"d{i:02}": TabletSession(client, pair(client, chair, f"d{i:02}")) for i in range(1, 9)
    }
    try:
        chair.call("PUT", "/agenda", AGENDA)
        for session in sessions.values():
            assert session.request(session.tablet.sign_in())["type"] == "ack"

        # Before anything is adopted: no presidium vote, no election.
        conf = {"item": "conf", "definition": {"kind": "motion"}, "mode": "named"}
        assert chair.post("/polls", conf, status=409)["error"] == "no-presidium"
        vice = {"item": "vice", "definition": VICE, "mode": "manual"}  # no key yet: on paper
        assert chair.post("/polls", vice, status=409)["error"] == "election-rules-not-adopted"

        assert adopt_by_named_vote(chair, sessions, "pres") == "p1"
        assert adopt_by_named_vote(chair, sessions, "rules") == "p2"
        assert adopt_by_named_vote(chair, sessions, "scrut") == "p3"
        adopted = chair.state()["bodies"]
        assert [m["deputy"] for m in adopted["presidium"]] == PRESIDIUM
        assert adopted["presidium_quorum"] == "majority"
        assert adopted["election_rules"] == {
            "poll": "p2",
            "rules": {"runoff_threshold": "majority", "write_ins": False},
        }
        assert adopted["scrutineers"] == {
            "chief": [{"deputy": "d06", "name": "代表06"}],
            "scrutineers": [{"deputy": "d07", "name": "代表07"}],
            "tellers": [{"deputy": "d08", "name": "代表08"}],
        }

        # Two presidium members leave: 3 of 5 is more than half, not two thirds.
        for deputy in ("d04", "d05"):
            chair.post(f"/deputies/{deputy}/sign-out")
        assert ballots.quorum_met(3, 5, "two_thirds") is False
        assert chair.post("/polls", conf)["poll"] == "p4"
        opened = chair.state()["poll"]
        assert opened["body"] == "presidium"
        definition = opened["definition"]
        assert (definition["electorate"], definition["present"]) == (5, 3)
        assert definition["quorum"] == "majority"
        outsider = sessions["d06"]
        refused = outsider.request(outsider.tablet.named_vote("p4", "for"))
        assert refused["error"] == "not-a-member", refused
        for deputy in ("d01", "d02", "d03"):
            reply = sessions[deputy].request(sessions[deputy].tablet.named_vote("p4", "for"))
            assert reply["type"] == "ack", reply
        result = chair.post("/polls/p4/close")["result"]
        assert result["outcome"] == {"passed": True}  # 3 of 5 members: more than half
        assert result["quorum_met"] is True

        # The election follows the adopted rules and says which.
        assert chair.post("/polls", vice)["poll"] == "p5"
        assert chair.state()["poll"]["definition"]["write_ins"] is False
        chair.post("/polls/p5/void", {"reason": "演示：本次不进行选举"})
        chair.post("/close")
    finally:
        for session in sessions.values():
            session.close()

    bundle = tmp_path / "bundle"
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    service.log.export(bundle)
    entries = [json.loads(line) for line in (bundle / "entries.jsonl").read_text().splitlines()]
    adoptions = [(e["poll"], sorted(e["adopts"])) for e in entries if e["type"] == "motion_adopted"]
    assert adoptions == [("p1", ["presidium"]), ("p2", ["election_rules"]), ("p3", ["scrutineers"])]
    opened_vice = next(e for e in entries if e["type"] == "poll_opened" and e["poll"] == "p5")
    assert opened_vice["election_rules"] == "p2"
    report = verify_bundle(bundle, vkey=service.log.vkey)
    assert report.ok, report
