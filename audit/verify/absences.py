"""The absence ledger of a congress term rebuilt from the sessions' logs alone.

The server shows a ledger (``GET …/absences``, voting/core/absences.py): for each closed
session of a term, whether each deputy holding a seat at the close attended (signed in at some
time of the session), was on approved leave (the leave register at the close) or was absent
without approval, with the counts and a warning at two unapproved absences (代表法 Art 62).
Here the same ledger is recomputed from the entries of each session's verified bundle —
``meeting_opened`` (the meeting, roster and ``term`` setting), ``roster_changed``,
``signed_in``, ``leave_recorded`` and ``meeting_closed`` — and compared field by field with the
ledger the server showed. Each difference is one failure naming the deputy and the session.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from audit.bundle import Bundle

__all__ = [
    "MANDATE_WARNING_AT",
    "Session",
    "ledger",
    "ledger_differences",
    "read_session",
    "session_of",
    "term_ledger",
]

#: Unapproved absences at which the ledger warns that the seat ends (代表法 Art 62).
MANDATE_WARNING_AT: Final = 2

_SEATED: Final = frozenset({"active", "suspended"})


@dataclass
class Session:
    """One session as its log tells it: the meeting (id, title, date), its ``term`` setting,
    whether it was closed, and per deputy on the roster their name, seat and status at the
    end, whether they ever signed in, and whether they were on leave at the end."""

    meeting: str = ""
    title: str = ""
    date: str = ""
    term: str | None = None
    closed: bool = False
    deputies: dict[str, dict[str, str]] = field(default_factory=dict)
    attended: set[str] = field(default_factory=set)
    on_leave: set[str] = field(default_factory=set)

    def apply(self, entry: Mapping[str, Any]) -> None:
        """Take in one entry of the log (entries of other types change nothing here)."""
        kind = entry.get("type")
        if kind == "meeting_opened":
            meeting, settings = entry["meeting"], entry["settings"]
            self.meeting = str(meeting.get("id", ""))
            self.title = str(meeting.get("title", ""))
            self.date = str(meeting.get("date", ""))
            term = settings.get("term") if isinstance(settings, Mapping) else None
            self.term = term if isinstance(term, str) and term else None
            for member in entry["roster"]:
                self.deputies[member["deputy"]] = {
                    "name": member["name"],
                    "seat": member["seat"],
                    "status": member["status"],
                }
        elif kind == "roster_changed" and entry["deputy"] in self.deputies:
            self.deputies[entry["deputy"]]["status"] = entry["status"]
        elif kind == "signed_in":
            self.attended.add(entry["deputy"])
        elif kind == "leave_recorded":
            if entry["leave"] is True:
                self.on_leave.add(entry["deputy"])
            else:
                self.on_leave.discard(entry["deputy"])
        elif kind == "meeting_closed":
            self.closed = True

    def attendance(self) -> dict[str, str]:
        """Each deputy holding a seat at the close: ``present``, ``leave`` or ``absent``."""
        found = {}
        for deputy, member in self.deputies.items():
            if member["status"] not in _SEATED:
                continue
            if deputy in self.attended:
                found[deputy] = "present"
            elif deputy in self.on_leave:
                found[deputy] = "leave"
            else:
                found[deputy] = "absent"
        return found


def session_of(entries: Iterable[Mapping[str, Any]]) -> Session:
    """The session that a log's entries (in log order) tell."""
    session = Session()
    for entry in entries:
        session.apply(entry)
    return session


def read_session(bundle: Bundle) -> Session:
    """The session of a bundle that has been verified (its entries parse and hold the required
    fields)."""
    return session_of(json.loads(text) for _, text in bundle.entry_lines())


