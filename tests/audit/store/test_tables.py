"""The audit tables: SQLite settings, the append-only triggers (on both stores) and their DDL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError

from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
    ENTRY_TABLE,
    init_schema,
    insert_entry_rows,
    trigger_statements,
)
from bench.postgres import Cluster
from tests.audit.store.helpers import (
    ORIGIN,
    FakeClock,
    count_rows,
    new_engine,
    opened_log,
)
from tests.stores import driver_message, sqlite_store, trigger_names


def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(
    tmp_path: Path,
) -> None:
    store = sqlite_store(tmp_path)
    engine = new_engine(store.url)
    assert store.path is not None and store.path.is_file()
    with engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }
    engine.dispose()


def test_init_schema_is_idempotent_and_creates_the_triggers(engine: Engine) -> None:
    init_schema(engine)
    with engine.connect() as conn:
        triggers = trigger_names(conn)
    if engine.dialect.name == "sqlite":
        assert triggers == [
            "audit_checkpoint_no_delete",
            "audit_checkpoint_no_update",
            "audit_cosignature_no_delete",
            "audit_cosignature_no_update",
            "audit_entry_no_delete",
            "audit_entry_no_update",
        ]
    else:
        assert triggers == [
            "audit_checkpoint_no_truncate",
            "audit_checkpoint_no_update_delete",
            "audit_cosignature_no_truncate",
            "audit_cosignature_no_update_delete",
            "audit_entry_no_truncate",
            "audit_entry_no_update_delete",
        ]


def test_postgresql_ddl_covers_update_delete_and_truncate() -> None:
    statements = trigger_statements("postgresql")
    assert len(statements) == 7
    assert "CREATE OR REPLACE FUNCTION audit_reject_change()" in statements[0]
    function = statements[0]
    assert "MESSAGE = TG_TABLE_NAME || ' is append-only'" in function
    assert "ERRCODE = 'restrict_violation'" in function
    assert "%" not in "".join(statements)  # nothing a DBAPI could take for a placeholder
    for table, (rows, truncate) in zip(
        ("audit_entry", "audit_checkpoint", "audit_cosignature"),
        zip(statements[1::2], statements[2::2], strict=True),
        strict=True,
    ):
        assert f"BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW" in rows
        assert f"BEFORE TRUNCATE ON {table} FOR EACH STATEMENT" in truncate


def test_schema_for_an_unsupported_database_is_refused() -> None:
    with pytest.raises(ValueError) as caught:
        trigger_statements("mysql")
    assert str(caught.value) == (
        "append-only triggers exist for sqlite and postgresql only, not for 'mysql'"
    )


# Triggers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("audit_entry", "UPDATE audit_entry SET data = leaf_hash WHERE seq = 0"),
        ("audit_entry", "UPDATE audit_entry SET log_origin = 'elsewhere'"),
        ("audit_entry", "DELETE FROM audit_entry WHERE seq = 0"),
        ("audit_entry", "DELETE FROM audit_entry"),
        ("audit_checkpoint", "UPDATE audit_checkpoint SET note = 'forged'"),
        ("audit_checkpoint", "DELETE FROM audit_checkpoint"),
    ],
)
def test_audit_tables_reject_update_and_delete(
    engine: Engine, log: AuditLog, signer: NoteSigner, table: str, statement: str
) -> None:
    opened_log(log, signer, "d-01")
    log.sign_checkpoint()
    with engine.connect() as conn:
        before = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 2").all()
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert driver_message(caught.value.orig) == f"{table} is append-only"
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 2").all() == before
    assert len(before) == (2 if table == "audit_entry" else 1)


def test_postgresql_audit_tables_reject_truncate(
    postgres_cluster: Cluster, signer: NoteSigner, clock: FakeClock
) -> None:
    name = postgres_cluster.new_database()
    engine = new_engine(postgres_cluster.url(name))
    log = opened_log(AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock), signer)
    log.sign_checkpoint()
    for table in ("audit_entry", "audit_checkpoint"):
        with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {table} CASCADE")
        assert driver_message(caught.value.orig) == f"{table} is append-only"
    assert (count_rows(engine, ENTRY_TABLE), count_rows(engine, CHECKPOINT_TABLE)) == (1, 1)
    engine.dispose()
    postgres_cluster.drop_database(name)


@pytest.mark.parametrize("variables", [None, 10])
def test_entry_rows_are_inserted_in_as_few_statements_as_the_database_takes(
    engine: Engine, variables: int | None
) -> None:
    """SQLite: one multi-row INSERT for as many rows as the connection allows variables (four a
    row); elsewhere one executemany. Every row stored as given, in order."""
    rows = [("town/2026-1", seq, b'{"seq":%d}' % seq, bytes([seq]) * 32) for seq in range(7)]
    inserts: list[tuple[str, bool]] = []

    def count(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _ctx: Any, many: bool
    ) -> None:
        if statement.startswith("INSERT INTO audit_entry"):
            inserts.append((statement, many))

    event.listen(engine, "before_cursor_execute", count)
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        if variables is not None and isinstance(driver, sqlite3.Connection):
            driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variables)
        insert_entry_rows(conn, rows)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT log_origin, seq, data, leaf_hash FROM audit_entry ORDER BY seq"
        ).all()
    assert [(o, s, bytes(d), bytes(h)) for o, s, d, h in stored] == rows
    if engine.dialect.name != "sqlite":
        assert [many for _, many in inserts] == [True]
    elif variables is None:
        assert [(s.count("(?, ?, ?, ?)"), many) for s, many in inserts] == [(7, False)]
    else:  # two rows (eight variables) a statement
        assert [s.count("(?, ?, ?, ?)") for s, _ in inserts] == [2, 2, 2, 1]
