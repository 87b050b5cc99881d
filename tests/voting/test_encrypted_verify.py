"""The verifier re-checks an encrypted poll from the log alone, and names the entry at fault.

A sitting's bundle is exported by the server, then one entry is forged and the log re-signed
with the log key (as a server that lies would do): a forged proof, a motion's packed X outside
{0, 1, B} (proven by a dishonest prover, signed by the deputy's tablet), a point with bit 255
set, an aggregate that omits a ballot, a wrong decryption share, two share sets from one
scrutineer and a reused first component must each fail check 7 naming that entry; a result that is not the
count of the decrypted totals fails check 8. A deputy's tracking code finds their ballot in the
bundle, proves it included under the newest checkpoint and says whether it was counted.
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

from audit.canonical import canonical_bytes
from audit.merkle import MerkleTree
from audit.note import NoteSigner
from audit.tablet import sign_tablet_body
from audit.verify import Report, TrackingResult, verify_bundle
from ballots.crypto.ballot import BallotContext
from ballots.crypto.elgamal import encrypt
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json, tracking_code
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import Choice
from devices.tablet import Tablet, ballot_shape
from tests.audit.meeting_builder import MeetingBuilder
from tests.ballots.crypto.dishonest import forge
from tests.voting.conftest import LOG_KEY, ORIGIN
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    complete_key,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import TabletSession, open_meeting, pair
from voting.cli import main

Entries = list[dict[str, Any]]

#: The log key the bundles are re-signed with, as the minutes print it.
VKEY = NoteSigner(ORIGIN, LOG_KEY).vkey()


@dataclass
class Recorded:
    """An exported sitting: its entries, checkpoint sizes, tablets and scrutineers."""

    entries: Entries
    sizes: list[int]
    tablets: dict[str, Tablet]
    scrutineers: Scrutineers
    encryption: dict[str, Any]


@pytest.fixture
def recorded(client: TestClient, tmp_path: Path) -> Recorded:
    """An encrypted motion: d01 for, d02 against, d03 for then against (policy last)."""
    chair = open_meeting(client, 4)
    agenda = [{"item": "a", "title": "议案", "kind": "motion"}, SCRUTINEERS_ITEM]
    chair.call("PUT", "/agenda", {"items": agenda})
    sessions = [TabletSession(client, pair(client, chair, f"d0{i}")) for i in (1, 2, 3)]
    for s in sessions:
        s.request(s.tablet.sign_in())
    scrutineers = complete_key(client, chair)
    poll = open_encrypted(chair, scrutineers, "a", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    votes = [
        (0, "for", "seed-1"),
        (1, "against", "seed-2"),
        (2, "for", "seed-3"),
        (2, "against", "seed-4"),
    ]
    for index, stance, seed in votes:
        s = sessions[index]
        message = s.tablet.encrypted_ballot(
            poll, encryption, Choice.stances([stance]), random=DeterministicRandom(seed.encode())
        )
        assert s.request(message)["type"] == "ballot_ack"
    for s in sessions:
        s.close()
    chair.post(f"/polls/{poll}/close")
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    service = service_of(client)
    service.log.export(tmp_path / "exported")
    lines = (tmp_path / "exported" / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    sizes = sorted(int(p.stem) for p in (tmp_path / "exported" / "checkpoints").iterdir())
    tablets = {s.tablet.deputy: s.tablet for s in sessions}
    return Recorded([json.loads(line) for line in lines], sizes, tablets, scrutineers, encryption)


def verified(recorded: Recorded, entries: Entries, directory: Path) -> Report:
    """Re-sign ``entries`` with the log key at the same checkpoint sizes, and verify."""
    builder = MeetingBuilder(origin=ORIGIN)
    builder.log_signer = NoteSigner(ORIGIN, LOG_KEY)
    for entry in entries:
        builder.append_bytes(canonical_bytes(entry))
        if len(builder.entries) in recorded.sizes:
            builder.checkpoint()
    builder.write(directory)
    return verify_bundle(directory, vkey=builder.vkey)


def failures(report: Report) -> dict[int, list[str]]:
    return {c.number: c.failures for c in report.checks if c.failures}


def one(entries: Entries, kind: str, **match: Any) -> dict[str, Any]:
    found = [e for e in entries if e["type"] == kind and all(e[k] == v for k, v in match.items())]
    assert len(found) >= 1, (kind, match)
    return found[0]


def resigned_ballot(
    recorded: Recorded, entry: dict[str, Any], ballot: dict[str, Any], digest: str
) -> None:
    """Put ``ballot`` into ``entry`` with a body naming ``digest``, signed by the deputy's tablet."""
    tablet = recorded.tablets[entry["deputy"]]
    entry["ballot"] = ballot
    entry["body"] = dict(entry["body"], ballot_hash=digest)
    entry["sig"] = sign_tablet_body(tablet.key, entry["body"])


