"""A sitting with encrypted polls of every kind through the HTTP API and tablet WebSockets.

Each result, decrypted from the scrutineers' shares, must equal ``ballots.tally`` over the
plaintexts the tablets encrypted; the bundle verifies; a restart mid-poll loses no
acknowledged ballot; no choice is ever stored in plaintext.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import ballots
from audit.note import NoteSigner
from audit.tables import create_engine_for
from audit.verify import verify_bundle
from ballots.crypto.encoding import ballot_bytes, ballot_from_json
from ballots.crypto.shape import Choice
from devices import ballot_checks
from devices.tablet import ballot_shape
from tests.voting.conftest import LOG_KEY, TEST_SCRYPT_N, WATCHER_COALESCE_S, Server
from tests.voting.core.encrypted_meeting import resigned, sha256_hex
from tests.voting.crypto_sitting import b64url, unb64url
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    challenge,
    complete_key,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import Staff, TabletSession, open_meeting, pair
from voting.app import create_app
from voting.core import encrypted
from voting.settings import Settings

CANDIDATES = [
    {"id": "c1", "name": "王建国"},
    {"id": "c2", "name": "李秀英"},
    {"id": "c3", "name": "张伟"},
]
PROJECTS = [
    {"id": "p1", "name": "修路"},
    {"id": "p2", "name": "建校"},
    {"id": "p3", "name": "供水"},
]
AGENDA = {
    "items": [
        {"item": "budget", "title": "预算决议", "kind": "motion"},
        {"item": "vice", "title": "副镇长选举", "kind": "election"},
        {"item": "projects", "title": "民生实事票决", "kind": "selection"},
        {"item": "each", "title": "逐项表决", "kind": "selection"},
        {"item": "review", "title": "满意度测评", "kind": "evaluation"},
        {"item": "members", "title": "委员选举", "kind": "election"},
        SCRUTINEERS_ITEM,
    ]
}
ELECTION = {"kind": "election", "seats": 2, "candidates": CANDIDATES}
#: Per agenda item: the definition, then each tablet's choice and the same ballot in the tally
#: format.
POLLS: list[tuple[str, dict[str, Any], list[tuple[Choice, Any]]]] = [
    (
        "budget",
        {"kind": "motion"},
        [
            (Choice.stances(["for"]), "for"),
            (Choice.stances(["for"]), "for"),
            (Choice.stances(["against"]), "against"),
            (Choice.stances(["abstain"]), "abstain"),
        ],
    ),
    (
        "vice",
        ELECTION,
        [
            (
                Choice.stances(["for", "for", "against"]),
                {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
            ),
            (
                Choice.stances(["for", "against", "for"]),
                {"marks": {"c1": "for", "c2": "against", "c3": "for"}},
            ),
            (
                Choice.stances(["for", "for", "abstain"]),
                {"marks": {"c1": "for", "c2": "for", "c3": "abstain"}},
            ),
            (
                Choice.stances(["abstain", "for", "for"]),
                {"marks": {"c1": "abstain", "c2": "for", "c3": "for"}},
            ),
        ],
    ),
    (
        "projects",
        {"kind": "selection", "form": "choose", "seats": 2, "candidates": PROJECTS},
        [
            (Choice((1, 1, 0)), {"chosen": ["p1", "p2"]}),
            (Choice((0, 1, 1)), {"chosen": ["p2", "p3"]}),
            (Choice((0, 1, 0)), {"chosen": ["p2"]}),
            (Choice((1, 1, 0)), {"chosen": ["p1", "p2"]}),
        ],
    ),
    (
        "each",
        {"kind": "selection", "form": "each", "seats": 3, "candidates": PROJECTS},
        [
            (
                Choice.stances(["for", "against", "abstain"]),
                {"marks": {"p1": "for", "p2": "against", "p3": "abstain"}},
            ),
            (
                Choice.stances(["for", "for", "for"]),
                {"marks": {"p1": "for", "p2": "for", "p3": "for"}},
            ),
            (
                Choice.stances(["against", "for", "for"]),
                {"marks": {"p1": "against", "p2": "for", "p3": "for"}},
            ),
            (
                Choice.stances(["for", "abstain", "for"]),
                {"marks": {"p1": "for", "p2": "abstain", "p3": "for"}},
            ),
        ],
    ),
    (
        "review",
        {
            "kind": "evaluation",
            "subjects": [{"id": "s1", "name": "财政所"}, {"id": "s2", "name": "派出所"}],
        },
        [
            (
                Choice((1, 0, 0, 0, 1, 0)),
                {"ratings": {"s1": "satisfied", "s2": "basically_satisfied"}},
            ),
            (Choice((1, 0, 0, 1, 0, 0)), {"ratings": {"s1": "satisfied", "s2": "satisfied"}}),
            (Choice((0, 0, 1, 1, 0, 0)), {"ratings": {"s1": "dissatisfied", "s2": "satisfied"}}),
            (Choice((1, 0, 0, 0, 0, 0)), {"ratings": {"s1": "satisfied"}}),
        ],
    ),
]


def sit(
    client: TestClient, deputies: int = 5, tablets: int = 4
) -> tuple[Staff, list[TabletSession]]:
    chair = open_meeting(client, deputies)
    chair.call("PUT", "/agenda", AGENDA)
    sessions = [TabletSession(client, pair(client, chair, f"d0{i}")) for i in range(1, tablets + 1)]
    for s in sessions:
        assert s.request(s.tablet.sign_in())["type"] == "ack"
    return chair, sessions


def test_encrypted_polls_of_every_kind_give_the_tally_of_their_plaintexts(
    client: TestClient, tmp_path: Path
) -> None:
    chair, sessions = sit(client)
    refused = chair.post(
        "/polls",
        {"item": "budget", "definition": {"kind": "motion"}, "mode": "encrypted"},
        status=409,
    )
    assert refused["error"] == "no-sitting-key"
    scrutineers = complete_key(client, chair)
    # Without t stations answering the poll's challenge, the poll does not open.
    unanswered = {"poll": "p2", "item": "budget", "definition": {"kind": "motion"}}
    refused = chair.post("/polls", {**unanswered, "mode": "encrypted"}, status=409)
    assert (refused["error"], refused["details"]) == (
        "scrutineers-not-live",
        {"live": [], "needed": 2},
    )
    challenge(chair, "p2", scrutineers.stations[:1])
    refused = chair.post("/polls", {**unanswered, "mode": "encrypted"}, status=409)
    assert (refused["error"], refused["details"]) == (
        "scrutineers-not-live",
        {"live": [1], "needed": 2},
    )
    try:
        for item, definition, cases in POLLS:
            poll = open_encrypted(chair, scrutineers, item, definition)
            pushed = sessions[0].request({"type": "ping"})
            assert pushed["type"] == "pong"
            state = next(p["state"] for p in reversed(sessions[0].pushed) if p["type"] == "state")
            encryption = state["poll"]["encryption"]
            for session, (choice, _) in zip(sessions, cases, strict=True):
                cast(session, poll, encryption, choice)
            closed = chair.post(f"/polls/{poll}/close")
            assert closed["result"] is None
            post_shares(client, scrutineers, poll, 3)
            assert chair.state()["poll"].get("result") is None
            post_shares(client, scrutineers, poll, 1)
            again = post_shares(client, scrutineers, poll, 2, status=409)
            assert again["error"] == "already-decrypted"
            view = chair.state()["poll"]
            expected = ballots.tally(
                {"poll": dict(view["definition"], issued=4), "ballots": [b for _, b in cases]}
            )
            if definition["kind"] == "election":
                assert view["result_held"] is True  # the presidium confirms it first, as today
                result = service_of(client).state.polls[poll].result
            else:
                result = view["result"]
            assert result == expected, item
    finally:
        for s in sessions:
            s.close()

    # A write-in: the result waits for the write-in mix.
    poll = open_encrypted(chair, scrutineers, "members", ELECTION)
    encryption = chair.state()["poll"]["encryption"]
    voter = TabletSession(client, sessions[0].tablet)
    cast(voter, poll, encryption, Choice.stances(["for", "against", "abstain"], ["赵六"]))
    voter.close()
    chair.post(f"/polls/{poll}/close")
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    assert chair.state()["poll"]["decryption"]["awaiting"] == "write-in-mix"
    assert chair.post(f"/polls/{poll}/announce", status=409)["error"] == "result-pending"

    service = service_of(client)
    service.log.export(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=service.log.vkey)
    assert report.ok, [(c.number, c.failures) for c in report.checks if c.failures]


def database_text(path: Path) -> str:
    """Every value of every table, blobs read as UTF-8."""
    values: list[str] = []
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        values.append(value.decode("utf-8", "replace"))
                    else:
                        values.append(str(value))
    return "\n".join(values)


def test_a_restart_mid_poll_loses_no_acknowledged_ballot_and_nothing_is_plaintext(
    server: Server,
) -> None:
    with server.client() as client:
        chair, sessions = sit(client)
        scrutineers = complete_key(client, chair)
        # The scrutineers were adopted on paper: that result names its counts.
        before = database_text(server.db)
        poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"}, duration_s=600)
        encryption = chair.state()["poll"]["encryption"]
        acks = [
            cast(s, poll, encryption, Choice.stances([stance]))
            for s, stance in zip(sessions[:3], ["against", "abstain", "against"], strict=True)
        ]
        assert len({a["tracking_code"] for a in acks}) == 3
        tablets = [s.tablet for s in sessions]
        for s in sessions:
            s.close()

    # Casting wrote no choice into the database: only ciphertexts.
    dump = database_text(server.db)
    assert "encrypted_ballot" in dump and '"ciphertexts"' in dump
    assert [dump.count(word) for word in ("against", "abstain")] == [
        before.count(word) for word in ("against", "abstain")
    ]

    with server.client() as client:
        chair = Staff.login(client, "admin", "admin-password-1")
        assert chair.state()["poll"]["cast"] == 3
        last = TabletSession(client, tablets[3])
        cast(last, poll, chair.state()["poll"]["encryption"], Choice.stances(["for"]))
        last.close()
        chair.post(f"/polls/{poll}/close")
        post_shares(client, scrutineers, poll, 2)
        post_shares(client, scrutineers, poll, 3)
        result = chair.state()["poll"]["result"]
        assert result["counts"] == {"for": 1, "against": 2, "abstain": 1, "not_voted": 0}


def test_with_a_worker_the_ballots_are_decoded_and_checked_off_the_event_loop(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        data_dir=server.db.parent,
        database_url=f"sqlite:///{server.db}",
        scrypt_n=TEST_SCRYPT_N,
        watcher_coalesce_s=WATCHER_COALESCE_S,
    )
    app = create_app(
        settings,
        clock=server.clock,
        engine=create_engine_for(settings.database_url),
        signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
        signature_workers=1,
    )
    in_the_server: list[object] = []
    monkeypatch.setattr(encrypted, "proof_problem", lambda *args: in_the_server.append(args))
    # The strict decoding too happens in the worker: these are where the server would decode.
    monkeypatch.setattr(encrypted, "ballot_from_json", lambda *a: in_the_server.append(a))
    monkeypatch.setattr(ballot_checks, "ballot_from_json", lambda *a: in_the_server.append(a))
    with TestClient(app) as client:
        chair, sessions = sit(client)
        scrutineers = complete_key(client, chair)
        poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
        encryption = chair.state()["poll"]["encryption"]
        cast(sessions[0], poll, encryption, Choice.stances(["for"]))
        tablet = sessions[1].tablet
        ballot = tablet.encrypted_ballot(poll, encryption, Choice.stances(["for"]))["ballot"]
        proof = ballot["proofs"][0]
        proof["responses"][0], proof["responses"][1] = proof["responses"][1], proof["responses"][0]
        data = ballot_bytes(ballot_from_json(ballot_shape(encryption), ballot))
        reply = sessions[1].request(resigned(tablet, poll, ballot, sha256_hex(data)))
        message = tablet.encrypted_ballot(poll, encryption, Choice.stances(["against"]))
        a = bytearray(unb64url(message["ballot"]["ciphertexts"][0][0]))
        a[31] |= 0x80
        message["ballot"]["ciphertexts"][0][0] = b64url(bytes(a))
        undecodable = sessions[1].request(message)
        for s in sessions:
            s.close()
    assert reply["type"] == "error" and reply["error"] == "bad-proof", reply
    assert undecodable["type"] == "error" and undecodable["error"] == "bad-point", undecodable
    assert in_the_server == []  # every ballot was decoded and checked by the worker process


def test_an_identical_resend_gets_the_same_acknowledgement(client: TestClient) -> None:
    chair, sessions = sit(client)
    scrutineers = complete_key(client, chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    session = sessions[0]
    message = session.tablet.encrypted_ballot(poll, encryption, Choice.stances(["against"]))
    first = session.request(message)
    again = session.request(message)
    for s in sessions:
        s.close()
    assert first["type"] == again["type"] == "ballot_ack"
    assert "duplicate" not in first and again["duplicate"] is True
    same = ("tracking_code", "ballot_hash", "signature")
    assert {k: again[k] for k in same} == {k: first[k] for k in same}
    assert chair.state()["poll"]["cast"] == 1
    assert len(service_of(client).state.polls[poll].encrypted.cast) == 1  # type: ignore[union-attr]


def test_bad_ballots_on_the_socket_are_refused_with_their_code_and_write_nothing(
    client: TestClient,
) -> None:
    chair, sessions = sit(client)
    scrutineers = complete_key(client, chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    session = sessions[0]
    size = service_of(client).state.size

    def sent(change: Callable[[dict[str, Any]], None]) -> Any:
        message = session.tablet.encrypted_ballot(poll, encryption, Choice.stances(["for"]))
        change(message)
        return session.request(message)

    def bit_255(message: dict[str, Any]) -> None:
        a = bytearray(unb64url(message["ballot"]["ciphertexts"][0][0]))
        a[31] |= 0x80
        message["ballot"]["ciphertexts"][0][0] = b64url(bytes(a))

    def identity(message: dict[str, Any]) -> None:
        message["ballot"]["ciphertexts"][0][0] = b64url(bytes(32))

    def short(message: dict[str, Any]) -> None:
        message["ballot"]["ciphertexts"].pop()

    def padded(message: dict[str, Any]) -> None:
        message["ballot"]["proofs"][0]["challenges"][0] += "="

    def no_ballot(message: dict[str, Any]) -> None:
        del message["ballot"]

    codes = [sent(change)["error"] for change in (bit_255, identity, short, padded, no_ballot)]
    for s in sessions:
        s.close()
    assert codes == ["bad-point", "identity-point", "bad-layout", "bad-encoding", "invalid-message"]
    assert service_of(client).state.size == size


def test_under_first_a_second_ballot_is_refused_on_the_socket_and_writes_nothing(
    client: TestClient,
) -> None:
    chair, sessions = sit(client)
    scrutineers = complete_key(client, chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"}, change_policy="first")
    encryption = chair.state()["poll"]["encryption"]
    session = sessions[0]
    cast(session, poll, encryption, Choice.stances(["for"]))
    size = service_of(client).state.size
    again = session.request(
        session.tablet.encrypted_ballot(poll, encryption, Choice.stances(["against"]))
    )
    for s in sessions:
        s.close()
    assert (again["type"], again["error"], again["message"]) == (
        "error",
        "double-vote",
        "您已投票，按规则不能改票",
    )
    assert service_of(client).state.size == size
    assert chair.state()["poll"]["cast"] == 1
