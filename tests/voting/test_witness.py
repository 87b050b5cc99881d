"""Tablets as witnesses of the log (audit-log.md §8): each cosigns every new checkpoint it
proved consistent with the last one it verified; the server keeps the cosignatures with the
checkpoint and the bundle carries them; ``congress verify --witnesses K`` counts them on the
final checkpoint. A modified server that shows two tablets different histories makes both
raise the alarm, which the log, the console and the hall display show."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.testclient import TestClient

from audit.checkpoint import Checkpoint
from audit.cosign import note_signature_lines
from audit.note import NoteSigner
from audit.tablet import sign_tablet_body
from audit.verify import verify_bundle
from devices.tablet import Tablet
from devices.witness import Witness, WitnessError
from tests.voting.conftest import LOG_KEY, ORIGIN
from tests.voting.encrypted_hall import service_of
from tests.voting.forked_log import Fork
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair
from voting.cli import main
from voting.core import views

LOG = NoteSigner(ORIGIN, LOG_KEY).verifier()
VKEY = LOG.vkey()
BASE = f"/api/meetings/{MEETING}/log"
NOW = 1_772_328_600  # 2026-03-01T01:30:00Z, the test clock


class Hall:
    """A meeting with three tablets online, each with its witness state."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.chair: Staff = open_meeting(client, 3)
        self.sessions: dict[str, TabletSession] = {}
        self.witnesses: dict[str, Witness] = {}
        for deputy in ("d01", "d02", "d03"):
            tablet = pair(client, self.chair, deputy)
            self.sessions[deputy] = TabletSession(client, tablet)
            self.witnesses[deputy] = Witness(tablet, LOG)

    def sign_in(self, deputy: str) -> None:
        session = self.sessions[deputy]
        assert session.request(session.tablet.sign_in())["type"] == "ack"

    def checkpoint(self) -> str:
        """The server signs a checkpoint of its whole log (the 60 s rule) and publishes it."""
        service_of(self.client).log.sign_checkpoint()
        response = self.client.get(f"{BASE}/checkpoint")
        assert response.status_code == 200
        return response.text

    def proof(self, sizes: tuple[int, int] | None) -> list[bytes]:
        if sizes is None:
            return []
        response = self.client.get(f"{BASE}/proof/consistency?from={sizes[0]}&to={sizes[1]}")
        assert response.status_code == 200, response.text
        return [base64.b64decode(h) for h in response.json()["proof"]]

    def witness(self, deputy: str, note: str, proof: list[bytes] | None = None) -> Any:
        """The tablet judges ``note`` (with the server's proof, unless one is given) and sends
        what it decided; returns the server's reply, or None when it sent nothing."""
        witness = self.witnesses[deputy]
        if proof is None:
            proof = self.proof(witness.proof_needed(note))
        message = witness.observe(note, proof, now=NOW)
        return None if message is None else self.sessions[deputy].request(message)

    def close(self) -> None:
        for session in self.sessions.values():
            session.close()


@pytest.fixture
def hall(client: TestClient) -> Iterator[Hall]:
    opened = Hall(client)
    yield opened
    opened.close()


def export(client: TestClient, directory: Path) -> Path:
    service_of(client).log.export(directory)
    return directory


def witnessed_twice(hall: Hall) -> tuple[str, str]:
    """Every tablet cosigns a first checkpoint, then a second after two sign-ins."""
    first = hall.checkpoint()
    for deputy in hall.sessions:
        reply = hall.witness(deputy, first)
        assert reply == {"type": "cosign_ack", "id": reply["id"], "size": size_of(first)}
    hall.sign_in("d01")
    hall.sign_in("d02")
    second = hall.checkpoint()
    for deputy in hall.sessions:
        assert hall.witness(deputy, second)["type"] == "cosign_ack"
    return first, second


def size_of(note: str) -> int:
    return Checkpoint.parse(note_signature_lines(note)[0]).size


def test_cosigned_checkpoints_reach_the_bundle_and_the_verifier(hall: Hall, tmp_path: Path) -> None:
    _, second = witnessed_twice(hall)
    bundle = export(hall.client, tmp_path / "bundle")
    final = (bundle / "checkpoints" / f"{size_of(second):010}.txt").read_text(encoding="utf-8")
    _, lines = note_signature_lines(final)
    assert [line.split(" ")[1] for line in lines] == [
        ORIGIN,
        f"{ORIGIN}/tablet/tab-d01",
        f"{ORIGIN}/tablet/tab-d02",
        f"{ORIGIN}/tablet/tab-d03",
    ]
    report = verify_bundle(bundle, vkey=VKEY, witnesses=3)
    assert report.ok, [c.failures for c in report.checks]
    assert report.checks[9].detail == (
        "6 cosignatures by 3 tablets; the final checkpoint has 3 (at least 3 required)"
    )


