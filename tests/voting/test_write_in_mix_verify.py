"""The verifier re-checks the write-in mix from the log alone and names the entry at fault.

An encrypted election with write-ins is mixed and decrypted by two stations; then one entry is
forged (re-signed by the station's key where it carries a station body, as a station that lies
would do) and the log re-signed: a shuffle with swapped outputs, a shuffle that drops a vector,
a wrong write-in decryption share and miscounted write-ins each fail check 7 naming that entry.
So do ballots from a dishonest tablet (its proofs made by a prover that claims the nearest
allowed value, re-signed with the deputy's tablet key): more 赞成 than seats, a write-in
without a 反对 mark, and another deputy's name ciphertext copied or re-randomised into a slot.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.mix import write_in_context
from audit.tablet import sign_tablet_body
from ballots.crypto.ballot import BallotContext
from ballots.crypto.elgamal import Ciphertext, encrypt, encrypt_point, reencrypt
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json
from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import encode_name
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_from_bytes
from ballots.crypto.shuffle.mix import shuffle
from ballots.crypto.threshold.decryption import make_decryption_share
from devices.scrutineer.mix import MixBoard, mix_step
from devices.scrutineer.station import Station
from devices.tablet import ballot_shape
from tests.ballots.crypto.dishonest import forge
from tests.voting.crypto_sitting import b64url, unb64url
from tests.voting.encrypted_hall import (
    cast,
    key_and_stations,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import MEETING, TabletSession, open_meeting, pair
from tests.voting.test_encrypted_verify import (
    Recorded,
    failures,
    one,
    resigned_ballot,
    verified,
)
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


#: The election's layout: per candidate 赞成 F and 反对 A (0–5), then two write-in slots, each
#: a flag U and two name points (6, 7–8 and 9, 10–11).
SLOT_FLAG, SLOT_NAMES = 6, (7, 8)


def dishonest_ballot(
    mixed: Mixed,
    entries: Entries,
    numbers: list[int],
    names: dict[int, Ciphertext | Point] | None = None,
) -> int:
    """Replace d02's ballot with ``numbers`` encrypted and proved by a dishonest prover; a
    name point of ``names`` is encrypted, a ciphertext put in as it is. Re-signed by d02's
    tablet with the new ballot's SHA-256."""
    recorded = mixed.recorded
    entry = one(entries, "encrypted_ballot", deputy="d02")
    tablet = recorded.tablets["d02"]
    encryption = recorded.encryption
    key = Point.decode(bytes.fromhex(encryption["key"]), "key")
    context = BallotContext(
        poll=Scalar.decode(bytes.fromhex(encryption["poll_context"]), "poll_context"),
        deputy_id="d02",
        device_key=base64.b64decode(tablet.public_key),
        key=key,
    )
    randomness = [Scalar.of(900 + i) for i in range(len(numbers))]
    ciphertexts = [encrypt(m, r, key) for m, r in zip(numbers, randomness, strict=True)]
    points = [Point.identity()] * len(numbers)
    for position, name in (names or {}).items():
        if isinstance(name, Point):
            ciphertexts[position] = encrypt_point(name, randomness[position], key)
            points[position] = name
        else:
            ciphertexts[position] = name
    ballot = forge(ballot_shape(encryption), ciphertexts, numbers, points, randomness, context)
    digest = hashlib.sha256(ballot_bytes(ballot)).hexdigest()
    resigned_ballot(recorded, entry, ballot_to_json(ballot), digest)
    return int(entry["seq"])


def over_the_seat_limit(mixed: Mixed, entries: Entries) -> int:
    """Three 赞成 for two seats."""
    return dishonest_ballot(mixed, entries, [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])


def write_in_without_against(mixed: Mixed, entries: Entries) -> int:
    """A written name, and no 反对 mark for it to replace."""
    numbers = [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    name = encode_name("李四", 2)
    return dishonest_ballot(mixed, entries, numbers, dict(zip(SLOT_NAMES, name, strict=True)))


def victim_names(mixed: Mixed, entries: Entries) -> list[Ciphertext]:
    """The name ciphertexts of d01's first write-in slot (赵六)."""
    victim = one(entries, "encrypted_ballot", deputy="d01")
    ballot = ballot_from_json(ballot_shape(mixed.recorded.encryption), victim["ballot"])
    return [ballot.ciphertexts[position] for position in SLOT_NAMES]


def copied_name(mixed: Mixed, entries: Entries) -> int:
    """d01's written name copied into d02's ballot, to trace it through the mix."""
    numbers = [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    copied = victim_names(mixed, entries)
    return dishonest_ballot(mixed, entries, numbers, dict(zip(SLOT_NAMES, copied, strict=True)))


def re_randomised_name(mixed: Mixed, entries: Entries) -> int:
    """d01's written name re-randomised into d02's ballot: new first components, same name."""
    numbers = [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    key = Point.decode(bytes.fromhex(mixed.recorded.encryption["key"]), "key")
    names = [
        reencrypt(c, Scalar.of(70 + i), key) for i, c in enumerate(victim_names(mixed, entries))
    ]
    return dishonest_ballot(mixed, entries, numbers, dict(zip(SLOT_NAMES, names, strict=True)))


_HASH_MISMATCH = "the challenges do not sum to the hash of the proof"

TAMPERING: list[tuple[Callable[[Mixed, Entries], int], str]] = [
    (swapped_outputs, "shuffle refused (shuffle-proof)"),
    (dropped_vector, "shuffle refused (shuffle-layout)"),
    (wrong_share, "write-in share refused (bad-proof)"),
    (miscounted, "are not the decrypted names"),
    (
        over_the_seat_limit,
        "encrypted ballot refused (bad-proof): ballot.proofs[12] "
        f"(IN(Σ for + Σ write-ins, {{0..2}})): {_HASH_MISMATCH}",
    ),
    (
        write_in_without_against,
        "encrypted ballot refused (bad-proof): ballot.proofs[11] "
        f"(IN(Σ against − Σ write-ins, {{0..3}})): {_HASH_MISMATCH}",
    ),
    (
        copied_name,
        "encrypted ballot refused (bad-proof): ballot.proofs[9] "
        f"(write_ins[0] blank or written): {_HASH_MISMATCH}",
    ),
    (
        re_randomised_name,
        "encrypted ballot refused (bad-proof): ballot.proofs[9] "
        f"(write_ins[0] blank or written): {_HASH_MISMATCH}",
    ),
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
    assert list(found) == [7], found
    assert any(f.startswith(f"entry {seq}: ") and problem in f for f in found[7]), found[7]
