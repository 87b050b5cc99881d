"""The absence ledger of a congress term: approved leave and unapproved absences per deputy.

The sessions (meetings) of one term are the meetings whose settings name the same ``term``.
At a closed session a deputy holding a seat at its close either attended (signed in at some
time of the session), was on approved leave (请假, the leave register at close), or was absent
without approval (未经批准缺席). 代表法 Art 62 (docs/domain-rules.md §1): a deputy who twice
fails to attend a session of the congress without approval loses the seat; the ledger warns at
two unapproved absences, for the presidium to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from voting.core.state import MeetingState
from voting.core.types import SEATED_STATUSES

#: Unapproved absences at which the ledger warns that the seat ends (代表法 Art 62).
MANDATE_WARNING_AT: Final = 2

Presence = Literal["present", "leave", "absent"]


@dataclass(frozen=True)
class Session:
    """A closed meeting of the term: its id, title, date and replayed state."""

    meeting: str
    title: str
    date: str
    state: MeetingState


def session_attendance(state: MeetingState) -> dict[str, Presence]:
    """Each deputy holding a seat at the close: present, on approved leave, or absent."""
    found: dict[str, Presence] = {}
    for deputy in state.roster.values():
        if deputy.status not in SEATED_STATUSES:
            continue
        if deputy.id in state.attended:
            found[deputy.id] = "present"
        elif deputy.id in state.on_leave:
            found[deputy.id] = "leave"
        else:
            found[deputy.id] = "absent"
    return found


def absence_ledger(term: str | None, sessions: Sequence[Session]) -> dict[str, Any]:
    """The ledger over ``sessions`` (oldest first): per deputy, by seat of their latest session,
    what they were at each session (null when they held no seat then), the counts of leave and
    of unapproved absences, and ``warning`` at two or more unapproved absences."""
    rows: dict[str, dict[str, Any]] = {}
    for index, session in enumerate(sessions):
        attendance = session_attendance(session.state)
        for deputy_id, presence in attendance.items():
            deputy = session.state.roster[deputy_id]
            row = rows.setdefault(
                deputy_id,
                {"deputy": deputy_id, "record": [None] * len(sessions), "leave": 0, "absent": 0},
            )
            row.update(name=deputy.name, seat=deputy.seat)
            row["record"][index] = presence
            if presence != "present":
                row[presence] += 1
    deputies = sorted(rows.values(), key=lambda r: (r["seat"], r["deputy"]))
    for row in deputies:
        row["warning"] = row["absent"] >= MANDATE_WARNING_AT
    return {
        "term": term,
        "sessions": [{"meeting": s.meeting, "title": s.title, "date": s.date} for s in sessions],
        "deputies": deputies,
        "warning_at": MANDATE_WARNING_AT,
    }