def forged_proof(recorded: Recorded, entries: Entries) -> int:
    entry = one(entries, "encrypted_ballot", deputy="d01")
    ballot = json.loads(json.dumps(entry["ballot"]))
    challenges = ballot["proofs"][0]["challenges"]
    challenges[0], challenges[1] = challenges[1], challenges[0]
    data = ballot_bytes(ballot_from_json(ballot_shape(recorded.encryption), ballot))
    resigned_ballot(recorded, entry, ballot, hashlib.sha256(data).hexdigest())
    return int(entry["seq"])


def packed_out_of_range(recorded: Recorded, entries: Entries) -> int:
    """d01's ballot replaced by one encrypting X = 2 (two 赞成 in one packed ciphertext),
    proven by a dishonest prover and signed by d01's tablet."""
    entry = one(entries, "encrypted_ballot", deputy="d01")
    tablet = recorded.tablets["d01"]
    shape = ballot_shape(recorded.encryption)
    context = BallotContext(
        poll=Scalar.decode(bytes.fromhex(recorded.encryption["poll_context"]), "poll_context"),
        deputy_id="d01",
        device_key=base64.b64decode(tablet.public_key),
        key=Point.decode(bytes.fromhex(recorded.encryption["key"]), "key"),
    )
    r = Scalar.of(4242)
    forged = forge(shape, [encrypt(2, r, context.key)], [2], [Point.identity()], [r], context)
    digest = hashlib.sha256(ballot_bytes(forged)).hexdigest()
    resigned_ballot(recorded, entry, ballot_to_json(forged), digest)
    return int(entry["seq"])


def reused_component(recorded: Recorded, entries: Entries) -> int:
    """d02's ballot made with d01's randomness: valid proofs, the same first components."""
    entry = one(entries, "encrypted_ballot", deputy="d02")
    tablet = recorded.tablets["d02"]
    message = tablet.encrypted_ballot(
        entry["poll"],
        recorded.encryption,
        Choice.stances(["against"]),
        random=DeterministicRandom(b"seed-1"),
    )
    resigned_ballot(recorded, entry, message["ballot"], message["body"]["ballot_hash"])
    return int(entry["seq"])


def high_bit_point(recorded: Recorded, entries: Entries) -> int:
    """The first component of d01's first ciphertext with bit 255 set: not a canonical point
    encoding, whatever the rest of the ballot (the signed body is left as it was)."""
    entry = one(entries, "encrypted_ballot", deputy="d01")
    text = entry["ballot"]["ciphertexts"][0][0]
    data = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    data[31] |= 0x80
    entry["ballot"]["ciphertexts"][0][0] = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    return int(entry["seq"])


def omitted_ballot(recorded: Recorded, entries: Entries) -> int:
    entry = one(entries, "aggregate")
    entry["counted"] = entry["counted"][1:]
    return int(entry["seq"])


