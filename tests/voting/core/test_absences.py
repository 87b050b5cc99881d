"""The absence ledger's pure core: attendance at a session's close, counts and the warning."""

from __future__ import annotations

from tests.voting.core.meetings import Meeting
from voting.core.absences import Session, absence_ledger, session_attendance


def closed(present: list[str], leave: list[str], *, ended: str | None = None) -> Meeting:
    meeting = Meeting(deputies=4).sign_in(*present)
    for deputy in leave:
        meeting.apply({"type": "leave_recorded", "deputy": deputy, "leave": True, "by": "op"})
    if ended is not None:
        meeting.apply({"type": "roster_changed", "deputy": ended, "status": "ended", "by": "c"})
    return meeting.apply({"type": "meeting_closed", "by": "chair"})


def test_a_deputy_who_signed_in_and_left_attended_and_an_ended_seat_is_not_counted() -> None:
    meeting = closed(["d01"], ["d02"], ended="d04")
    meeting.apply({"type": "signed_out", "deputy": "d01", "method": "operator", "by": "op"})
    assert session_attendance(meeting.state) == {"d01": "present", "d02": "leave", "d03": "absent"}


def test_the_warning_comes_at_the_second_unapproved_absence() -> None:
    first = Session("s1", "一次", "2026-03-01", closed(["d01"], ["d02"]).state)
    second = Session("s2", "二次", "2026-09-01", closed(["d01", "d03"], []).state)
    ledger = absence_ledger("t", [first, second])
    assert [
        (r["deputy"], r["record"], r["leave"], r["absent"], r["warning"])
        for r in ledger["deputies"]
    ] == [
        ("d01", ["present", "present"], 0, 0, False),
        ("d02", ["leave", "absent"], 1, 1, False),
        ("d03", ["absent", "present"], 0, 1, False),
        ("d04", ["absent", "absent"], 0, 2, True),
    ]
