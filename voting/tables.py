"""The server's own tables, beside the audit log's.

The audit log is the record of everything that happened in an open meeting; these tables hold
what comes before a meeting opens (the draft meeting and its roster), what must never be in the
log (password hashes, session and pairing secrets).

:func:`create_tables` creates them where missing and drops the tables earlier versions kept
(:data:`RETIRED_TABLES`), so that a database file written by an earlier version opens.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine, inspect, text
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


class AccountMeetingRow(SQLModel, table=True):
    """A meeting an account may run; ``meeting`` is :data:`ALL_MEETINGS` for every meeting.
    Administrators run every meeting without a row."""

    __tablename__ = "account_meeting"

    username: str = Field(primary_key=True, foreign_key="account.username")
    meeting: str = Field(primary_key=True)


class TokenMeetingRow(SQLModel, table=True):
    """A meeting a display or auditor token may read (:data:`ALL_MEETINGS` for every one), and
    the account that issued it: the token never sees more than that account does now."""

    __tablename__ = "token_meeting"

    token_hash: str = Field(primary_key=True)
    meeting: str = Field(primary_key=True)
    issuer: str = ""


class TokenRow(SQLModel, table=True):
    """A bearer token (its SHA-256 only): a login session, or a display or auditor token."""

    __tablename__ = "token"

    token_hash: str = Field(primary_key=True)
    role: str
    subject: str
    expires_at: str | None = None


#: The ``meeting`` of a grant that covers every meeting on the server.
ALL_MEETINGS: Final = "*"

#: Tables earlier versions kept and this one no longer has: ``sealed_ballot`` held the
#: plaintext ballots of open secret polls (retired: secret polls on tablets are encrypted).
RETIRED_TABLES: Final = ("sealed_ballot",)


class RetiredTableNotEmpty(RuntimeError):
    """A retired table still holds rows: dropping it would lose them."""


def create_tables(engine: Engine) -> None:
    """Create every table that is missing and drop the retired ones, in one transaction.

    A retired table that still holds rows (ballots of a secret poll left open by an earlier
    version) is not dropped: :class:`RetiredTableNotEmpty` says which table, and the database
    is left as it was. Close or void that poll with the earlier version first.
    """
    with engine.begin() as conn:
        present = set(inspect(conn).get_table_names())
        for table in RETIRED_TABLES:
            if table not in present:
                continue
            rows = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            if rows:
                raise RetiredTableNotEmpty(
                    f"table {table} still holds {rows} rows of an earlier version (a secret poll"
                    " left open): close or void that poll with that version before upgrading"
                )
            conn.execute(text(f"DROP TABLE {table}"))
        SQLModel.metadata.create_all(conn)
        if "account" in present and "account_meeting" not in present:
            conn.execute(
                text(
                    "INSERT INTO account_meeting (username, meeting)"
                    " SELECT username, :all FROM account WHERE role <> 'admin'"
                ),
                {"all": ALL_MEETINGS},
            )
        if "token" in present and "token_meeting" not in present:
            conn.execute(
                text(
                    "INSERT INTO token_meeting (token_hash, meeting, issuer)"
                    " SELECT token_hash, :all, '' FROM token"
                    " WHERE role IN ('display', 'auditor')"
                ),
                {"all": ALL_MEETINGS},
            )
