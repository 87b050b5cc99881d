"""Which meetings a caller may act on: its scope.

One server runs the meetings of several bodies (the towns' sessions, a county congress and its
standing committee). An administrator runs every meeting; a chair or operator account runs the
meetings granted to it — a listed set, or every meeting for a county office's staff — and the
meetings it created. A display or auditor token reads the meetings it was issued for, and never
more than its issuer may run now: narrowing an account narrows the tokens it issued.

:class:`Scope` is the pure value (``"all"`` or a list of meetings in JSON); :class:`Scopes`
reads and writes the grant tables (``account_meeting``, ``token_meeting``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from voting.errors import CommandError, Forbidden, NotFound
from voting.tables import (
    ALL_MEETINGS,
    AccountMeetingRow,
    AccountRow,
    MeetingRow,
    TokenMeetingRow,
)

ACCOUNT_SCOPED = frozenset({"chair", "operator"})
TOKEN_SCOPED = frozenset({"display", "auditor"})


@dataclass(frozen=True)
class Scope:
    """Every meeting (``everything``), or the listed ``meetings``."""

    everything: bool
    meetings: frozenset[str] = frozenset()

    @classmethod
    def listed(cls, meetings: Iterable[str]) -> Scope:
        return cls(False, frozenset(meetings))

    @classmethod
    def from_json(cls, value: Any) -> Scope:
        """``"all"`` or a list of meeting ids."""
        if value == "all":
            return EVERY_MEETING
        return cls.listed(value)

    @classmethod
    def from_grants(cls, meetings: Iterable[str]) -> Scope:
        """The scope of stored grant rows (:data:`ALL_MEETINGS` stands for every meeting)."""
        found = frozenset(meetings)
        return EVERY_MEETING if ALL_MEETINGS in found else cls.listed(found)

    def permits(self, meeting: str) -> bool:
        return self.everything or meeting in self.meetings

    def covers(self, other: Scope) -> bool:
        """Whether every meeting of ``other`` is in this scope."""
        return self.everything or (not other.everything and other.meetings <= self.meetings)

    def within(self, other: Scope) -> Scope:
        """The meetings in both scopes."""
        if other.everything:
            return self
        if self.everything:
            return other
        return Scope.listed(self.meetings & other.meetings)

    def grants(self) -> list[str]:
        """The grant rows that store this scope."""
        return [ALL_MEETINGS] if self.everything else sorted(self.meetings)

    def to_json(self) -> str | list[str]:
        return "all" if self.everything else sorted(self.meetings)


EVERY_MEETING = Scope(True)
NO_MEETING = Scope(False)


def meeting_not_permitted(meeting: str) -> Forbidden:
    """403: the caller's scope does not include ``meeting`` (the same whether it exists or not)."""
    return Forbidden(
        "meeting-not-permitted",
        f"您的账户无权管理会议 {meeting}",
        f"your account may not act on meeting {meeting}",
    )


def unknown_account(username: str) -> NotFound:
    return NotFound("unknown-account", f"账户 {username} 不存在", f"no account {username}")


class Scopes:
    """The grant tables: read a caller's scope, grant and withdraw meetings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Reading ---------------------------------------------------------------------------------

    def of_account(self, username: str) -> Scope:
        """What the account ``username`` may run now (nothing when there is no such account)."""
        with Session(self.engine) as session:
            account = session.get(AccountRow, username)
            if account is None:
                return NO_MEETING
            return self._of_account(session, account)

    def of_caller(self, role: str, subject: str, token_id: str) -> Scope:
        """The scope of a caller: an account's session (``subject`` is the username) or a read
        token (``token_id`` its SHA-256)."""
        if role == "admin":
            return EVERY_MEETING
        if role in ACCOUNT_SCOPED:
            return self.of_account(subject)
        if role not in TOKEN_SCOPED:
            return NO_MEETING
        with Session(self.engine) as session:
            rows = list(
                session.exec(select(TokenMeetingRow).where(TokenMeetingRow.token_hash == token_id))
            )
            scope = Scope.from_grants(row.meeting for row in rows)
            issuers = {row.issuer for row in rows if row.issuer}
            for issuer in issuers:
                account = session.get(AccountRow, issuer)
                scope = scope.within(
                    NO_MEETING if account is None else self._of_account(session, account)
                )
            return scope

    @staticmethod
    def _of_account(session: Session, account: AccountRow) -> Scope:
        if account.role == "admin":
            return EVERY_MEETING
        rows = session.exec(
            select(AccountMeetingRow).where(AccountMeetingRow.username == account.username)
        )
        return Scope.from_grants(row.meeting for row in rows)

    def of_tokens(self, token_ids: Iterable[str]) -> dict[str, Scope]:
        """The stored scope of each read token, before its issuer's current scope narrows it."""
        wanted = list(token_ids)
        with Session(self.engine) as session:
            rows = session.exec(
                select(TokenMeetingRow).where(col(TokenMeetingRow.token_hash).in_(wanted))
            )
            grouped: dict[str, list[str]] = {token: [] for token in wanted}
            for row in rows:
                grouped[row.token_hash].append(row.meeting)
        return {token: Scope.from_grants(meetings) for token, meetings in grouped.items()}

    # Writing (in the caller's transaction) ---------------------------------------------------

    def replace(self, session: Session, username: str, scope: Scope) -> str:
        """Make ``scope`` the account's grants and answer its role (404 ``unknown-meeting`` for a meeting that does
        not exist; 409 ``admin-scope`` for an administrator, who runs every meeting)."""
        account = session.get(AccountRow, username)
        if account is None:
            raise unknown_account(username)
        if account.role == "admin":
            raise CommandError(
                "admin-scope",
                "管理员可管理全部会议，无需指定范围",
                "an administrator runs every meeting; it has no scope to set",
            )
        for meeting in sorted(scope.meetings):
            if session.get(MeetingRow, meeting) is None:
                raise NotFound("unknown-meeting", f"会议 {meeting} 不存在", f"no meeting {meeting}")
        for old in session.exec(
            select(AccountMeetingRow).where(AccountMeetingRow.username == username)
        ):
            session.delete(old)
        session.flush()
        for meeting in scope.grants():
            session.add(AccountMeetingRow(username=username, meeting=meeting))
        return account.role

    def grant(self, session: Session, username: str, meeting: str) -> None:
        """Add ``meeting`` to a chair's or operator's grants (nothing for an administrator, an
        account that runs every meeting already, or a caller that is no account)."""
        account = session.get(AccountRow, username)
        if account is None or self._of_account(session, account).permits(meeting):
            return
        session.add(AccountMeetingRow(username=username, meeting=meeting))

    @staticmethod
    def limit_token(session: Session, token_id: str, scope: Scope, issuer: str) -> None:
        """Store what a new read token may read and who issued it."""
        for meeting in scope.grants():
            session.add(TokenMeetingRow(token_hash=token_id, meeting=meeting, issuer=issuer))

    @staticmethod
    def forget_token(session: Session, token_id: str) -> None:
        for row in session.exec(
            select(TokenMeetingRow).where(TokenMeetingRow.token_hash == token_id)
        ):
            session.delete(row)
