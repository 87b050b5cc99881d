"""The audit log's database tables, their append-only triggers, and engine set-up.

One database may hold the logs of many meetings; each row names its log by ``log_origin``.

``audit_entry``       one row per entry: its exact canonical bytes and leaf hash
``audit_checkpoint``  one row per signed checkpoint: the note and the root it signs
``audit_cosignature`` one row per tablet cosignature of a checkpoint (audit-log.md §8): the
                      C2SP ``cosignature/v1`` line, which the bundle appends to the note

Every table rejects UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) with a trigger. The triggers
stop application bugs and careless hands; someone with full control of the database can still
drop them, which is why the checkpoints are signed and every stored row is re-hashed when a log
is opened.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Connection,
    Engine,
    LargeBinary,
    Text,
    event,
    insert,
)
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import URL, make_url
from sqlmodel import Field, SQLModel

__all__ = [
    "AUDIT_TABLES",
    "BATCH_SIZE",
    "CHECKPOINT_TABLE",
    "COSIGNATURE_TABLE",
    "ENTRY_TABLE",
    "IMMEDIATE",
    "AuditCheckpoint",
    "AuditCosignature",
    "AuditEntry",
    "create_engine_for",
    "engine_url",
    "init_schema",
    "insert_entry_rows",
    "sqlite_file",
    "trigger_statements",
]


class AuditEntry(SQLModel, table=True):
    """One log entry: ``data`` is the entry's canonical JSON, ``leaf_hash`` its RFC 6962 hash."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("seq >= 0", name="audit_entry_seq_non_negative"),
        CheckConstraint("length(leaf_hash) = 32", name="audit_entry_leaf_hash_length"),
    )

    log_origin: str = Field(primary_key=True)
    seq: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    data: bytes = Field(sa_type=LargeBinary)
    leaf_hash: bytes = Field(sa_type=LargeBinary)


class AuditCheckpoint(SQLModel, table=True):
    """One signed checkpoint of a log: the signed note and the root hash it names."""

    __tablename__ = "audit_checkpoint"
    __table_args__ = (
        CheckConstraint("size >= 0", name="audit_checkpoint_size_non_negative"),
        CheckConstraint("length(root) = 32", name="audit_checkpoint_root_length"),
    )

    log_origin: str = Field(primary_key=True)
    size: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    note: str = Field(sa_type=Text)
    root: bytes = Field(sa_type=LargeBinary)


class AuditCosignature(SQLModel, table=True):
    """A tablet's cosignature of the checkpoint of tree size ``size``: its note signature line
    (without newline). One per device and checkpoint."""

    __tablename__ = "audit_cosignature"
    __table_args__ = (CheckConstraint("size >= 0", name="audit_cosignature_size_non_negative"),)

    log_origin: str = Field(primary_key=True)
    size: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    device: str = Field(primary_key=True)
    line: str = Field(sa_type=Text)


#: Rows per query when loading or streaming a log.
BATCH_SIZE: Final = 10_000

ENTRY_TABLE: Final = AuditEntry.__table__  # type: ignore[attr-defined]
CHECKPOINT_TABLE: Final = AuditCheckpoint.__table__  # type: ignore[attr-defined]
COSIGNATURE_TABLE: Final = AuditCosignature.__table__  # type: ignore[attr-defined]
AUDIT_TABLES: Final = (ENTRY_TABLE, CHECKPOINT_TABLE, COSIGNATURE_TABLE)

#: An entry row as :func:`insert_entry_rows` takes it: log origin, seq, data, leaf hash.
EntryRow = tuple[str, int, bytes, bytes]
_ENTRY_COLUMNS: Final = ("log_origin", "seq", "data", "leaf_hash")


def insert_entry_rows(connection: Connection, rows: Sequence[EntryRow]) -> None:
    """Insert entry rows in as few statements as the database takes.

    On SQLite: one multi-row ``INSERT`` for as many rows as the connection allows variables.
    The driver lets go of the interpreter's lock for every statement it runs, and a thread that
    let go of it can wait up to the switch interval (5 ms) to get it back from a busy event loop:
    the ``executemany`` of a 500-vote transaction ran 500 statements, and in a ballot burst the
    writing thread waited far longer than it worked (``docs/performance.md``). Elsewhere
    SQLAlchemy's ``executemany``.
    """
    if not rows:
        return
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        records = [dict(zip(_ENTRY_COLUMNS, row, strict=True)) for row in rows]
        connection.execute(insert(ENTRY_TABLE), records)
        return
    step = max(1, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(_ENTRY_COLUMNS))
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        connection.exec_driver_sql(_multi_row_insert(len(part)), tuple(v for r in part for v in r))


