"""The verifier re-checks the write-in mix from the log alone and names the entry at fault.

An encrypted election with write-ins is mixed and decrypted by two stations; then one entry is
forged (re-signed by the station's key where it carries a station body, as a station that lies
would do) and the log re-signed: a shuffle with swapped outputs, a shuffle that drops a vector,
a wrong write-in decryption share and miscounted write-ins each fail check 7 naming that entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.mix import write_in_context
from audit.tablet import sign_tablet_body
from ballots.crypto.group import Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_from_bytes
from ballots.crypto.shuffle.mix import shuffle
from ballots.crypto.threshold.decryption import make_decryption_share
from devices.scrutineer.mix import MixBoard, mix_step
from devices.scrutineer.station import Station
from tests.voting.crypto_sitting import b64url, unb64url
from tests.voting.encrypted_hall import (
    cast,
    key_and_stations,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import MEETING, TabletSession, open_meeting, pair
from tests.voting.test_encrypted_verify import Recorded, failures, one, verified
from tests.voting.test_write_in_mix import AGENDA, CASES, ELECTION

Entries = list[dict[str, Any]]


@dataclass
class Mixed:
    """An exported sitting whose election was mixed, with its stations and first board."""

    recorded: Recorded
    stations: dict[int, Station]
    board: dict[str, Any]


@pytest.fixture
def mixed(client: TestClient, tmp_path: Path) -> Mixed:
    chair = open_meeting(client, 5)
    chair.call("PUT", "/agenda", AGENDA)
    sessions = [TabletSession(client, pair(client, chair, f"d0{i}")) for i in range(1, 6)]
    for s in sessions:
        s.request(s.tablet.sign_in())
    scrutineers, stations = key_and_stations(client, chair)
    poll = open_encrypted(chair, scrutineers, "members", ELECTION)
    encryption = chair.state()["poll"]["encryption"]
    for session, (choice, _) in zip(sessions, CASES, strict=True):
        cast(session, poll, encryption, choice)
    for s in sessions:
        s.close()
    chair.post(f"/polls/{poll}/close")
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    board = client.get(f"/api/meetings/{MEETING}/polls/{poll}/mix").json()
    first, _, second = stations
    for station in (first, second, first, second):
        assert mix_step(station, poll) is not None
    assert service_of(client).state.polls[poll].result is not None
    service = service_of(client)
    service.log.export(tmp_path / "exported")
    lines = (tmp_path / "exported" / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    sizes = sorted(int(p.stem) for p in (tmp_path / "exported" / "checkpoints").iterdir())
    tablets = {s.tablet.deputy: s.tablet for s in sessions}
    entries = [json.loads(line) for line in lines]
    recorded = Recorded(entries, sizes, tablets, scrutineers, encryption)
    by_index = {s.state.index: s for s in stations if s.state.index is not None}
    return Mixed(recorded, by_index, board)


def resign(mixed: Mixed, entry: dict[str, Any], **fields: Any) -> int:
    """Change the station body's ``fields`` and sign it again with the station's key."""
    station = mixed.stations[entry["scrutineer"]]
    entry["station_body"] = dict(entry["station_body"], **fields)
    entry["sig"] = sign_tablet_body(station.state.private_key(), entry["station_body"])
    return int(entry["seq"])


def swapped_outputs(mixed: Mixed, entries: Entries) -> int:
    entry = [e for e in entries if e["type"] == "shuffle"][1]
    data = unb64url(entry["station_body"]["shuffle"])
    size = 64 * 4  # one vector: 2 slots × 2 points, a ‖ b each
    data = data[:4] + data[4 + size : 4 + 2 * size] + data[4 : 4 + size] + data[4 + 2 * size :]
    return resign(mixed, entry, shuffle=b64url(data))


def dropped_vector(mixed: Mixed, entries: Entries) -> int:
    """The first station shuffles the input without its last vector, with a valid proof."""
    entry = one(entries, "shuffle")
    board = MixBoard(mixed.board)
    j = entry["scrutineer"]
    short = shuffle(board.inputs[:-1], board.key.for_station(j), DeterministicRandom(b"drop"))
    return resign(mixed, entry, shuffle=b64url(shuffle_bytes(short)))


def wrong_share(mixed: Mixed, entries: Entries) -> int:
    entry = [e for e in entries if e["type"] == "write_in_shares"][1]
    last = [e for e in entries if e["type"] == "shuffle"][-1]
    final = shuffle_from_bytes(unb64url(last["station_body"]["shuffle"]), len(CASES), 4).outputs
    board = MixBoard(mixed.board)
    context = write_in_context(board.key.key_id, entry["poll"], entry["final"])
    random = DeterministicRandom(b"wrong")
    shares = [
        b64url(
            make_decryption_share(
                context, entry["scrutineer"], Scalar.of(424242), c, random
            ).encode()
        )
        for vector in final
        for c in vector
    ]
    return resign(mixed, entry, shares=shares)


def miscounted(mixed: Mixed, entries: Entries) -> int:
    entry = one(entries, "decrypted_write_ins")
    entry["write_ins"] = dict(entry["write_ins"], 赵六=3)
    return int(entry["seq"])


TAMPERING: list[tuple[Callable[[Mixed, Entries], int], str]] = [
    (swapped_outputs, "shuffle refused (shuffle-proof)"),
    (dropped_vector, "shuffle refused (shuffle-layout)"),
    (wrong_share, "write-in share refused (bad-proof)"),
    (miscounted, "are not the decrypted names"),
]


def test_the_mixed_sitting_verifies(mixed: Mixed, tmp_path: Path) -> None:
    report = verified(mixed.recorded, mixed.recorded.entries, tmp_path / "bundle")
    assert failures(report) == {}


@pytest.mark.parametrize(("tamper", "problem"), TAMPERING, ids=[t.__name__ for t, _ in TAMPERING])
def test_a_forged_mix_entry_fails_check_7_naming_it(
    mixed: Mixed, tmp_path: Path, tamper: Callable[[Mixed, Entries], int], problem: str
) -> None:
    entries = json.loads(json.dumps(mixed.recorded.entries))
    seq = tamper(mixed, entries)
    report = verified(mixed.recorded, entries, tmp_path / "bundle")
    found = failures(report)
    assert 7 in found, found
    assert any(f.startswith(f"entry {seq}: ") and problem in f for f in found[7]), found[7]
