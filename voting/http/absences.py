"""The absence ledger of the meeting's congress term (缺席记录): GET …/absences.

The term is the meeting setting ``term`` (a non-empty string, e.g. ``"xinzhou-17"``, given when
the meeting is created); the ledger covers every closed meeting of this database with the same
term, oldest first (by date, then id). A meeting without a term is its own ledger.
"""

from __future__ import annotations

from typing import Any, Literal

from voting.core.absences import Session, absence_ledger
from voting.http.answers import Answer
from voting.http.endpoints import Call, Endpoints

ROUTES = Endpoints()


class LedgerSession(Answer):
    meeting: str
    title: str
    date: str


class LedgerRow(Answer):
    deputy: str
    name: str
    seat: str
    record: list[Literal["present", "leave", "absent"] | None]
    leave: int
    absent: int
    warning: bool


class AbsenceLedger(Answer):
    """Per deputy: present, leave or absent at each closed session of the term; ``warning`` at
    ``warning_at`` unapproved absences (代表法 Art 62)."""

    term: str | None
    sessions: list[LedgerSession]
    deputies: list[LedgerRow]
    warning_at: int


def term_of(settings: dict[str, Any]) -> str | None:
    term = settings.get("term")
    return term if isinstance(term, str) and term else None


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/absences",
    permission="attendance",
    answer=AbsenceLedger,
    summary="本届缺席记录（请假与未经批准缺席）/ the term's absence ledger",
)
async def absences(call: Call[None]) -> Any:
    congress = call.congress
    term = term_of(call.service().state.settings)
    sessions = []
    for row in congress.meetings():
        if row.status == "draft" or (term is None and row.id != call.meeting):
            continue
        state = congress.service(row.id).state
        if state.closed and term_of(state.settings) == term:
            sessions.append(Session(row.id, row.title, row.date, state))
    sessions.sort(key=lambda s: (s.date, s.meeting))
    return absence_ledger(term, sessions)
