"""The sealed-ballot table: secret ballots of open polls, kept apart from the log.

Functions on a session of the service's transaction (or on the engine, to read). The rows have
no deputy, device or time column; deleting them overwrites their bytes on SQLite.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text
from sqlmodel import Session

from voting.core.outcome import Replacement, Sealed
from voting.core.types import PollId
from voting.errors import CommandError
from voting.tables import SealedBallotRow

SEALED_TABLE = SealedBallotRow.__table__  # type: ignore[attr-defined]

log = logging.getLogger(__name__)


def _zero_deleted_bytes(session: Session) -> None:
    """Have SQLite overwrite what this transaction deletes or rewrites: a deleted sealed ballot
    must not survive in free space, where cell positions show the order ballots arrived in."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def insert_sealed(session: Session, origin: str, seals: list[Sealed]) -> None:
    """Store secret ballots, in one statement (rows, not ORM objects: thousands in a vote)."""
    session.connection().execute(
        insert(SEALED_TABLE),
        [
            {
                "origin": origin,
                "poll": seal.poll,
                "receipt": seal.receipt,
                "choice_json": json.dumps(seal.choice, ensure_ascii=False),
                "token_hash": seal.token_hash,
            }
            for seal in seals
        ],
    )


def drop_poll(session: Session, origin: str, poll: str) -> None:
    """Delete a poll's sealed ballots (revealed in the log, or discarded with the voided poll)."""
    _zero_deleted_bytes(session)
    session.execute(
        delete(SealedBallotRow).where(
            SealedBallotRow.origin == origin,  # type: ignore[arg-type]
            SealedBallotRow.poll == poll,  # type: ignore[arg-type]
        )
    )


def replace(session: Session, origin: str, replacement: Replacement) -> None:
    """Rewrite the choice of the sealed ballot under the replacement's receipt, if its token
    hash matches; else ``bad-replace-token`` (and the caller's transaction rolls back)."""
    _zero_deleted_bytes(session)
    row = session.get(SealedBallotRow, (origin, replacement.poll, replacement.receipt))
    if row is None or row.token_hash != replacement.token_hash:
        raise CommandError(
            "bad-replace-token", "回执或改票凭证无效", "unknown receipt or wrong token"
        )
    row.choice_json = json.dumps(replacement.choice, ensure_ascii=False)
    session.add(row)


def sealed_choice(session: Session, origin: str, poll: str, receipt: str) -> Any:
    """The sealed choice under ``receipt``, or None."""
    row = session.get(SealedBallotRow, (origin, poll, receipt))
    return None if row is None else json.loads(row.choice_json)


def load_poll(engine: Engine, origin: str, poll: str) -> list[Sealed]:
    """Every sealed ballot of ``poll``."""
    with Session(engine) as session:
        rows = session.execute(
            select(SealedBallotRow).where(
                SealedBallotRow.origin == origin,  # type: ignore[arg-type]
                SealedBallotRow.poll == poll,  # type: ignore[arg-type]
            )
        ).scalars()
        return [
            Sealed(PollId(r.poll), r.receipt, json.loads(r.choice_json), r.token_hash) for r in rows
        ]


def load_receipts(engine: Engine, origin: str) -> dict[str, set[str]]:
    """The receipts taken in each poll that has sealed ballots."""
    receipts: dict[str, set[str]] = {}
    with Session(engine) as session:
        rows = session.execute(
            select(SealedBallotRow).where(
                SealedBallotRow.origin == origin  # type: ignore[arg-type]
            )
        ).scalars()
        for row in rows:
            receipts.setdefault(row.poll, set()).add(row.receipt)
    return receipts


def empty_write_ahead_log(engine: Engine) -> bool:
    """Copy SQLite's write-ahead log into the database file and truncate it; False if SQLite
    left it as it was (a reader holding an old snapshot). Nothing to do on other databases.

    Frame by frame, the WAL records which sealed ballot was committed together with which
    deputy's participation; once a poll's sealed ballots are deleted, that record must go too.
    """
    if engine.dialect.name != "sqlite":
        return True
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()  # (busy, frames in the log, frames copied)
        cursor.close()
    finally:
        connection.close()
    return row is not None and not row[0]