def test_the_verifier_refuses_a_final_checkpoint_without_enough_witnesses(
    hall: Hall, tmp_path: Path
) -> None:
    witnessed_twice(hall)
    hall.sign_in("d03")
    third = hall.checkpoint()
    assert hall.witness("d01", third)["type"] == "cosign_ack"
    bundle = export(hall.client, tmp_path / "bundle")
    report = verify_bundle(bundle, vkey=VKEY, witnesses=2)
    assert not report.ok
    assert report.checks[9].failures == [
        f"checkpoints/{size_of(third):010}.txt: the final checkpoint carries valid "
        "cosignatures of 1 paired tablets, 2 required (--witnesses)"
    ]
    assert verify_bundle(bundle, vkey=VKEY, witnesses=1).ok
    assert verify_bundle(bundle, vkey=VKEY).ok  # cosignatures checked, none required


def edit_note(bundle: Path, size: int, change: Any) -> None:
    path = bundle / "checkpoints" / f"{size:010}.txt"
    text, lines = note_signature_lines(path.read_text(encoding="utf-8"))
    path.write_text(text + "\n" + "".join(f"{line}\n" for line in change(list(lines))))


def test_the_verifier_refuses_a_forged_cosignature(hall: Hall, tmp_path: Path) -> None:
    _, second = witnessed_twice(hall)
    bundle = export(hall.client, tmp_path / "bundle")

    def forge(lines: list[str]) -> list[str]:
        name, encoded = lines[2][2:].split(" ")
        blob = bytearray(base64.b64decode(encoded))
        blob[-1] ^= 1
        lines[2] = f"— {name} {base64.b64encode(bytes(blob)).decode()}"
        return lines

    edit_note(bundle, size_of(second), forge)
    report = verify_bundle(bundle, vkey=VKEY, witnesses=2)
    assert report.checks[9].failures == [
        f"checkpoints/{size_of(second):010}.txt: tablet tab-d02: cosignature of "
        f"{ORIGIN}/tablet/tab-d02 at time {NOW} does not verify over the checkpoint"
    ]


def test_the_verifier_refuses_a_cosigner_whose_chain_goes_backwards(
    hall: Hall, tmp_path: Path
) -> None:
    first, second = witnessed_twice(hall)
    bundle = export(hall.client, tmp_path / "bundle")
    # d03's cosignature of the first checkpoint replaced by one made later than its second.
    tablet = hall.sessions["d03"].tablet
    text = note_signature_lines(first)[0]
    late = tablet.checkpoint_cosign(text, size_of(first), None, NOW + 60)["body"]["cosignature"]
    edit_note(bundle, size_of(first), lambda lines: [*lines[:3], late])
    report = verify_bundle(bundle, vkey=VKEY, witnesses=3)
    assert report.checks[9].failures == [
        f"tablet tab-d03: cosigned tree size {size_of(second)} "
        f"(checkpoints/{size_of(second):010}.txt) at time {NOW}, then the smaller tree size "
        f"{size_of(first)} (checkpoints/{size_of(first):010}.txt) at time {NOW + 60}: "
        "its chain goes backwards"
    ]


def test_the_server_refuses_bad_cosignatures(client: TestClient) -> None:
    chair = open_meeting(client, 2)
    tablet = pair(client, chair, "d01")
    p256 = Tablet(
        origin=ORIGIN, device="tab-d02", deputy="d02", key=ec.generate_private_key(ec.SECP256R1())
    )
    code = chair.post("/deputies/d02/pairing-code")["code"]
    assert (
        client.post(f"/api/meetings/{MEETING}/pair", json=p256.pair_request(code)).status_code
        == 200
    )
    session, other = TabletSession(client, tablet), TabletSession(client, p256)
    try:
        note = service_of(client).log.sign_checkpoint()
        text = note_signature_lines(note)[0]
        size = size_of(note)
        wrong = tablet.checkpoint_cosign(text.replace(ORIGIN, ORIGIN + "x"), size, None, NOW)
        assert session.request(wrong)["error"] == "bad-cosignature"
        unknown = tablet.checkpoint_cosign(text, size + 5, None, NOW)
        assert session.request(unknown)["error"] == "unknown-checkpoint"
        backwards = tablet.checkpoint_cosign(text, size, size, NOW)
        assert session.request(backwards)["error"] == "unknown-checkpoint"
        refused = other.request(other.tablet.split_view_alarm("", note))
        assert refused["error"] == "invalid-message"
        body = dict(wrong["body"], cosignature="x")
        p256_message = {
            "type": "checkpoint_cosign",
            "body": {**body, "deputy": "d02", "device": "tab-d02", "n": 9},
        }
        p256_message["sig"] = sign_tablet_body(p256.key, p256_message["body"])
        assert other.request(p256_message)["error"] == "cosign-unsupported"
        assert service_of(client).log.cosignatures(size) == []
        good = tablet.checkpoint_cosign(text, size, None, NOW)
        assert session.request(good)["type"] == "cosign_ack"
        assert session.request(tablet.checkpoint_cosign(text, size, None, NOW + 1))["type"] == (
            "cosign_ack"
        )
        # The first cosignature of a device for a checkpoint is kept.
        assert service_of(client).log.cosignatures(size) == [
            ("tab-d01", good["body"]["cosignature"])
        ]
    finally:
        session.close()
        other.close()


