"""The floor ends when its time limit passes: the server's timer writes ``floor_ended`` with
reason ``time``, armed when the floor is granted and again when the server starts."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.testclient import TestClient

from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair


def give_d01_the_floor(client: TestClient, minutes: int) -> Staff:
    chair = open_meeting(client, 3)
    session = TabletSession(client, pair(client, chair, "d01"))
    session.request(session.tablet.sign_in())
    assert session.request(session.tablet.speak_request())["type"] == "ack"
    session.close()
    chair.post("/floor/grant", {"minutes": minutes})
    return chair


def runtime(client: TestClient) -> Any:
    return client.app.state.runtime  # type: ignore[attr-defined]


def floor_ends(client: TestClient) -> list[dict[str, Any]]:
    """The ``floor_ended`` entries of the meeting's log: deputy, reason, actor and time."""
    entries = map(json.loads, runtime(client).congress.service(MEETING).log.entries())
    return [
        {k: e[k] for k in ("deputy", "reason", "by", "at")}
        for e in entries
        if e["type"] == "floor_ended"
    ]


def test_granting_the_floor_arms_a_timer_for_its_limit(server: Server) -> None:
    with server.client() as client:
        give_d01_the_floor(client, minutes=2)

        async def seconds_left() -> float:
            handle = runtime(client)._floor_timers[MEETING]
            return float(handle.when() - asyncio.get_running_loop().time())

        left = client.portal.call(seconds_left)  # type: ignore[union-attr]
        assert 119.0 < left <= 120.0
        assert floor_ends(client) == []


def test_the_chair_ending_the_floor_is_logged_with_its_reason(server: Server) -> None:
    with server.client() as client:
        chair = give_d01_the_floor(client, minutes=2)
        chair.post("/floor/end")
        assert floor_ends(client) == [
            {"deputy": "d01", "reason": "chair", "by": "admin", "at": "2026-03-01T01:30:00Z"}
        ]


def test_a_floor_whose_time_passed_while_the_server_was_down_ends_at_start(
    server: Server,
) -> None:
    with server.client() as client:
        give_d01_the_floor(client, minutes=1)
    server.clock.advance(61)
    with server.client() as client:
        for _ in range(100):
            if floor_ends(client):
                break
            time.sleep(0.02)
        assert floor_ends(client) == [
            {"deputy": "d01", "reason": "time", "by": "timer", "at": "2026-03-01T01:31:01Z"}
        ]
        chair = Staff.login(client, "admin", "admin-password-1")
        assert chair.state()["speaking"]["speaker"] is None
