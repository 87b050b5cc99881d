"""Ballot secrecy in storage: no row of any table links a deputy to a secret ballot.

Deputy and device ids here contain letters that are not hex digits, so they can never appear
by chance inside a receipt or a hash; each deputy writes in a different name, so every secret
choice has a string of its own to look for.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.conftest import ORIGIN, Server
from tests.voting.sitting import MEETING, TITLE, Staff, TabletSession, bootstrap_admin, pair

DEPUTIES = [f"rep-{i}" for i in ("one", "two", "six", "ten", "won")]
NAMES = ["甄一", "甄二", "甄六", "甄十", "甄万"]
WRITE_INS = ["司徒甲", "司徒乙", "司徒丙", "司徒丁", "司徒戊"]
AGENDA = {
    "items": [
        {"item": "rules", "title": "选举办法", "kind": "motion"},
        {"item": "vice", "title": "副镇长选举", "kind": "election"},
    ]
}
ELECTION = {
    "kind": "election",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "王建国"}, {"id": "c2", "name": "李秀英"}],
}


def device_of(deputy: str) -> str:
    return f"pad-{deputy}"


class Sitting:
    """Five deputies signed in by tablet, a named poll closed, a secret election still open."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.chair = open_meeting(client)
        self.chair.call("PUT", "/agenda", AGENDA)
        tablets = [pair(client, self.chair, d, device_of(d)) for d in DEPUTIES]
        self.sessions = [TabletSession(client, t) for t in tablets]
        for s in self.sessions:
            assert s.request(s.tablet.sign_in())["type"] == "ack"

        self.chair.post("/items/rules/current")
        self.chair.post(
            "/polls", {"item": "rules", "definition": {"kind": "motion"}, "mode": "named"}
        )
        for s, choice in zip(
            self.sessions, ["for", "for", "for", "against", "abstain"], strict=True
        ):
            assert s.request(s.tablet.named_vote("p1", choice))["type"] == "ack"
        self.chair.post("/polls/p1/close")

        self.chair.post("/items/vice/current")
        self.chair.post("/polls", {"item": "vice", "definition": ELECTION})
        for s, name in zip(self.sessions, WRITE_INS, strict=True):
            ballot = {"marks": {"c1": "against"}, "write_ins": [name]}
            assert s.request(s.tablet.secret_ballot("p2", ballot))["type"] == "ballot_ack"
        # One deputy changes their mind (policy "last"): receipt plus replace-token.
        first = self.sessions[0]
        changed = {"marks": {"c2": "against"}, "write_ins": [WRITE_INS[0]]}
        assert first.request(first.tablet.replace_ballot("p2", changed))["type"] == "ballot_ack"
        self.receipts = [s.tablet.votes["p2"].receipt for s in self.sessions]
        self.tokens = [s.tablet.votes["p2"].replace_token for s in self.sessions]

    def close(self) -> None:
        for s in self.sessions:
            s.close()


