"""The absence ledger rebuilt from log entries alone (audit/verify/absences.py)."""

from __future__ import annotations

from typing import Any

from audit.verify.absences import Session, session_of, term_ledger


def log(meeting: str, date: str, *later: dict[str, Any], term: str = "t17") -> Session:
    """A session of three deputies; ``later`` entries follow ``meeting_opened``."""
    opened = {
        "type": "meeting_opened",
        "meeting": {"id": meeting, "title": f"第{meeting}次会议", "date": date},
        "settings": {"term": term},
        "roster": [
            {"deputy": d, "name": f"代表{d}", "seat": d, "status": "active"}
            for d in ("d1", "d2", "d3")
        ],
    }
    return session_of([opened, *later])


def signed_in(deputy: str) -> dict[str, Any]:
    return {"type": "signed_in", "deputy": deputy}


def leave(deputy: str, on: bool) -> dict[str, Any]:
    return {"type": "leave_recorded", "deputy": deputy, "leave": on}


CLOSED = {"type": "meeting_closed"}


def test_presence_is_signed_in_at_any_time_leave_is_the_register_at_the_close() -> None:
    session = log(
        "m1",
        "2026-03-01",
        leave("d2", True),
        leave("d3", True),
        leave("d3", False),
        signed_in("d1"),
        {"type": "signed_out", "deputy": "d1"},
        CLOSED,
    )
    assert session.attendance() == {"d1": "present", "d2": "leave", "d3": "absent"}


def test_a_deputy_whose_seat_ended_is_not_counted_at_that_session() -> None:
    ended = {"type": "roster_changed", "deputy": "d3", "status": "ended"}
    first = log("m1", "2026-03-01", ended, CLOSED)
    second = log("m2", "2026-09-01", CLOSED)
    rebuilt, problems = term_ledger([("b2", second), ("b1", first)])
    assert problems == []
    assert [s["meeting"] for s in rebuilt["sessions"]] == ["m1", "m2"]
    assert [(r["deputy"], r["record"], r["absent"], r["warning"]) for r in rebuilt["deputies"]] == [
        ("d1", ["absent", "absent"], 2, True),
        ("d2", ["absent", "absent"], 2, True),
        ("d3", [None, "absent"], 1, False),
    ]


def test_an_open_session_another_term_and_a_repeated_meeting_are_named() -> None:
    first = log("m1", "2026-03-01", CLOSED)
    open_one = log("m2", "2026-09-01")
    other = log("m3", "2026-10-01", CLOSED, term="t18")
    _, problems = term_ledger([("b1", first), ("b2", open_one), ("b3", other), ("b4", first)])
    assert problems == [
        'b2: meeting "m2" is not closed; the ledger counts closed sessions only',
        'b3: term "t18", not "t17" as b1',
        'b4: meeting "m1" again (as b1)',
    ]