def wrong_share(recorded: Recorded, entries: Entries) -> int:
    entry = one(entries, "decryption_shares", scrutineer=2)
    aggregate = one(entries, "aggregate")
    entry["shares"] = recorded.scrutineers.share_set(
        2, aggregate, entry["checkpoint"], secret=Scalar.of(424242)
    )
    return int(entry["seq"])


def second_share_set(recorded: Recorded, entries: Entries) -> int:
    """Scrutineer 1's share set posted again in place of scrutineer 2's: valid proofs, one
    scrutineer twice."""
    first = one(entries, "decryption_shares", scrutineer=1)
    entry = one(entries, "decryption_shares", scrutineer=2)
    entry.update({k: v for k, v in first.items() if k not in ("seq", "at")})
    return int(entry["seq"])


def unsigned_checkpoint(recorded: Recorded, entries: Entries) -> int:
    """Shares (with valid proofs) over a checkpoint text the log never signed."""
    entry = one(entries, "decryption_shares", scrutineer=2)
    origin, size, _, _ = entry["checkpoint"].split("\n")
    entry["checkpoint"] = f"{origin}\n{size}\n{'A' * 43}=\n"
    aggregate = one(entries, "aggregate")
    entry["shares"] = recorded.scrutineers.share_set(2, aggregate, entry["checkpoint"])
    return int(entry["seq"])


def wrong_totals(recorded: Recorded, entries: Entries) -> int:
    entry = one(entries, "decrypted_totals")
    entry["totals"] = [entry["totals"][1], entry["totals"][0]]
    return int(entry["seq"])


TAMPERING: list[tuple[Callable[[Recorded, Entries], int], str]] = [
    (forged_proof, "encrypted ballot refused (bad-proof)"),
    (
        packed_out_of_range,
        "encrypted ballot refused (bad-proof): ballot.proofs[0] (IN(stance, {0,1,5})): "
        "the challenges do not sum to the hash of the proof",
    ),
    (
        high_bit_point,
        "encrypted ballot refused (bad-point): ballot.ciphertexts[0].a (stance): "
        "point has bit 255 set",
    ),
    (reused_component, "encrypted ballot refused (reused-component)"),
    (omitted_ballot, "are not the ballots that count"),
    (wrong_share, "decryption share refused (bad-proof)"),
    (second_share_set, "scrutineer 1 is not in the key or posted shares twice"),
    (unsigned_checkpoint, "a checkpoint the log never signed"),
    (wrong_totals, "are not the decryption of its aggregate"),
]


def test_the_exported_sitting_verifies(recorded: Recorded, tmp_path: Path) -> None:
    report = verified(recorded, recorded.entries, tmp_path / "bundle")
    assert failures(report) == {}
    assert report.ok
    assert "4 encrypted ballots" in report.checks[6].detail


@pytest.mark.parametrize(("tamper", "problem"), TAMPERING, ids=[t.__name__ for t, _ in TAMPERING])
def test_a_forged_entry_fails_check_7_naming_it(
    recorded: Recorded, tmp_path: Path, tamper: Callable[[Recorded, Entries], int], problem: str
) -> None:
    entries = json.loads(json.dumps(recorded.entries))
    seq = tamper(recorded, entries)
    report = verified(recorded, entries, tmp_path / "bundle")
    assert not report.ok
    found = failures(report)
    assert list(found) == [7], found
    assert any(f.startswith(f"entry {seq}: ") and problem in f for f in found[7]), found[7]


def test_a_result_that_is_not_the_count_of_the_totals_fails_check_8(
    recorded: Recorded, tmp_path: Path
) -> None:
    entries = json.loads(json.dumps(recorded.entries))
    result = one(entries, "result", poll="p2")
    result["result"]["counts"]["for"] += 1
    report = verified(recorded, entries, tmp_path / "bundle")
    assert list(failures(report)) == [8]
    assert failures(report)[8][0].startswith(f"entry {result['seq']}: result of poll p2 differs")