def open_meeting(client: TestClient) -> Staff:
    admin = bootstrap_admin(client)
    response = client.post(
        "/api/meetings",
        json={"meeting": MEETING, "origin": ORIGIN, "title": TITLE, "date": "2026-03-01"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    roster = [
        {"deputy": d, "name": n, "seat": f"0{i}"}
        for i, (d, n) in enumerate(zip(DEPUTIES, NAMES, strict=True), start=1)
    ]
    admin.call("PUT", "/roster", {"deputies": roster})
    admin.post("/open")
    return admin


@pytest.fixture
def sitting(client: TestClient) -> Iterator[Sitting]:
    found = Sitting(client)
    yield found
    found.close()


# Reading every row of the database ------------------------------------------------------------


def strings_in(value: Any) -> list[str]:
    """A stored value as text, plus every string inside it if it is JSON."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return [str(value)]
    found = [value]
    try:
        parsed = json.loads(value)
    except ValueError:
        return found

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                found.append(key)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(parsed)
    return found


def every_row(db: Path) -> Iterator[tuple[str, str]]:
    """(table, the row's text) for every row of every table of the SQLite file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        assert {"audit_entry", "sealed_ballot", "token", "pairing_code"} <= set(tables)
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                yield table, "\x1f".join(s for value in row for s in strings_in(value))


def linking_rows(db: Path, secrets: list[str]) -> list[tuple[str, str]]:
    identities = DEPUTIES + [device_of(d) for d in DEPUTIES] + NAMES
    return [
        (table, text)
        for table, text in every_row(db)
        if any(i in text for i in identities) and any(s in text for s in secrets)
    ]


def rows_holding(db: Path, needle: str) -> list[str]:
    return [table for table, text in every_row(db) if needle in text]


# The tests ------------------------------------------------------------------------------------


def test_no_row_links_a_deputy_to_an_open_polls_ballot(server: Server, sitting: Sitting) -> None:
    secrets = sitting.receipts + sitting.tokens + WRITE_INS
    assert linking_rows(server.db, secrets) == []
    # The check is not vacuous: each sealed ballot is stored once, and attendance is stored.
    for receipt, name in zip(sitting.receipts, WRITE_INS, strict=True):
        assert rows_holding(server.db, receipt) == ["sealed_ballot"]
        assert rows_holding(server.db, name) == ["sealed_ballot"]
    for deputy in DEPUTIES:
        assert "audit_entry" in rows_holding(server.db, deputy)
    for token in sitting.tokens:
        assert rows_holding(server.db, token) == []  # only its hash is kept


def test_after_close_the_ballots_are_in_the_log_without_anyone(
    server: Server, sitting: Sitting
) -> None:
    closed = sitting.chair.post("/polls/p2/close")
    assert closed["result"]["write_ins"] == dict.fromkeys(WRITE_INS, 1)
    assert rows_holding(server.db, sitting.receipts[0]) == ["audit_entry"]
    assert linking_rows(server.db, sitting.receipts + WRITE_INS) == []

    service = sitting.client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    entries = [json.loads(e) for e in service.log.entries()]
    of_poll = [e for e in entries if e.get("poll") == "p2"]
    assert [e["type"] for e in of_poll] == [
        "poll_opened",
        *["participation"] * 5,
        "poll_closed",
        *["ballot"] * 5,
        "result",
    ]
    ballots = [e for e in of_poll if e["type"] == "ballot"]
    for ballot in ballots:
        assert set(ballot) == {"v", "seq", "type", "poll", "receipt", "choice"}
    assert [b["receipt"] for b in ballots] == sorted(sitting.receipts)
    seqs = [b["seq"] for b in ballots]
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    by_receipt = {b["receipt"]: b["choice"] for b in ballots}
    assert by_receipt[sitting.receipts[0]] == {
        "marks": {"c2": "against"},
        "write_ins": [WRITE_INS[0]],
    }
    participations = [e for e in of_poll if e["type"] == "participation"]
    assert sorted(p["deputy"] for p in participations) == sorted(DEPUTIES)
    for participation in participations:
        assert set(participation["body"]) == {"type", "origin", "deputy", "device", "n", "poll"}
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM sealed_ballot").fetchone() == (0,)


# The database files themselves ----------------------------------------------------------------


def file_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as a copy of the data directory has them."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_after_close_the_files_keep_each_receipt_only_in_its_ballot_entry(
    server: Server, sitting: Sitting
) -> None:
    # The write-ahead log records, commit by commit, which sealed ballot arrived with which
    # participation; the freed space of deleted rows keeps their bytes in arrival order.
    sitting.chair.post("/polls/p2/close")
    data = file_bytes(server.db)
    for receipt in sitting.receipts:
        assert data.count(receipt.encode()) == 1


def test_after_a_void_the_files_keep_no_sealed_ballot(server: Server, sitting: Sitting) -> None:
    sitting.chair.post("/polls/p2/void", {"reason": "表决器故障"})
    data = file_bytes(server.db)
    for receipt in sitting.receipts:
        assert receipt.encode() not in data