def test_a_split_view_makes_both_tablets_raise_the_alarm(hall: Hall, tmp_path: Path) -> None:
    """The modified server forks its log after the first checkpoint: d01 is shown the real
    history, d02 a fork in which d03 signed in and voted; then each is shown the other's."""
    first = hall.checkpoint()
    for deputy in ("d01", "d02"):
        assert hall.witness(deputy, first)["type"] == "cosign_ack"
    log = service_of(hall.client).log
    at = log.size
    hall.sign_in("d01")
    real = hall.checkpoint()
    fork = Fork.of(log, at, [b'{"forged":"d03 signed in"}', b'{"forged":"and voted"}'])
    forked = fork.note()
    assert hall.witness("d01", real)["type"] == "cosign_ack"
    # d02 is shown the fork with the fork's own proof: consistent with what it saw so far (the
    # real server refuses its cosignature of a checkpoint it never signed).
    proof = fork.consistency_proof(size_of(first), fork.tree.size)
    assert hall.witness("d02", forked, proof)["error"] == "unknown-checkpoint"
    assert hall.witnesses["d02"].trusted == forked
    # Each tablet is then shown the other history, with whatever proof the server has for it.
    shown_to = {
        "d01": (forked, fork.consistency_proof(size_of(real), fork.tree.size)),
        "d02": (real, []),
    }
    for deputy, (shown, offered) in shown_to.items():
        witness = hall.witnesses[deputy]
        trusted = witness.trusted
        reply = hall.witness(deputy, shown, offered)
        assert reply["type"] == "ack", reply
        assert witness.stopped and witness.alarm is not None
        assert (witness.alarm.trusted, witness.alarm.shown) == (trusted, shown)
    # Stopped tablets cosign nothing more.
    assert hall.witness("d01", hall.checkpoint()) is None
    assert [alarm["deputy"] for alarm in hall.chair.state()["split_view_alarms"]] == ["d01", "d02"]
    public = views.public_view(service_of(hall.client).state)  # what the hall display shows
    assert [alarm["device"] for alarm in public["split_view_alarms"]] == ["tab-d01", "tab-d02"]
    bundle = export(hall.client, tmp_path / "bundle")
    report = verify_bundle(bundle, vkey=VKEY)
    assert [check.status.value for check in report.checks][8:] == ["passed", "failed"]
    forked_root = Checkpoint.parse(note_signature_lines(forked)[0]).root.hex()
    assert [message.split(" (")[0] for message in report.checks[9].failures] == [
        f"entry {seq}: tablet tab-{deputy} reported a split view, and the log key signed a "
        "checkpoint that is not this log's"
        for seq, deputy in alarm_entries(hall)
    ]
    assert f"tree size {fork.tree.size}, root {forked_root}" in report.checks[9].failures[0]


def alarm_entries(hall: Hall) -> list[tuple[int, str]]:
    log = service_of(hall.client).log
    found = []
    for data in log.entries():
        entry = json.loads(data)
        if entry["type"] == "split_view_alarm":
            found.append((entry["seq"], entry["deputy"]))
    return found


def test_a_note_not_signed_by_the_log_key_changes_nothing(hall: Hall) -> None:
    first = hall.checkpoint()
    assert hall.witness("d01", first)["type"] == "cosign_ack"
    stranger = NoteSigner.generate(ORIGIN)
    forged = stranger.sign(note_signature_lines(first)[0])
    with pytest.raises(WitnessError, match="not a checkpoint signed by the log key"):
        hall.witnesses["d01"].observe(forged, [], now=NOW)
    assert hall.witnesses["d01"].trusted == first
    assert not hall.witnesses["d01"].stopped


def test_the_cli_requires_the_witnesses_asked_for(
    hall: Hall, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, second = witnessed_twice(hall)
    bundle = str(export(hall.client, tmp_path / "bundle"))
    assert main(["verify", bundle, "--vkey", VKEY, "--witnesses", "3", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "[9] ✓ tablets as witnesses: checkpoint cosignatures",
        "    6 cosignatures by 3 tablets; the final checkpoint has 3 (at least 3 required)",
        "result: every check passed",
    ]
    assert main(["verify", bundle, "--vkey", VKEY, "--witnesses", "4", "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "[9] ✗ tablets as witnesses: checkpoint cosignatures",
        f"    checkpoints/{size_of(second):010}.txt: the final checkpoint carries valid "
        "cosignatures of 3 paired tablets, 4 required (--witnesses)",
        "result: verification failed at check 9",
    ]
    with pytest.raises(SystemExit) as usage:
        main(["verify", bundle, "--witnesses", "0"])
    assert usage.value.code == 2
    assert "'0' is not a number of tablets (1 or more)" in capsys.readouterr().err
