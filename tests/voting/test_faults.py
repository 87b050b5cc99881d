"""Resource faults: a transaction that cannot be stored is not acknowledged, leaves nothing half
written, and the tablet's retry goes through; a connection that sends too much is slowed down.

Storage faults are made three ways: an SQLAlchemy hook raising SQLite's own errors at a chosen
point of the transaction (the log entries' insert, as a lock or a full disk, and the commit); a
real lock held by another connection for longer than the server's busy timeout
(made small for the test); a real "disk full", SQLite's page limit set to the file's size.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.voting.conftest import LOG_KEY, Clock
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair, say_hello
from voting.app import create_app
from voting.settings import Settings

LIMITS = Settings()
MAX_STRIKES, RATE_BURST, RATE_PER_S = LIMITS.max_strikes, LIMITS.rate_burst, LIMITS.rate_per_s

STORAGE_FAILED = {
    "error": "storage-failed",
    "message": "暂时无法保存，请稍后重试（您的表决尚未记录）",
    "message_en": "could not store the command; try again (nothing was recorded)",
}
BUSY_TIMEOUT_S = 0.2


@dataclass
class Hall:
    client: TestClient
    engine: Engine
    db: Path
    chair: Staff
    sessions: list[TabletSession] = field(default_factory=list)

    def session(self, deputy: str) -> TabletSession:
        return self.sessions[int(deputy[1:]) - 1]


def make_hall(tmp_path: Path, deputies: int = 3) -> Iterator[Hall]:
    db = tmp_path / "congress.sqlite"
    engine = create_engine_for(f"sqlite:///{db}", busy_timeout=BUSY_TIMEOUT_S)
    app = create_app(
        Settings(data_dir=tmp_path, database_url=f"sqlite:///{db}"),
        clock=Clock(),
        engine=engine,
        signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
    )
    with TestClient(app) as client:
        chair = open_meeting(client, deputies)
        chair.call("PUT", "/agenda", {"items": [{"item": "a", "title": "议案", "kind": "motion"}]})
        hall = Hall(client, engine, db, chair)
        for i in range(1, deputies + 1):
            session = TabletSession(client, pair(client, chair, f"d{i:02}"))
            assert session.request(session.tablet.sign_in())["type"] == "ack"
            hall.sessions.append(session)
        yield hall
        for session in hall.sessions:
            session.close()
    engine.dispose()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    yield from make_hall(tmp_path)


#: A named motion: storing a vote is the same transaction whatever the poll's mode.
NAMED_MOTION = {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}


# Simulated failures ---------------------------------------------------------------------------


class Fault:
    """Raise ``sqlite3.OperationalError(message)`` at ``where``: before a statement that starts
    with it, or at ``"COMMIT"``; until :meth:`clear`."""

    def __init__(self, engine: Engine, message: str, where: str) -> None:
        self.engine, self.message, self.where = engine, message, where
        self.hits = 0
        if where == "COMMIT":
            event.listen(engine, "commit", self._on_commit)
        else:
            event.listen(engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(self.where):
            self.hits += 1
            raise sqlite3.OperationalError(self.message)

    def _on_commit(self, _conn: Any) -> None:
        self.hits += 1
        raise sqlite3.OperationalError(self.message)

    def clear(self) -> None:
        if self.where == "COMMIT":
            event.remove(self.engine, "commit", self._on_commit)
        else:
            event.remove(self.engine, "before_cursor_execute", self._on_statement)


@pytest.mark.parametrize(
    ("message", "where"),
    [
        ("database is locked", "INSERT INTO AUDIT_ENTRY"),
        ("database or disk is full", "INSERT INTO AUDIT_ENTRY"),
        ("database or disk is full", "COMMIT"),
    ],
)
def test_a_vote_that_cannot_be_stored_is_not_acknowledged(
    hall: Hall, message: str, where: str
) -> None:
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.session("d01")
    ballot = s.tablet.named_vote("p1", "for")
    before = digest(hall.client)
    fault = Fault(hall.engine, message, where)
    try:
        reply = s.request(ballot)
    finally:
        fault.clear()
    assert fault.hits == 1
    assert reply == {"type": "error", "id": reply["id"], **STORAGE_FAILED}
    # Nothing half-written: no entry, the counter not used up.
    assert digest(hall.client) == before
    assert hall.chair.state()["poll"]["cast"] == 0
    # The tablet re-sends the same message: now it is stored, once.
    again = s.request(ballot)
    assert again["type"] == "ack"
    assert "duplicate" not in again
    assert hall.chair.state()["poll"]["cast"] == 1
    result = hall.chair.post("/polls/p1/close")["result"]
    assert result["ballots"]["cast"] == 1
    assert result["counts"]["for"] == 1


def test_a_named_vote_and_a_chair_command_that_cannot_be_stored(hall: Hall) -> None:
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.session("d02")
    vote = s.tablet.named_vote("p1", "against")
    before = digest(hall.client)
    fault = Fault(hall.engine, "database is locked", "INSERT INTO AUDIT_ENTRY")
    try:
        assert s.request(vote)["error"] == "storage-failed"
        refused = hall.chair.client.post(
            f"/api/meetings/{MEETING}/polls/p1/close", headers=hall.chair.headers
        )
    finally:
        fault.clear()
    assert (refused.status_code, refused.json()) == (503, STORAGE_FAILED)
    assert digest(hall.client) == before
    assert s.request(vote)["type"] == "ack"
    assert hall.chair.post("/polls/p1/close")["result"]["counts"]["against"] == 1


# Real failures --------------------------------------------------------------------------------


def test_a_lock_held_longer_than_the_busy_timeout(hall: Hall) -> None:
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.session("d03")
    ballot = s.tablet.named_vote("p1", "abstain")
    before = digest(hall.client)
    other = sqlite3.connect(hall.db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, held by someone else
        started = time.monotonic()
        reply = s.request(ballot)
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert reply["error"] == "storage-failed"
    assert waited >= BUSY_TIMEOUT_S
    assert digest(hall.client) == before
    assert s.request(ballot)["type"] == "ack"
    assert hall.chair.post("/polls/p1/close")["result"]["counts"]["abstain"] == 1


def test_writes_outside_the_log_fail_with_503_too(hall: Hall) -> None:
    """A login writes a session token, a pairing code is a row of its own: under a lock held
    past the busy timeout they are refused with storage-failed, not a server error."""
    other = sqlite3.connect(hall.db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        login = hall.client.post(
            "/api/login", json={"username": "admin", "password": "admin-password-1"}
        )
        code = hall.client.post(
            f"/api/meetings/{MEETING}/deputies/d01/pairing-code", headers=hall.chair.headers
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (login.status_code, login.json()) == (503, STORAGE_FAILED)
    assert (code.status_code, code.json()) == (503, STORAGE_FAILED)
    assert (
        hall.client.post(
            "/api/login", json={"username": "admin", "password": "admin-password-1"}
        ).status_code
        == 200
    )


def test_a_full_disk_in_the_middle_of_a_poll(tmp_path: Path) -> None:
    """SQLite may not grow the file past its present size: ballots are stored until a page is
    needed, the one that does not fit is refused, and after space is freed it is stored too."""
    for hall in make_hall(tmp_path, deputies=30):
        hall.chair.post("/polls", NAMED_MOTION)
        with sqlite3.connect(hall.db) as probe:
            pages = probe.execute("PRAGMA page_count").fetchone()[0]
        limit = {"pages": pages}

        def page_limit(dbapi_connection: Any, *_: Any, limit: dict[str, int] = limit) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

        event.listen(hall.engine, "checkout", page_limit)

        hall.engine.dispose()  # every connection from now on gets the limit
        acknowledged, refused = [], None
        for s in hall.sessions:
            ballot = s.tablet.named_vote("p1", "for")
            before = digest(hall.client)
            reply = s.request(ballot)
            if reply["type"] == "error":
                assert reply["error"] == "storage-failed", reply
                assert digest(hall.client) == before
                refused = (s, ballot)
                break
            assert reply["type"] == "ack"
            acknowledged.append(s)
        assert refused is not None, "the page limit was never reached"
        limit["pages"] = 2**30  # space freed
        s, ballot = refused
        assert s.request(ballot)["type"] == "ack"
        result = hall.chair.post("/polls/p1/close")["result"]
        assert result["ballots"]["cast"] == len(acknowledged) + 1


# Rate limit ---------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_tablet_that_sends_too_fast_is_slowed_then_closed(hall: Hall) -> None:
    clock = FakeClock()
    hall.client.app.state.runtime.monotonic = clock  # type: ignore[attr-defined]
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        assert say_hello(ws, hall.session("d01").tablet)["type"] == "welcome"
        for n in range(RATE_BURST):
            ws.send_json({"type": "ping", "id": f"k{n}"})
            assert ws.receive_json()["type"] == "pong"
        ws.send_json({"type": "ping", "id": "one-too-many"})
        assert ws.receive_json() == {
            "type": "error",
            "id": "one-too-many",
            "error": "rate-limited",
            "message": "消息过于频繁，请稍后再发",
            "message_en": "more than 20 messages a second; slow down",
        }
        # A token comes back every 1/20 s.
        clock.now += 1.01 / RATE_PER_S
        ws.send_json({"type": "ping", "id": "later"})
        assert ws.receive_json()["type"] == "pong"
        # Still too fast, again and again: closed.
        for n in range(MAX_STRIKES):
            ws.send_json({"type": "ping", "id": f"flood{n}"})
            assert ws.receive_json()["error"] == "rate-limited"
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}


def test_a_steady_twenty_a_second_is_never_limited(hall: Hall) -> None:
    clock = FakeClock()
    hall.client.app.state.runtime.monotonic = clock  # type: ignore[attr-defined]
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        say_hello(ws, hall.session("d02").tablet)
        for n in range(200):
            clock.now += 1 / RATE_PER_S
            ws.send_json({"type": "ping", "id": f"k{n}"})
            assert ws.receive_json()["type"] == "pong"


def test_the_watcher_channel_is_rate_limited_too(hall: Hall) -> None:
    clock = FakeClock()
    hall.client.app.state.runtime.monotonic = clock  # type: ignore[attr-defined]
    token = hall.chair.headers["Authorization"].removeprefix("Bearer ")
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/watch") as ws:
        ws.send_json({"type": "hello", "token": token})
        assert ws.receive_json()["type"] == "welcome"
        replies = []
        for n in range(RATE_BURST + 1):
            ws.send_json({"type": "ping", "id": f"k{n}"})
            reply = ws.receive_json()
            while reply["type"] == "state":  # a coalesced push may come in between
                reply = ws.receive_json()
            replies.append(reply.get("error", reply["type"]))
        assert replies == ["pong"] * RATE_BURST + ["rate-limited"]
