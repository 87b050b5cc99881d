"""Helpers of the stored-log tests: a test origin, a clock, a stand-in table, entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Field, SQLModel

from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import (
    ENTRY_TABLE,
    create_engine_for,
    init_schema,
)

ORIGIN = "xinzhou.congress.local/2026-3"
OPENED_AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


class Motion(SQLModel, table=True):
    """A stand-in for the server's own rows, written in the same transaction as entries."""

    __tablename__ = "test_store_motion"

    id: str = Field(primary_key=True)
    title: str


class FakeClock:
    """Returns a fixed time that tests move forward; counts its readings."""

    def __init__(self, now: datetime = OPENED_AT) -> None:
        self.now = now
        self.readings = 0

    def __call__(self) -> datetime:
        self.readings += 1
        return self.now


def new_engine(url: str) -> Engine:
    """An engine on the database ``url`` holding the audit tables and the stand-in table."""
    engine = create_engine_for(url)
    init_schema(engine)
    Motion.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    return engine


def opening(signer: NoteSigner, origin: str = ORIGIN) -> dict[str, Any]:
    return {
        "type": "meeting_opened",
        "meeting": {"id": "m-3", "title": "第三次会议", "date": "2026-03-01"},
        "origin": origin,
        "log_key": signer.vkey(),
        "roster": [],
        "settings": {},
    }


def sign_in(deputy: str) -> dict[str, Any]:
    return {"type": "signed_in", "deputy": deputy, "method": "operator", "by": "op-1"}


def opened_log(log: AuditLog, signer: NoteSigner, *deputies: str) -> AuditLog:
    with log.transaction() as tx:
        tx.append(opening(signer))
        tx.append_many(sign_in(deputy) for deputy in deputies)
    return log


def stored_entries(engine: Engine, origin: str = ORIGIN) -> list[tuple[int, bytes]]:
    query = (
        select(ENTRY_TABLE.c.seq, ENTRY_TABLE.c.data)
        .where(ENTRY_TABLE.c.log_origin == origin)
        .order_by(ENTRY_TABLE.c.seq)
    )
    with engine.connect() as conn:
        return [(row.seq, row.data) for row in conn.execute(query)]


def count_rows(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def motions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row.id for row in conn.execute(select(Motion.__table__.c.id))]  # type: ignore[attr-defined]


class Boom(Exception):
    pass
