"""The audit tables: SQLite settings, the append-only triggers (on both stores) and their DDL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
    ENTRY_TABLE,
    init_schema,
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
