"""A co-signed bill through the server and again through ``congress verify``, from the bundle
alone: with four sponsors it is refused, with five tabled; a bundle re-signed by the log key
whose tabled entry lost a co-signature, or carries a forged one, fails check 6 naming the entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.canonical import canonical_bytes
from audit.note import NoteSigner
from audit.verify import verify_bundle
from tests.audit.meeting_builder import MeetingBuilder
from tests.voting.conftest import LOG_KEY, ORIGIN
from tests.voting.encrypted_hall import service_of
from tests.voting.proposal_sitting import draft_and_cosign, send, submit
from tests.voting.sitting import MEETING, open_meeting, pair
from voting.cli import main

VKEY = NoteSigner(ORIGIN, LOG_KEY).vkey()
Entries = list[dict[str, Any]]


@pytest.fixture
def exported(client: TestClient, tmp_path: Path) -> tuple[Path, Entries]:
    """Nine deputies; d01 drafts a bill, d02–d04 co-sign, the submission is refused; d05
    co-signs and it is tabled. Returns the exported bundle and its entries."""
    chair = open_meeting(client, 9)
    tablets = [pair(client, chair, f"d0{i}") for i in range(1, 10)]
    bill = draft_and_cosign(client, MEETING, tablets[0], tablets[1:4])
    refused = submit(client, MEETING, tablets[0], bill, "bill")
    assert (refused["type"], refused["error"]) == ("error", "too-few-sponsors")
    assert refused["message_en"] == "4 sponsors, bill needs 5"
    message = tablets[4].proposal_message("proposal_sign", proposal=bill)
    assert send(client, MEETING, tablets[4], message)["type"] == "ack"
    assert submit(client, MEETING, tablets[0], bill, "bill")["type"] == "ack"
    listed = chair.call("GET", "/proposals")["proposals"]
    assert [(p["status"], p["sponsors"]) for p in listed] == [
        ("tabled", ["d01", "d02", "d03", "d04", "d05"])
    ]
    chair.post(
        f"/proposals/{bill}/decision",
        {"decision": "suggestion", "reference": "主席团第二次会议决定"},
    )
    answer = {"unit": "镇交通办", "deadline": "2026-06-30", "answer": "已列入年度计划。"}
    chair.post(f"/proposals/{bill}/answer", answer)
    rate = tablets[0].proposal_message("suggestion_rate", proposal=bill, rating="satisfied")
    assert send(client, MEETING, tablets[0], rate)["type"] == "ack"
    bundle = tmp_path / "bundle"
    service_of(client).log.export(bundle)
    lines = (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    return bundle, [json.loads(line) for line in lines]


def test_the_tabled_bill_verifies_from_the_bundle_alone(
    exported: tuple[Path, Entries], capsys: pytest.CaptureFixture[str]
) -> None:
    bundle, entries = exported
    assert [e["type"] for e in entries if e["type"].startswith("proposal")] == [
        "proposal_drafted",
        *["proposal_signed"] * 4,
        "proposal_tabled",
        "proposal_decided",
    ]
    assert [e["type"] for e in entries if e["type"].startswith("suggestion")] == [
        "suggestion_answered",
        "suggestion_rated",
    ]
    assert main(["verify", str(bundle), "--vkey", VKEY, "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "result: every check passed"


def resigned(entries: Entries, directory: Path) -> dict[int, list[str]]:
    """Re-sign ``entries`` with the log key (one checkpoint at the end), verify, and return the
    failures by check number."""
    builder = MeetingBuilder(origin=ORIGIN)
    builder.log_signer = NoteSigner(ORIGIN, LOG_KEY)
    for entry in entries:
        builder.append_bytes(canonical_bytes(entry))
    builder.checkpoint()
    builder.write(directory)
    report = verify_bundle(directory, vkey=builder.vkey)
    return {c.number: c.failures for c in report.checks if c.failures}


def test_a_rating_before_the_answer_fails_naming_the_entry(
    exported: tuple[Path, Entries], tmp_path: Path
) -> None:
    _, entries = exported
    answered = next(e for e in entries if e["type"] == "suggestion_answered")
    rated = next(e for e in entries if e["type"] == "suggestion_rated")
    answered["seq"], rated["seq"] = rated["seq"], answered["seq"]
    entries.sort(key=lambda e: e["seq"])
    assert resigned(entries, tmp_path / "reordered") == {
        6: [
            f"entry {rated['seq']}: suggestion_rated for proposal {rated['proposal']}, which is"
            " suggestion, not answered",
        ]
    }


def tabled(entries: Entries) -> dict[str, Any]:
    return next(e for e in entries if e["type"] == "proposal_tabled")


def test_a_removed_co_signature_fails_naming_the_entry(
    exported: tuple[Path, Entries], tmp_path: Path
) -> None:
    _, entries = exported
    entry = tabled(entries)
    del entry["signatures"][4]
    seq = entry["seq"]
    assert resigned(entries, tmp_path / "removed") == {
        6: [
            f"entry {seq}: sponsors"
            ' ["d01","d02","d03","d04","d05"] are not the deputies whose signatures verify'
            ' (["d01","d02","d03","d04"])',
            f"entry {seq}: bill {entry['proposal'][:12]}… tabled with 4 verified sponsors'"
            " signatures, 5 required",
        ]
    }


def test_a_forged_co_signature_fails_naming_the_entry(
    exported: tuple[Path, Entries], tmp_path: Path
) -> None:
    _, entries = exported
    entry = tabled(entries)
    entry["signatures"][2]["sig"] = entry["signatures"][1]["sig"]
    entry["sponsors"].remove("d03")
    seq = entry["seq"]
    assert resigned(entries, tmp_path / "forged") == {
        6: [
            f"entry {seq}: signatures[2] does not verify under device tab-d03"
            " (ed25519 signature does not verify)",
            f"entry {seq}: bill {entry['proposal'][:12]}… tabled with 4 verified sponsors'"
            " signatures, 5 required",
        ]
    }
