"""Bulk 补签: ``POST /api/meetings/{meeting}/attendance/sign-in`` signs several deputies in, in
one transaction, by the rules of the single-seat call; one refusal refuses all."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, Staff, open_meeting

PATH = f"/api/meetings/{MEETING}/attendance/sign-in"


def sign_in(staff: Staff, deputies: list[str]) -> Any:
    return staff.client.post(PATH, json={"deputies": deputies}, headers=staff.headers)


def log_entries(client: TestClient) -> list[dict[str, Any]]:
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    return [json.loads(e) for e in service.log.entries()]


def test_an_operator_signs_several_deputies_in_at_once(client: TestClient) -> None:
    admin = open_meeting(client, 5)
    admin.client.post(
        "/api/accounts",
        json={
            "username": "op",
            "role": "operator",
            "password": "op-password-1",
            "meetings": ["m1"],
        },
        headers=admin.headers,
    )
    operator = Staff.login(client, "op", "op-password-1")
    size = digest(client).log_size
    response = sign_in(operator, ["d03", "d01", "d02"])
    assert response.status_code == 200, response.text
    assert response.json() == {"seq": [size, size + 1, size + 2]}
    written = log_entries(client)[size:]
    assert [(e["type"], e["deputy"], e["method"], e["by"]) for e in written] == [
        ("signed_in", "d03", "operator", "op"),
        ("signed_in", "d01", "operator", "op"),
        ("signed_in", "d02", "operator", "op"),
    ]
    state = admin.state()
    assert state["attendance"]["present"] == 3
    assert [r["signed_in"] for r in state["roster"]] == [True, True, True, False, False]


@pytest.mark.parametrize(
    ("deputies", "status", "expected"),
    [
        (
            ["d03", "d01", "d04"],
            409,
            {
                "error": "already-signed-in",
                "message": "代表 d01：该代表已签到",
                "message_en": "deputy d01: deputy d01 is already signed in",
                "details": {"deputy": "d01"},
            },
        ),
        (
            ["d03", "d09", "d04"],
            404,
            {
                "error": "unknown-deputy",
                "message": "代表 d09：代表 d09 不在名册中",
                "message_en": "deputy d09: no deputy d09",
                "details": {"deputy": "d09"},
            },
        ),
        (
            ["d03", "d05"],
            403,
            {
                "error": "seat-ended",
                "message": "代表 d05：该代表资格已终止",
                "message_en": "deputy d05: deputy d05 no longer holds a seat",
                "details": {"deputy": "d05"},
            },
        ),
        (
            ["d03", "d04", "d03"],
            409,
            {
                "error": "already-signed-in",
                "message": "代表 d03：该代表已签到",
                "message_en": "deputy d03: deputy d03 is already signed in",
                "details": {"deputy": "d03"},
            },
        ),
    ],
)
def test_one_refused_deputy_refuses_all_and_changes_nothing(
    client: TestClient, deputies: list[str], status: int, expected: dict[str, Any]
) -> None:
    admin = open_meeting(client, 5)
    admin.post("/deputies/d01/sign-in")
    admin.post("/deputies/d05/status", {"status": "ended"})
    before = digest(client)
    response = sign_in(admin, deputies)
    assert response.status_code == status
    assert response.json() == expected
    assert digest(client) == before


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"deputies": []}, "deputies: List should have at least 1 item after validation, not 0"),
        ({"deputies": ["d 01"]}, "deputies.0: String should match pattern '^[A-Za-z0-9_.:-]+$'"),
        ({}, "deputies: Field required"),
    ],
)
def test_a_malformed_list_is_refused(client: TestClient, body: Any, problem: str) -> None:
    admin = open_meeting(client, 2)
    before = digest(client)
    response = client.post(PATH, json=body, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid-message"
    assert response.json()["message"] == f"请求格式错误：{problem}"
    assert digest(client) == before
