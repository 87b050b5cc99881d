"""The absence ledger over the closed sessions of a congress term, through the HTTP API."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.voting.sitting import Staff, bootstrap_admin, roster


def session(
    client: TestClient,
    admin: Staff,
    meeting: str,
    date: str,
    *,
    present: list[str],
    leave: list[str],
    term: str | None = "xinzhou-17",
    close: bool = True,
) -> None:
    """A meeting of four deputies: ``present`` signed in, ``leave`` on approved leave."""
    settings = {} if term is None else {"term": term}
    body = {
        "meeting": meeting,
        "origin": f"x.local/{meeting}",
        "title": f"第{meeting}次会议",
        "date": date,
        "settings": settings,
    }
    headers = admin.headers
    assert client.post("/api/meetings", json=body, headers=headers).status_code == 200
    base = f"/api/meetings/{meeting}"
    assert client.put(f"{base}/roster", json=roster(4), headers=headers).status_code == 200
    assert client.post(f"{base}/open", headers=headers).status_code == 200
    if present:
        answer = client.post(
            f"{base}/attendance/sign-in", json={"deputies": present}, headers=headers
        )
        assert answer.status_code == 200, answer.text
    for deputy in leave:
        answer = client.post(
            f"{base}/deputies/{deputy}/leave", json={"leave": True}, headers=headers
        )
        assert answer.status_code == 200, answer.text
    if close:
        assert client.post(f"{base}/close", headers=headers).status_code == 200


def ledger(client: TestClient, admin: Staff, meeting: str) -> Any:
    answer = client.get(f"/api/meetings/{meeting}/absences", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def row(deputy: str, record: list[Any], leave: int, absent: int) -> dict[str, Any]:
    number = deputy.removeprefix("d")
    return {
        "deputy": deputy,
        "name": f"代表{number}",
        "seat": number,
        "record": record,
        "leave": leave,
        "absent": absent,
        "warning": absent >= 2,
    }


def test_two_unapproved_absences_in_the_term_warn(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    session(client, admin, "s2", "2026-09-01", present=["d01"], leave=["d02"])
    session(client, admin, "s1", "2026-03-01", present=["d01", "d02"], leave=["d04"])
    session(client, admin, "other", "2026-05-01", present=[], leave=[], term="other-term")
    session(client, admin, "s3", "2026-12-01", present=[], leave=[], close=False)
    assert ledger(client, admin, "s3") == {
        "term": "xinzhou-17",
        "sessions": [
            {"meeting": "s1", "title": "第s1次会议", "date": "2026-03-01"},
            {"meeting": "s2", "title": "第s2次会议", "date": "2026-09-01"},
        ],
        "deputies": [
            row("d01", ["present", "present"], 0, 0),
            row("d02", ["present", "leave"], 1, 0),
            row("d03", ["absent", "absent"], 0, 2),
            row("d04", ["leave", "absent"], 1, 1),
        ],
        "warning_at": 2,
    }


def test_a_meeting_without_a_term_is_its_own_ledger(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    session(client, admin, "a", "2026-03-01", present=["d01"], leave=[], term=None)
    session(client, admin, "b", "2026-04-01", present=["d01"], leave=[], term=None)
    found = ledger(client, admin, "a")
    assert (found["term"], [s["meeting"] for s in found["sessions"]]) == (None, ["a"])
    assert [r["absent"] for r in found["deputies"]] == [0, 1, 1, 1]


def test_the_ledger_is_for_staff_and_operators_only(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    session(client, admin, "a", "2026-03-01", present=[], leave=[])
    answer = client.get("/api/meetings/a/absences")
    assert (answer.status_code, answer.json()["error"]) == (401, "not-logged-in")
