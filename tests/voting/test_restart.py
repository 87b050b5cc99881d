"""Stopping the server in the middle of an open poll loses no acknowledged vote."""

from __future__ import annotations

from pathlib import Path

from audit.verify import verify_bundle
from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair


def test_restart_in_the_middle_of_an_open_poll(stored_server: Server, tmp_path: Path) -> None:
    server = stored_server
    with server.client() as client:
        chair = open_meeting(client, 4)
        chair.call("PUT", "/agenda", {"items": [{"item": "a", "title": "议案", "kind": "motion"}]})
        tablets = [pair(client, chair, f"d0{i}") for i in (1, 2, 3, 4)]
        sessions = [TabletSession(client, t) for t in tablets]
        for s in sessions:
            s.request(s.tablet.sign_in())
        # A named poll, first press final (an encrypted one: test_encrypted_sitting.py).
        poll = {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}
        chair.post("/polls", dict(poll, change_policy="first", duration_s=600))
        acks = [s.request(s.tablet.named_vote("p1", "for")) for s in sessions[:3]]
        assert [a["type"] for a in acks] == ["ack"] * 3
        for s in sessions:
            s.close()

    with server.client() as client:
        chair = Staff.login(client, "admin", "admin-password-1")
        state = chair.state()
        assert state["poll"]["status"] == "open"
        assert state["poll"]["cast"] == 3
        last = TabletSession(client, tablets[3])
        assert last.request(last.tablet.named_vote("p1", "against"))["type"] == "ack"
        again = TabletSession(client, tablets[0])
        refused = again.request(again.tablet.named_vote("p1", "against"))
        assert refused["error"] == "double-vote"
        last.close()
        again.close()
        result = chair.post("/polls/p1/close")["result"]
        assert result["counts"] == {"for": 3, "against": 1, "abstain": 0, "not_voted": 0}
        service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
        service.log.export(tmp_path / "bundle")
        report = verify_bundle(tmp_path / "bundle", vkey=service.log.vkey)
        assert report.ok, report


def test_a_timed_poll_closes_itself_after_a_restart(stored_server: Server) -> None:
    server = stored_server
    with server.client() as client:
        chair = open_meeting(client, 3)
        chair.call("PUT", "/agenda", {"items": [{"item": "a", "title": "议案", "kind": "motion"}]})
        for deputy in ("d01", "d02", "d03"):
            chair.post(f"/deputies/{deputy}/sign-in")
        chair.post(
            "/polls",
            {"item": "a", "definition": {"kind": "motion"}, "mode": "named", "duration_s": 60},
        )
    server.clock.advance(61)
    with server.client() as client:
        chair = Staff.login(client, "admin", "admin-password-1")
        for _ in range(100):
            if chair.state()["poll"]["status"] == "closed":
                break
            import time

            time.sleep(0.02)
        poll = chair.state()["polls"][0]
        assert poll["status"] == "closed"
        assert poll["result"]["ballots"] == {"cast": 0, "valid": 0, "void": 0}