# A deputy's own ballot, by tracking code ----------------------------------------------------------


def code_of(recorded: Recorded, entry: dict[str, Any]) -> str:
    """The tracking code of an entry's ballot, as the tablet computes it from the ballot."""
    return tracking_code(ballot_from_json(ballot_shape(recorded.encryption), entry["ballot"]))


def newest_checkpoint(recorded: Recorded) -> str:
    return f"checkpoints/{max(recorded.sizes):010d}.txt"


def test_a_tracking_code_finds_the_ballot_and_proves_it_counted(
    recorded: Recorded, tmp_path: Path
) -> None:
    verified(recorded, recorded.entries, tmp_path / "bundle")
    code = recorded.tablets["d01"].encrypted["p2"].tracking_code
    report = verify_bundle(tmp_path / "bundle", vkey=VKEY, tracking_code=code.lower())
    assert report.ok
    seq = one(recorded.entries, "encrypted_ballot", deputy="d01")["seq"]
    assert report.tracking == TrackingResult(
        code,
        ok=True,
        seq=seq,
        poll="p2",
        deputy="d01",
        counted=True,
        checkpoint=newest_checkpoint(recorded),
    )


def test_a_replaced_ballot_is_found_but_not_counted(recorded: Recorded, tmp_path: Path) -> None:
    """Under change policy last d03's second ballot counts: the first is in the log, uncounted."""
    verified(recorded, recorded.entries, tmp_path / "bundle")
    first = one(recorded.entries, "encrypted_ballot", deputy="d03")
    report = verify_bundle(tmp_path / "bundle", vkey=VKEY, tracking_code=code_of(recorded, first))
    assert report.ok
    assert report.tracking is not None
    assert (report.tracking.seq, report.tracking.counted) == (first["seq"], False)


def test_a_tracking_code_is_not_looked_up_when_check_7_fails(
    recorded: Recorded, tmp_path: Path
) -> None:
    entries = json.loads(json.dumps(recorded.entries))
    forged_proof(recorded, entries)
    code = code_of(recorded, one(entries, "encrypted_ballot", deputy="d02"))
    verified(recorded, entries, tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=VKEY, tracking_code=code)
    assert report.tracking == TrackingResult(
        code,
        ok=False,
        failure="not checked: the bundle failed a check that the look-up depends on",
    )


def test_the_inclusion_proof_is_checked_against_the_newest_checkpoint(
    recorded: Recorded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proof that does not lead to the signed root is reported, not trusted."""
    real = MerkleTree.inclusion_proof

    def corrupted(self: MerkleTree, index: int, size: int) -> list[bytes]:
        return [bytes(32), *real(self, index, size)[1:]]

    verified(recorded, recorded.entries, tmp_path / "bundle")
    monkeypatch.setattr(MerkleTree, "inclusion_proof", corrupted)
    code = recorded.tablets["d02"].encrypted["p2"].tracking_code
    report = verify_bundle(tmp_path / "bundle", vkey=VKEY, tracking_code=code)
    assert report.tracking is not None and not report.tracking.ok
    assert report.tracking.failure is not None
    assert report.tracking.failure.startswith(f"entry {report.tracking.seq}: inclusion proof")


def test_cli_tracking_code(
    recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verified(recorded, recorded.entries, tmp_path / "bundle")
    code = recorded.tablets["d01"].encrypted["p2"].tracking_code
    seq = one(recorded.entries, "encrypted_ballot", deputy="d01")["seq"]
    bundle = str(tmp_path / "bundle")
    status = main(["verify", bundle, "--vkey", VKEY, "--tracking-code", code, "--lang", "en"])
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        f"[T] ✓ tracking code {code}",
        f"    poll p2, deputy d01, entry {seq}, counted, included in {newest_checkpoint(recorded)}",
        "result: every check passed",
    ]
