"""An encrypted election with write-ins through the API: two stations shuffle, the same two
decrypt the final list, the result equals ``ballots.tally`` over the plaintexts and the bundle
verifies; a second shuffle by one station and a forged shuffle are refused with their codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import ballots
from audit.verify import verify_bundle
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import Choice
from devices.scrutineer.mix import MixBoard, mix_step, shuffle_fields
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing
from tests.voting.crypto_sitting import b64url, unb64url
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    key_and_stations,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import MEETING, TabletSession, open_meeting, pair

CANDIDATES = [
    {"id": "c1", "name": "王建国"},
    {"id": "c2", "name": "李秀英"},
    {"id": "c3", "name": "张伟"},
]
ELECTION = {"kind": "election", "seats": 2, "candidates": CANDIDATES}
AGENDA = {"items": [{"item": "members", "title": "委员选举", "kind": "election"}, SCRUTINEERS_ITEM]}
#: Each tablet's choice and the same ballot in the tally format (a write-in naming a listed
#: candidate is ignored; a name written twice on one ballot counts once).
CASES: list[tuple[Choice, dict[str, Any]]] = [
    (
        Choice.stances(["for", "against", "abstain"], ["赵六"]),
        {"marks": {"c1": "for", "c2": "against", "c3": "abstain"}, "write_ins": ["赵六"]},
    ),
    (
        Choice.stances(["against", "against", "abstain"], ["赵六", "钱七"]),
        {
            "marks": {"c1": "against", "c2": "against", "c3": "abstain"},
            "write_ins": ["赵六", "钱七"],
        },
    ),
    (
        Choice.stances(["for", "abstain", "against"], ["王建国"]),
        {"marks": {"c1": "for", "c2": "abstain", "c3": "against"}, "write_ins": ["王建国"]},
    ),
    (
        Choice.stances(["against", "abstain", "against"], ["钱七", "钱七"]),
        {
            "marks": {"c1": "against", "c2": "abstain", "c3": "against"},
            "write_ins": ["钱七", "钱七"],
        },
    ),
    (
        Choice.stances(["for", "for", "abstain"]),
        {"marks": {"c1": "for", "c2": "for", "c3": "abstain"}},
    ),
]


def post_signed(client: TestClient, station: Station, poll: str, endpoint: str, fields: Any) -> Any:
    signed = station.sign(Outgoing(endpoint, fields, endpoint))
    return client.post(f"/api/meetings/{MEETING}/polls/{poll}/{endpoint}", json=signed)


def test_two_stations_shuffle_and_decrypt_and_the_result_counts_the_write_ins(
    client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client, 5)
    chair.call("PUT", "/agenda", AGENDA)
    sessions = [TabletSession(client, pair(client, chair, f"d0{i}")) for i in range(1, 6)]
    try:
        for session in sessions:
            assert session.request(session.tablet.sign_in())["type"] == "ack"
        scrutineers, stations = key_and_stations(client, chair)
        poll = open_encrypted(chair, scrutineers, "members", ELECTION)
        encryption = chair.state()["poll"]["encryption"]
        for session, (choice, _) in zip(sessions, CASES, strict=True):
            cast(session, poll, encryption, choice)
    finally:
        for session in sessions:
            session.close()
    chair.post(f"/polls/{poll}/close")
    board = client.get(f"/api/meetings/{MEETING}/polls/{poll}/mix")
    assert board.status_code == 409 and board.json()["error"] == "no-write-in-mix"
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    assert chair.state()["poll"]["decryption"]["awaiting"] == "write-in-mix"

    first, idle, second = stations
    assert mix_step(first, poll) == "shuffles"
    early = post_signed(client, first, poll, "write-in-shares", {"poll": poll})
    assert early.status_code == 409 and early.json()["error"] == "mix-incomplete"
    assert mix_step(second, poll) == "shuffles"

    board_json = client.get(f"/api/meetings/{MEETING}/polls/{poll}/mix").json()
    assert board_json["stations"] == [first.state.index, second.state.index]
    assert len(board_json["counted"]) == len(CASES)
    assert first.state.index is not None
    again = shuffle_fields(MixBoard(board_json), first.state.index, DeterministicRandom(b"x"))
    refused = post_signed(client, first, poll, "shuffles", again)
    assert refused.status_code == 409 and refused.json()["error"] == "already-shuffled"
    assert idle.state.index is not None
    forged = shuffle_fields(MixBoard(board_json), first.state.index, DeterministicRandom(b"y"))
    bad = post_signed(client, idle, poll, "shuffles", forged)  # made for another station
    assert bad.status_code == 400 and bad.json()["error"] == "shuffle-layout"
    own = shuffle_fields(MixBoard(board_json), idle.state.index, DeterministicRandom(b"z"))
    data = unb64url(own["shuffle"])
    size = 64 * 4  # one output vector: W = 2 slots × 2 points, a ‖ b each
    swapped = data[:4] + data[4 + size : 4 + 2 * size] + data[4 : 4 + size]
    swapped += data[4 + 2 * size :]
    tampered = {"poll": poll, "shuffle": b64url(swapped)}
    bad = post_signed(client, idle, poll, "shuffles", tampered)  # outputs swapped
    assert bad.status_code == 400 and bad.json()["error"] == "shuffle-proof"

    final = service_of(client).state.polls[poll].encrypted.shuffles[-1]["output"]  # type: ignore[union-attr]
    outsider = post_signed(
        client, idle, poll, "write-in-shares", {"poll": poll, "final": final, "shares": []}
    )
    assert outsider.status_code == 403 and outsider.json()["error"] == "not-in-chain"
    stale = {"poll": poll, "final": "0" * 64, "shares": []}
    late = post_signed(client, first, poll, "write-in-shares", stale)
    assert late.status_code == 409 and late.json()["error"] == "stale-list"

    assert mix_step(first, poll) == "write-in-shares"
    assert service_of(client).state.polls[poll].result is None
    closed = post_signed(client, idle, poll, "shuffles", own)
    assert closed.status_code == 409 and closed.json()["error"] == "mix-closed"
    assert mix_step(second, poll) == "write-in-shares"
    assert mix_step(idle, poll) is None  # no mix is waiting any more

    view = chair.state()["poll"]
    expected = ballots.tally(
        {"poll": dict(view["definition"], issued=len(CASES)), "ballots": [b for _, b in CASES]}
    )
    assert expected["write_ins"] == {"赵六": 2, "钱七": 2}
    assert expected["write_ins_ignored"] == 2
    assert service_of(client).state.polls[poll].result == expected
    assert chair.state()["poll"]["result_held"] is True  # the presidium confirms an election first

    service = service_of(client)
    logged = [json.loads(raw) for raw in service.log.entries()]
    written = [e for e in logged if e["type"] == "decrypted_write_ins"]
    assert [(e["write_ins"], e["write_ins_ignored"]) for e in written] == [
        ({"赵六": 2, "钱七": 2}, 2)
    ]
    service.log.export(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=service.log.vkey)
    assert report.ok, [(c.number, c.failures) for c in report.checks if c.failures]
