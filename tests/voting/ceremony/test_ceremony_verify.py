"""The verifier recomputes the key ceremony from the exported log: a sitting with a failed run,
a completed one and a liveness answer verifies; each tampering fails check 8 naming its entry.

The tampered bundles are re-signed with the log key (as a server operator could), so that
checks 1 to 7 pass and only the ceremony's own check can catch them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.bundle import write_bundle
from audit.canonical import canonical_bytes
from audit.ceremony_messages import b64url, unb64url
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from audit.tablet import sign_tablet_body
from audit.verify import Status, verify_bundle
from devices.scrutineer.simulated import run_until_settled
from devices.scrutineer.station import Station
from tests.voting.ceremony.sitting import paired_stations, sitting_with_scrutineers
from tests.voting.conftest import LOG_KEY, ORIGIN, Server
from tests.voting.sitting import MEETING

Entries = list[dict[str, Any]]


@pytest.fixture(scope="module")
def sitting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Entries, dict[str, Station]]:
    """The exported entries of a sitting: run key-1 failed (d02 cheated), key-2 completed,
    a liveness challenge for p9 answered by scrutineers 1 and 3."""

    server = Server(
        tmp_path_factory.mktemp("ceremony") / "congress.sqlite",
        __import__("tests.voting.conftest", fromlist=["Clock"]).Clock(),
    )
    with server.client() as client:
        chair = sitting_with_scrutineers(client)
        stations = paired_stations(client, chair, cheat=(3, "key-1"), cheater="d02")
        chair.post("/ceremony/start", {})
        assert run_until_settled(stations) == "failed"
        chair.post("/ceremony/start", {})
        assert run_until_settled(stations) == "complete"
        chair.post("/liveness/challenge", {"poll": "p9"})
        for station in (stations[0], stations[2]):
            station.step()
        bundle = tmp_path_factory.mktemp("bundle") / "bundle"
        service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
        service.log.export(bundle)
    lines = (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], {s.state.deputy: s for s in stations}


def rebundle(entries: Entries, directory: Path) -> Path:
    """A bundle of ``entries`` with one checkpoint signed by the log key."""
    signer = NoteSigner(ORIGIN, LOG_KEY)
    tree = MerkleTree()
    data = [canonical_bytes(entry) for entry in entries]
    for item in data:
        tree.append(leaf_hash(item))
    note = sign_checkpoint(Checkpoint(ORIGIN, len(data), tree.root(len(data))), signer)
    write_bundle(directory, vkey=signer.vkey(), entries=data, checkpoints=[(len(data), note)])
    return directory


def test_the_sittings_log_verifies(sitting: tuple[Entries, Any], tmp_path: Path) -> None:
    entries, _ = sitting
    types = [e["type"] for e in entries]
    assert types.count("ceremony_started") == 2
    assert types.count("ceremony_fault") == 1
    assert types.count("key_completed") == 1
    assert types.count("liveness") == 2
    report = verify_bundle(
        rebundle(entries, tmp_path / "b"), vkey=NoteSigner(ORIGIN, LOG_KEY).vkey()
    )
    assert report.ok, report


def first(entries: Entries, entry_type: str, **fields: Any) -> int:
    return next(
        i
        for i, e in enumerate(entries)
        if e["type"] == entry_type and all(e.get(k) == v for k, v in fields.items())
    )


def resign(entry: dict[str, Any], station: Station, **changes: Any) -> None:
    """Change the entry and its station body alike, and sign the body again."""
    for name, value in changes.items():
        entry[name] = value
        entry["station_body"][name] = value
    entry["sig"] = sign_tablet_body(station.state.private_key(), entry["station_body"])


def flip(text: str) -> str:
    data = bytearray(unb64url(text, "test"))
    data[-1] ^= 1
    return b64url(bytes(data))


def other_key(entries: Entries, stations: dict[str, Station]) -> str:
    keys = next(e for e in entries if e["type"] == "key_completed")["verification_keys"]
    return str(keys["2"])


def tamper_key(entries: Entries, stations: dict[str, Station]) -> tuple[int, str]:
    at = first(entries, "key_completed")
    entries[at]["public_key"] = other_key(entries, stations)
    return at, "key_completed public_key is"


def tamper_message(entries: Entries, stations: dict[str, Station]) -> tuple[int, str]:
    at = first(entries, "ceremony_message", ceremony="key-2", kind="verification-key", index=1)
    resign(entries[at], stations["d01"], message=flip(entries[at]["message"]))
    return at, "the message shows a fault of scrutineer 1 (bad-proof"


def drop_fault(entries: Entries, stations: dict[str, Station]) -> tuple[int, str]:
    at = first(entries, "ceremony_fault")
    entries[at] = dict(entries[at], reason="dealt a share late")
    return at, "ceremony_fault records"


def unsigned_message(entries: Entries, stations: dict[str, Station]) -> tuple[int, str]:
    at = first(entries, "ceremony_message", ceremony="key-2", kind="acceptance", index=2)
    entries[at]["sig"] = sign_tablet_body(
        stations["d03"].state.private_key(), entries[at]["station_body"]
    )
    return at, "signature does not verify under station"


def forged_liveness(entries: Entries, stations: dict[str, Station]) -> tuple[int, str]:
    at = first(entries, "liveness", index=3)
    resign(entries[at], stations["d03"], proof=flip(entries[at]["proof"]))
    return at, "the liveness proof does not verify"


TAMPERINGS: dict[str, Callable[[Entries, dict[str, Station]], tuple[int, str]]] = {
    "key-not-the-ceremonys": tamper_key,
    "message-changed-and-resigned": tamper_message,
    "fault-rewritten": drop_fault,
    "message-signed-by-another-station": unsigned_message,
    "liveness-proof-forged": forged_liveness,
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_a_tampered_ceremony_fails_check_8_naming_the_entry(
    sitting: tuple[Entries, dict[str, Station]], tmp_path: Path, name: str
) -> None:
    entries = json.loads(json.dumps(sitting[0]))
    at, message = TAMPERINGS[name](entries, sitting[1])
    report = verify_bundle(
        rebundle(entries, tmp_path / "b"), vkey=NoteSigner(ORIGIN, LOG_KEY).vkey()
    )
    check = report.checks[8]
    assert [c.status for c in report.checks[:8]] == [Status.PASSED] * 8
    assert check.status is Status.FAILED
    assert any(f.startswith(f"entry {at}: {message}") for f in check.failures), check.failures