@functools.lru_cache(maxsize=64)
def _multi_row_insert(count: int) -> str:
    """SQLite's ``INSERT`` of ``count`` entry rows, with positional parameters."""
    columns = ", ".join(_ENTRY_COLUMNS)
    row = "(" + ", ".join("?" * len(_ENTRY_COLUMNS)) + ")"
    return f"INSERT INTO {ENTRY_TABLE.name} ({columns}) VALUES " + ", ".join([row] * count)


# Triggers ---------------------------------------------------------------------------------------


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for action in ("UPDATE", "DELETE")
    ]


# Row triggers do not fire on TRUNCATE, so a statement trigger covers it. The message is built
# with || rather than a % format so the text holds no DBAPI placeholder characters; the error
# code (23001, an integrity error like SQLite's RAISE(ABORT)) gives callers the same exception
# class on both databases.
_POSTGRESQL_FUNCTION: Final = """
CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'restrict_violation';
END;
$$
"""


def _postgresql_triggers(table: str) -> list[str]:
    statements = []
    for trigger, timing in (
        (f"{table}_no_update_delete", "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW"),
        (f"{table}_no_truncate", "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT"),
    ):
        statements.append(
            "DO $$ BEGIN\n"
            "    IF NOT EXISTS (SELECT 1 FROM pg_trigger\n"
            f"                   WHERE tgname = '{trigger}' AND tgrelid = '{table}'::regclass)\n"
            "    THEN\n"
            f"        CREATE TRIGGER {trigger} {timing.format(t=table)}\n"
            "            EXECUTE FUNCTION audit_reject_change();\n"
            "    END IF;\n"
            "END $$"
        )
    return statements


def trigger_statements(dialect: str) -> list[str]:
    """The DDL making both audit tables append-only on ``dialect``."""
    tables = [table.name for table in AUDIT_TABLES]
    if dialect == "sqlite":
        return [statement for table in tables for statement in _sqlite_triggers(table)]
    if dialect == "postgresql":
        return [_POSTGRESQL_FUNCTION] + [s for table in tables for s in _postgresql_triggers(table)]
    raise ValueError(
        f"append-only triggers exist for sqlite and postgresql only, not for {dialect!r}"
    )


def init_schema(engine: Engine) -> None:
    """Create the audit tables and their append-only triggers, if missing, in one transaction."""
    statements = trigger_statements(engine.dialect.name)
    with engine.begin() as conn:
        SQLModel.metadata.create_all(conn, tables=list(AUDIT_TABLES))
        raw = conn.execution_options(no_parameters=True)
        for statement in statements:
            raw.exec_driver_sql(statement)


# Engine -----------------------------------------------------------------------------------------

#: Execution option: begin the SQLite transaction with ``BEGIN IMMEDIATE``, taking the write lock
#: up front (waiting up to the busy timeout) instead of failing when a read turns into a write.
IMMEDIATE: Final = "congress_begin_immediate"


def sqlite_file(url: str | URL) -> Path | None:
    """The database file of a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def engine_url(url: str | URL) -> URL:
    """``url`` parsed, with the driver the project installs made explicit: a plain
    ``postgresql://`` URL uses psycopg (version 3), whatever SQLAlchemy's default driver is."""
    url = make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_engine_for(url: str | URL, *, busy_timeout: float = 10.0, **options: Any) -> Engine:
    """Create an engine for ``url`` (see :func:`engine_url`); ``options`` go to
    :func:`sqlalchemy.create_engine`. For a SQLite file the parent directory is created and the
    connections get the settings of :func:`_use_sqlite_settings`. PostgreSQL needs none: its
    commits are durable by default, and the writers of one log take turns in the process
    (:meth:`audit.store.AuditLog.transaction`) on both databases."""
    url = engine_url(url)
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa_create_engine(url, **{"hide_parameters": True, **options})  # no values in logs
    if engine.dialect.name == "sqlite":
        _use_sqlite_settings(engine, busy_timeout)
    return engine


def _use_sqlite_settings(engine: Engine, busy_timeout: float) -> None:
    """Every connection of ``engine`` uses WAL journaling, ``synchronous=FULL``, foreign keys and a busy timeout of ``busy_timeout`` seconds.
    Transactions are begun explicitly (the pysqlite recipe of the SQLAlchemy docs), so a
    transaction covers its reads as well as its writes."""
    timeout_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" listener below emit BEGIN instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
