"""The server's own tables, beside the audit log's.

The audit log is the record of everything that happened in an open meeting; these tables hold
what comes before a meeting opens (the draft meeting and its roster), what must never be in the
log (password hashes, session and pairing secrets) and the sealed secret ballots of open polls.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class MeetingRow(SQLModel, table=True):
    """A meeting; ``status`` is draft, open or closed. Its log is identified by ``origin``."""

    __tablename__ = "meeting"

    id: str = Field(primary_key=True)
    origin: str = Field(unique=True)
    title: str
    date: str
    status: str = "draft"
    settings_json: str = "{}"


class RosterRow(SQLModel, table=True):
    """A deputy of a draft meeting; once the meeting opens, the log's roster is authoritative."""

    __tablename__ = "roster"

    meeting: str = Field(primary_key=True, foreign_key="meeting.id")
    deputy: str = Field(primary_key=True)
    name: str
    seat: str
    status: str = "active"


class AttendeeRow(SQLModel, table=True):
    """A non-voting attendee (列席): listed, never counted anywhere."""

    __tablename__ = "attendee"

    meeting: str = Field(primary_key=True, foreign_key="meeting.id")
    name: str = Field(primary_key=True)
    unit: str = ""


class AccountRow(SQLModel, table=True):
    """A chair, operator or administrator account; ``password`` is an scrypt hash."""

    __tablename__ = "account"

    username: str = Field(primary_key=True)
    role: str
    password: str


class TokenRow(SQLModel, table=True):
    """A bearer token (its SHA-256 only): a login session, or a display or auditor token."""

    __tablename__ = "token"

    token_hash: str = Field(primary_key=True)
    role: str
    subject: str
    expires_at: str | None = None


class SealedBallotRow(SQLModel, table=True):
    """A secret ballot while its poll is open: no deputy, device or time column.

    The table is WITHOUT ROWID on SQLite and keyed by (origin, poll, receipt), so rows are kept
    in receipt order and no insertion order survives. ``token_hash`` is the SHA-256 of the
    tablet's secret replace-token (change policy ``last``). Rows are deleted when the poll
    closes, in the same transaction that writes them to the log.
    """

    __tablename__ = "sealed_ballot"
    __table_args__ = {"sqlite_with_rowid": False}

    origin: str = Field(primary_key=True)
    poll: str = Field(primary_key=True)
    receipt: str = Field(primary_key=True)
    choice_json: str
    token_hash: str