def ledger(term: str | None, sessions: Sequence[Session]) -> dict[str, Any]:
    """The ledger over ``sessions`` in the server's JSON form: sessions oldest first (by date,
    then meeting id); per deputy, by seat of their latest session, what they were at each
    session (null when they held no seat then), the counts of leave and of unapproved
    absences, and ``warning`` at two or more unapproved absences."""
    ordered = sorted(sessions, key=lambda s: (s.date, s.meeting))
    rows: dict[str, dict[str, Any]] = {}
    for index, session in enumerate(ordered):
        for deputy, presence in session.attendance().items():
            member = session.deputies[deputy]
            row = rows.setdefault(
                deputy, {"deputy": deputy, "record": [None] * len(ordered), "leave": 0, "absent": 0}
            )
            row.update(name=member["name"], seat=member["seat"])
            row["record"][index] = presence
            if presence != "present":
                row[presence] += 1
    deputies = sorted(rows.values(), key=lambda r: (r["seat"], r["deputy"]))
    for row in deputies:
        row["warning"] = row["absent"] >= MANDATE_WARNING_AT
    return {
        "term": term,
        "sessions": [{"meeting": s.meeting, "title": s.title, "date": s.date} for s in ordered],
        "deputies": deputies,
        "warning_at": MANDATE_WARNING_AT,
    }


def term_ledger(sessions: Sequence[tuple[str, Session]]) -> tuple[dict[str, Any], list[str]]:
    """The ledger of ``sessions`` (each named by where it was read from), and what keeps them
    from being one term's closed sessions: a session not closed, a term unlike the first
    session's, a meeting given twice."""
    problems = []
    term = sessions[0][1].term if sessions else None
    seen: dict[str, str] = {}
    for name, session in sessions:
        if not session.closed:
            problems.append(
                f"{name}: meeting {_show(session.meeting)} is not closed; the ledger counts "
                "closed sessions only"
            )
        if session.term != term:
            problems.append(
                f"{name}: term {_show(session.term)}, not {_show(term)} as {sessions[0][0]}"
            )
        if session.meeting in seen:
            problems.append(
                f"{name}: meeting {_show(session.meeting)} again (as {seen[session.meeting]})"
            )
        seen.setdefault(session.meeting, name)
    return ledger(term, [s for _, s in sessions]), problems


def ledger_differences(rebuilt: Mapping[str, Any], shown: Mapping[str, Any]) -> list[str]:
    """Where the ledger the server showed differs from the one rebuilt from the logs: one line
    per difference, naming the session or the deputy and both values."""
    problems = []
    if shown.get("term") != rebuilt["term"]:
        problems.append(
            f"term: the logs say {_show(rebuilt['term'])}, the ledger {_show(shown.get('term'))}"
        )
    meetings = [s["meeting"] for s in rebuilt["sessions"]]
    shown_meetings = [s.get("meeting") for s in _rows(shown.get("sessions"))]
    if shown_meetings != meetings:
        return [
            *problems,
            f"sessions: the logs give {_show(meetings)}, the ledger {_show(shown_meetings)}",
        ]
    shown_rows = {r.get("deputy"): r for r in _rows(shown.get("deputies"))}
    for row in rebuilt["deputies"]:
        deputy = row["deputy"]
        other = shown_rows.pop(deputy, None)
        if other is None:
            problems.append(f"deputy {deputy} ({row['name']}): in the logs, not in the ledger")
            continue
        record = _list(other.get("record"))
        for index, presence in enumerate(row["record"]):
            was = record[index] if index < len(record) else None
            if was != presence:
                problems.append(
                    f"deputy {deputy} ({row['name']}), session {meetings[index]}: the log says "
                    f"{_show(presence)}, the ledger {_show(was)}"
                )
        for name in ("leave", "absent", "warning"):
            if other.get(name) != row[name]:
                problems.append(
                    f"deputy {deputy} ({row['name']}): {name} is {_show(row[name])} by the logs, "
                    f"{_show(other.get(name))} in the ledger"
                )
    for deputy in shown_rows:
        problems.append(f"deputy {_show(deputy)}: in the ledger, in none of the logs")
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _rows(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in _list(value) if isinstance(row, Mapping)]


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
