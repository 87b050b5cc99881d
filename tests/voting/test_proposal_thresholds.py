"""The sponsors a proposal needs, set at meeting creation (``proposal_thresholds``): refused
unless whole numbers ≥ 1 for bill, interpellation, recall or nomination; written into
``meeting_opened``'s settings, applied by the server, and applied again by ``congress verify``
from the bundle alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.note import NoteSigner
from tests.voting.conftest import LOG_KEY, ORIGIN
from tests.voting.encrypted_hall import service_of
from tests.voting.proposal_sitting import draft_and_cosign, send, submit
from tests.voting.sitting import MEETING, TITLE, Staff, bootstrap_admin, pair, roster
from tests.voting.test_proposals_verify import resigned
from voting.cli import main

VKEY = NoteSigner(ORIGIN, LOG_KEY).vkey()


def create(client: TestClient, admin: Staff, settings: dict[str, Any]) -> Any:
    body = {
        "meeting": MEETING,
        "origin": ORIGIN,
        "title": TITLE,
        "date": "2026-03-01",
        "settings": settings,
    }
    return client.post("/api/meetings", json=body, headers=admin.headers)


@pytest.mark.parametrize(
    ("thresholds", "message_en"),
    [
        ({"bill": 0}, "proposal_thresholds: bill must be a whole number of at least 1, not 0"),
        (
            {"recall": 2.5},
            "proposal_thresholds: recall must be a whole number of at least 1, not 2.5",
        ),
        ({"bill": "5"}, 'proposal_thresholds: bill must be a whole number of at least 1, not "5"'),
        (
            {"bill": True},
            "proposal_thresholds: bill must be a whole number of at least 1, not true",
        ),
        (
            {"suggestion": 2},
            'proposal_thresholds: "suggestion" is not one of bill, interpellation, recall, nomination',
        ),
        ([5, 10], "proposal_thresholds must be an object {kind: sponsors}"),
    ],
)
def test_bad_thresholds_are_refused_and_create_nothing(
    client: TestClient, thresholds: Any, message_en: str
) -> None:
    admin = bootstrap_admin(client)
    answer = create(client, admin, {"proposal_thresholds": thresholds})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "invalid-proposal-thresholds",
            "message": "联名人数设置无效：只能设议案、质询案、罢免案、候选人提名，每项为不小于 1 的整数",
            "message_en": message_en,
        },
    )
    assert client.get("/api/meetings", headers=admin.headers).json()["meetings"] == []


def test_a_body_of_three_for_a_bill_is_applied_by_server_and_verifier(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = bootstrap_admin(client)
    answer = create(client, admin, {"proposal_thresholds": {"bill": 3}})
    assert answer.status_code == 200, answer.text
    admin.call("PUT", "/roster", roster(9))
    admin.post("/open")
    tablets = [pair(client, admin, f"d0{i}") for i in range(1, 4)]
    bill = draft_and_cosign(client, MEETING, tablets[0], tablets[1:2])
    refused = submit(client, MEETING, tablets[0], bill, "bill")
    assert (refused["error"], refused["message_en"]) == (
        "too-few-sponsors",
        "2 sponsors, bill needs 3",
    )
    message = tablets[2].proposal_message("proposal_sign", proposal=bill)
    assert send(client, MEETING, tablets[2], message)["type"] == "ack"
    assert submit(client, MEETING, tablets[0], bill, "bill")["type"] == "ack"

    bundle = tmp_path / "bundle"
    service_of(client).log.export(bundle)
    lines = (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries[0]["settings"]["proposal_thresholds"] == {"bill": 3}
    tabled = next(e for e in entries if e["type"] == "proposal_tabled")
    assert (tabled["required"], tabled["sponsors"]) == (3, ["d01", "d02", "d03"])
    assert main(["verify", str(bundle), "--vkey", VKEY, "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "result: every check passed"

    entries[0]["settings"] = {"proposal_thresholds": {"bill": 4}}
    seq = tabled["seq"]
    assert resigned(entries, tmp_path / "raised") == {
        6: [
            f"entry {seq}: states 3 sponsors required of 9 deputies; the log gives 4 of 9",
            f"entry {seq}: bill {bill[:12]}… tabled with 3 verified sponsors' signatures,"
            " 4 required",
        ]
    }
    entries[0]["settings"] = {"proposal_thresholds": {"bill": 0}}
    assert resigned(entries, tmp_path / "zero")[6][0] == (
        "entry 0: setting proposal_thresholds: bill must be a whole number of at least 1, not 0"
    )
