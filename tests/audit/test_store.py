"""The stored audit log: append-only tables, one transaction per command, restart, checkpoints."""

from __future__ import annotations

import base64
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

import audit.store as store
from audit.bundle import read_bundle
from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import CanonicalError
from audit.merkle import EMPTY_ROOT, leaf_hash, root_of, verify_consistency, verify_inclusion
from audit.note import NoteSigner, NoteVerifier
from audit.store import (
    AuditLog,
    CheckpointConflictError,
    EntryError,
    LogCorruptedError,
)
from audit.tables import (
    CHECKPOINT_TABLE,
    ENTRY_TABLE,
    create_engine_for,
    init_schema,
    trigger_statements,
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


# Fixtures ---------------------------------------------------------------------------------------


def new_engine(tmp_path: Path) -> Engine:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'var' / 'congress.sqlite'}")
    init_schema(engine)
    Motion.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = new_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.generate(ORIGIN)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def log(engine: Engine, signer: NoteSigner, clock: FakeClock) -> AuditLog:
    return AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)


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


# Engine and schema ------------------------------------------------------------------------------


def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(
    engine: Engine, tmp_path: Path
) -> None:
    assert (tmp_path / "var" / "congress.sqlite").is_file()
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


def test_init_schema_is_idempotent_and_creates_the_triggers(engine: Engine) -> None:
    init_schema(engine)
    with engine.connect() as conn:
        triggers = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).scalars()
        assert list(triggers) == [
            "audit_checkpoint_no_delete",
            "audit_checkpoint_no_update",
            "audit_entry_no_delete",
            "audit_entry_no_update",
        ]


def test_postgresql_ddl_covers_update_delete_and_truncate() -> None:
    statements = trigger_statements("postgresql")
    assert len(statements) == 5
    assert "CREATE OR REPLACE FUNCTION audit_reject_change()" in statements[0]
    function = statements[0]
    assert "MESSAGE = TG_TABLE_NAME || ' is append-only'" in function
    assert "ERRCODE = 'restrict_violation'" in function
    assert "%" not in "".join(statements)  # nothing a DBAPI could take for a placeholder
    for table, (rows, truncate) in zip(
        ("audit_entry", "audit_checkpoint"),
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
        ("audit_entry", "UPDATE audit_entry SET data = X'7B7D' WHERE seq = 0"),
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
    assert str(caught.value.orig) == f"{table} is append-only"
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 2").all() == before
    assert len(before) == (2 if table == "audit_entry" else 1)


# Appending --------------------------------------------------------------------------------------


def test_append_assigns_contiguous_seq_and_adds_v_and_at(
    log: AuditLog, signer: NoteSigner, engine: Engine, clock: FakeClock
) -> None:
    with log.transaction() as tx:
        assert tx.append(opening(signer)) == 0
        assert tx.append(sign_in("d-01")) == 1
        clock.now = OPENED_AT + timedelta(seconds=75)
        assert tx.append_many([sign_in("d-02"), sign_in("d-03")]) == range(2, 4)
    assert log.size == 4
    entries = dict(stored_entries(engine))
    assert entries[1] == (
        b'{"at":"2026-03-01T09:30:00Z","by":"op-1","deputy":"d-01","method":"operator",'
        b'"seq":1,"type":"signed_in","v":1}'
    )
    assert entries[3] == (
        b'{"at":"2026-03-01T09:31:15Z","by":"op-1","deputy":"d-03","method":"operator",'
        b'"seq":3,"type":"signed_in","v":1}'
    )
    assert list(entries) == [0, 1, 2, 3]
    assert [log.entry(seq) for seq in range(4)] == list(entries.values())


def test_ballots_carry_no_time_and_a_given_time_is_kept(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    with log.transaction() as tx:
        tx.append({"type": "ballot", "poll": "p-1", "receipt": "r-07", "choice": "for"})
        tx.append({"type": "meeting_closed", "by": "chair", "at": "2026-03-01T11:00:00Z"})
    assert log.entry(1) == (
        b'{"choice":"for","poll":"p-1","receipt":"r-07","seq":1,"type":"ballot","v":1}'
    )
    assert log.entry(2) == (
        b'{"at":"2026-03-01T11:00:00Z","by":"chair","seq":2,"type":"meeting_closed","v":1}'
    )


def test_time_is_written_in_utc_from_one_clock_reading_per_call(
    log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 3, 1, 17, 30, 5, tzinfo=timezone(timedelta(hours=8)))
    with log.transaction() as tx:
        tx.append_many([opening(signer), sign_in("d-01"), sign_in("d-02")])
        tx.append({"type": "ballot", "poll": "p-1", "receipt": "r-1", "choice": "for"})
    assert clock.readings == 1
    assert b'"at":"2026-03-01T09:30:05Z"' in log.entry(2)


def test_an_exception_rolls_back_entries_and_the_callers_rows(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    root = log.root()
    with pytest.raises(Boom), log.transaction() as tx:
        tx.session.add(Motion(id="m-1", title="预算草案"))
        assert tx.append(sign_in("d-01")) == 1
        assert tx.append_many([sign_in("d-02"), sign_in("d-03")]) == range(2, 4)
        assert tx.size == 4
        tx.sign_checkpoint()
        raise Boom
    assert [seq for seq, _ in stored_entries(engine)] == [0]
    assert motions(engine) == []
    assert count_rows(engine, CHECKPOINT_TABLE) == 0
    assert (log.size, log.root(), log.latest_checkpoint()) == (1, root, None)

    with log.transaction() as tx:
        tx.session.add(Motion(id="m-1", title="预算草案"))
        assert tx.append(sign_in("d-04")) == 1
    assert [seq for seq, _ in stored_entries(engine)] == [0, 1]
    assert b'"deputy":"d-04"' in log.entry(1)
    assert motions(engine) == ["m-1"]


def test_a_failing_commit_leaves_the_tree_untouched(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    with log.transaction() as tx:
        tx.session.add(Motion(id="m-1", title="预算草案"))
    root = log.root()
    # The duplicate row is only flushed at commit, after the entry was inserted.
    with pytest.raises(IntegrityError), log.transaction() as tx:
        tx.append(sign_in("d-01"))
        tx.session.add(Motion(id="m-1", title="重复"))
    assert (log.size, log.root()) == (1, root)
    assert [seq for seq, _ in stored_entries(engine)] == [0]
    with log.transaction() as tx:
        assert tx.append(sign_in("d-01")) == 1


def test_missing_required_field_is_named_and_nothing_is_written(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(sign_in("d-01"))
        tx.append({"type": "vote", "poll": "p-1", "deputy": "d-01", "device": "t-1", "body": {}})
    assert caught.value.message == "entry 2 (vote): missing required field choice, sig"
    assert isinstance(caught.value, ValueError)
    assert [seq for seq, _ in stored_entries(engine)] == [0]
    assert log.size == 1


def test_a_refused_batch_appends_none_of_its_entries(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    with log.transaction() as tx:
        tx.append(sign_in("d-01"))
        with pytest.raises(EntryError) as caught:
            tx.append_many([sign_in("d-02"), {"type": "signed_out", "deputy": "d-03"}])
        assert caught.value.message == "entry 3 (signed_out): missing required field by, method"
        assert tx.size == 2
        assert tx.append(sign_in("d-04")) == 2
    assert [seq for seq, _ in stored_entries(engine)] == [0, 1, 2]
    assert b'"deputy":"d-04"' in log.entry(2)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "tea_break"}, "entry 1: unknown entry type 'tea_break'"),
        ({"deputy": "d-01"}, "entry 1: unknown entry type None"),
        (
            {"type": "meeting_closed", "by": "chair", "seq": 7},
            "entry 1 (meeting_closed): 'seq' is assigned by the log and must not be given",
        ),
        (
            {"type": "meeting_closed", "by": "chair", "v": 2},
            "entry 1 (meeting_closed): 'v' must be 1, not 2",
        ),
        (
            {"type": "meeting_closed", "by": "chair", "at": "2026-03-01 09:30"},
            "entry 1 (meeting_closed): 'at' must look like 2026-03-01T09:30:00Z, "
            "not '2026-03-01 09:30'",
        ),
        (
            {"type": "ballot", "poll": "p-1", "receipt": "r", "choice": "for", "deputy": "d-01"},
            "entry 1 (ballot): field deputy not allowed",
        ),
        (
            {"type": "ballot", "poll": "p-1", "receipt": "r", "choice": "for", "at": "x"},
            "entry 1 (ballot): field at not allowed",
        ),
    ],
)
def test_invalid_entries_are_refused(
    log: AuditLog, signer: NoteSigner, engine: Engine, entry: dict[str, Any], message: str
) -> None:
    opened_log(log, signer)
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(entry)
    assert caught.value.message == message
    assert log.size == 1
    assert count_rows(engine, ENTRY_TABLE) == 1


def test_a_log_begins_with_meeting_opened_and_only_there(log: AuditLog, signer: NoteSigner) -> None:
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(sign_in("d-01"))
    assert caught.value.message == (
        "entry 0 (signed_in): a log begins with meeting_opened, and only there"
    )
    other = NoteSigner.generate(ORIGIN)
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(opening(other))
    assert caught.value.message == (
        f"entry 0 (meeting_opened): log_key is not the log's key {signer.vkey()}"
    )
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(opening(signer, origin="elsewhere/1"))
    assert caught.value.message == (
        f"entry 0 (meeting_opened): origin 'elsewhere/1' is not '{ORIGIN}'"
    )
    opened_log(log, signer)
    with pytest.raises(EntryError) as caught, log.transaction() as tx:
        tx.append(opening(signer))
    assert caught.value.message == (
        "entry 1 (meeting_opened): a log begins with meeting_opened, and only there"
    )
    assert log.size == 1


def test_values_outside_canonical_json_are_refused(log: AuditLog, signer: NoteSigner) -> None:
    opened_log(log, signer)
    with pytest.raises(CanonicalError) as caught, log.transaction() as tx:
        tx.append({"type": "meeting_closed", "by": "chair", "quorum": 0.5})
    assert caught.value.message == "entry 1.quorum: floats are not allowed"
    assert log.size == 1


def test_a_closed_transaction_cannot_append(log: AuditLog, signer: NoteSigner) -> None:
    with log.transaction() as tx:
        tx.append(opening(signer))
    with pytest.raises(RuntimeError) as caught:
        tx.append(sign_in("d-01"))
    assert str(caught.value) == f"the transaction on log {ORIGIN} is closed"


def test_a_nested_transaction_in_one_thread_is_an_error_not_a_deadlock(
    log: AuditLog, signer: NoteSigner
) -> None:
    with log.transaction() as tx:
        tx.append(opening(signer))
        with pytest.raises(RuntimeError) as caught:
            log.sign_checkpoint()
        assert str(caught.value) == (
            f"a transaction on log {ORIGIN} is already open in this thread"
        )
    assert log.size == 1


def test_transactions_from_many_threads_get_contiguous_seqs(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        """Ten transactions of three entries; every third one fails and is rolled back."""
        try:
            for round_ in range(10):
                with contextlib.suppress(Boom), log.transaction() as tx:
                    tx.append_many(sign_in(f"{name}-{round_}-{i}") for i in range(3))
                    if round_ % 3 == 0:
                        raise Boom
                if round_ % 4 == 1:
                    log.sign_checkpoint()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = stored_entries(engine)
    assert [seq for seq, _ in rows] == list(range(1 + 6 * 6 * 3))
    assert log.size == len(rows)
    assert log.root() == root_of([leaf_hash(data) for _, data in rows])
    assert all(f'"seq":{seq},'.encode() in data for seq, data in rows)


# Checkpoints ------------------------------------------------------------------------------------


def test_checkpoint_signed_in_the_transaction_of_its_entries(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer, "d-01")
    with log.transaction() as tx:
        closed = {"poll": "p-1", "participants": 2, "issued": 2, "by": "chair"}
        tx.append({"type": "poll_closed", **closed})
        tx.append_many(
            {"type": "ballot", "poll": "p-1", "receipt": f"r-{i}", "choice": "for"}
            for i in range(2)
        )
        note = tx.sign_checkpoint()
        assert log.latest_checkpoint() is None  # not before the commit
        assert log.size == 2
    checkpoint = open_checkpoint(note, [NoteVerifier.from_vkey(log.vkey)], origin=ORIGIN)
    assert (checkpoint.size, checkpoint.root) == (5, log.root())
    assert log.size == 5
    assert log.latest_checkpoint() == note
    assert log.checkpoints() == [(5, note)]
    with engine.connect() as conn:
        row = conn.execute(select(CHECKPOINT_TABLE)).one()
    assert (row.log_origin, row.size, row.note, row.root) == (ORIGIN, 5, note, log.root())


def test_checkpoint_text_is_origin_size_and_base64_root(log: AuditLog, signer: NoteSigner) -> None:
    opened_log(log, signer)
    note = log.sign_checkpoint()
    root = base64.b64encode(log.root()).decode()
    assert note.startswith(f"{ORIGIN}\n1\n{root}\n\n— {ORIGIN} ")
    assert Checkpoint.parse(note.split("\n\n")[0] + "\n") == Checkpoint(ORIGIN, 1, log.root())


def test_an_empty_log_opens_with_size_zero_and_can_be_signed(log: AuditLog) -> None:
    assert (log.size, log.root(), log.latest_checkpoint(), log.checkpoints()) == (
        0,
        EMPTY_ROOT,
        None,
        [],
    )
    note = log.sign_checkpoint()
    assert open_checkpoint(note, [NoteVerifier.from_vkey(log.vkey)]) == Checkpoint(
        ORIGIN, 0, EMPTY_ROOT
    )


def test_signing_again_at_the_same_size_returns_the_stored_note(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer, "d-01")
    first = log.sign_checkpoint()
    assert log.sign_checkpoint() == first
    with log.transaction() as tx:
        assert tx.sign_checkpoint() == first
        tx.append(sign_in("d-02"))
        second = tx.sign_checkpoint()
        assert tx.sign_checkpoint() == second
    assert log.checkpoints() == [(2, first), (3, second)]
    assert count_rows(engine, CHECKPOINT_TABLE) == 2


def test_never_two_checkpoints_of_one_size_with_different_roots(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer, "d-01")
    # Another writer stored a checkpoint of size 2 with a different root.
    forged = b"\x07" * 32
    with engine.begin() as conn:
        conn.execute(
            CHECKPOINT_TABLE.insert(),
            {"log_origin": ORIGIN, "size": 2, "note": "forged", "root": forged},
        )
    with pytest.raises(CheckpointConflictError) as caught:
        log.sign_checkpoint()
    assert caught.value.message == (
        f"log {ORIGIN}: a checkpoint of size 2 with root {forged.hex()} is stored; "
        f"refusing to sign root {log.root().hex()}"
    )
    assert log.checkpoints() == [(2, "forged")]
    assert log.latest_checkpoint() is None


def test_a_checkpoint_stored_by_another_writer_with_the_same_root_is_reused(
    engine: Engine, signer: NoteSigner, clock: FakeClock
) -> None:
    first = opened_log(AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock), signer)
    second = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    note = first.sign_checkpoint()
    assert second.sign_checkpoint() == note
    assert count_rows(engine, CHECKPOINT_TABLE) == 1


# Restart ----------------------------------------------------------------------------------------


def test_the_tree_survives_a_restart_and_its_proofs_verify(
    tmp_path: Path, signer: NoteSigner, clock: FakeClock
) -> None:
    engine = new_engine(tmp_path)
    log = opened_log(AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock), signer)
    notes = [log.sign_checkpoint()]
    for batch in range(4):
        with log.transaction() as tx:
            tx.append_many(sign_in(f"d-{batch}-{i}") for i in range(batch * 3 + 1))
        notes.append(log.sign_checkpoint())
    size, root = log.size, log.root()
    engine.dispose()

    engine = new_engine(tmp_path)
    reopened = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert (reopened.size, reopened.root()) == (size, root) == (23, root)
    assert reopened.latest_checkpoint() == notes[-1]
    assert reopened.checkpoints() == [(cp.size, note) for cp, note in checkpoints(notes, signer)]

    verifier = NoteVerifier.from_vkey(signer.vkey())
    heads = [open_checkpoint(note, [verifier], origin=ORIGIN) for note in notes]
    for head in heads:
        for seq in range(head.size):
            proof = reopened.inclusion_proof(seq, head.size)
            verify_inclusion(leaf_hash(reopened.entry(seq)), seq, head.size, proof, head.root)
    for older in heads:
        for newer in heads:
            if older.size <= newer.size:
                proof = reopened.consistency_proof(older.size, newer.size)
                verify_consistency(older.size, newer.size, proof, older.root, newer.root)
    assert reopened.inclusion_proof(22) == reopened.inclusion_proof(22, 23)

    with reopened.transaction() as tx:
        assert tx.append(sign_in("d-late")) == 23
    engine.dispose()


def checkpoints(notes: list[str], signer: NoteSigner) -> list[tuple[Checkpoint, str]]:
    verifier = NoteVerifier.from_vkey(signer.vkey())
    return [(open_checkpoint(note, [verifier]), note) for note in notes]


def test_a_stored_leaf_hash_that_does_not_match_its_data_is_named(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer, "d-01", "d-02")
    data = b'{"at":"2026-03-01T09:30:00Z","by":"chair","seq":3,"type":"meeting_closed","v":1}'
    wrong = leaf_hash(data + b" ")
    with engine.begin() as conn:
        conn.execute(
            ENTRY_TABLE.insert(),
            {"log_origin": ORIGIN, "seq": 3, "data": data, "leaf_hash": wrong},
        )
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert caught.value.seq == 3
    assert caught.value.message == (
        f"log {ORIGIN}: entry 3: the stored leaf hash {wrong.hex()} is not the hash of its "
        f"data ({leaf_hash(data).hex()})"
    )


def test_a_missing_seq_is_named(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer, "d-01")
    data = b'{"at":"2026-03-01T09:30:00Z","by":"chair","seq":5,"type":"meeting_closed","v":1}'
    with engine.begin() as conn:
        conn.execute(
            ENTRY_TABLE.insert(),
            {"log_origin": ORIGIN, "seq": 5, "data": data, "leaf_hash": leaf_hash(data)},
        )
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert caught.value.seq == 2
    assert caught.value.message == (
        f"log {ORIGIN}: entry 2 is missing (the next stored entry is 5)"
    )


def test_data_changed_behind_the_triggers_is_detected(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer, "d-01", "d-02")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        conn.execute(
            text(
                "UPDATE audit_entry SET data = CAST(replace(data, 'd-01', 'd-99') AS BLOB) "
                "WHERE seq = 1"
            )
        )
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert caught.value.seq == 1
    assert caught.value.message.startswith(f"log {ORIGIN}: entry 1: the stored leaf hash ")


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_checkpoint(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer, "d-01", "d-02")
    log.sign_checkpoint()
    forged = log.entry(1).replace(b"d-01", b"d-99")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        conn.execute(
            ENTRY_TABLE.update().where(ENTRY_TABLE.c.seq == 1),
            {"data": forged, "leaf_hash": leaf_hash(forged)},
        )
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert caught.value.message == (
        f"log {ORIGIN}: the stored entries 0..2 do not have the root of the checkpoint of size 3"
    )


def test_a_checkpoint_beyond_the_stored_entries_is_detected(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer)
    with engine.begin() as conn:
        conn.execute(
            CHECKPOINT_TABLE.insert(),
            {"log_origin": ORIGIN, "size": 9, "note": "n", "root": b"\x00" * 32},
        )
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert caught.value.message == (
        f"log {ORIGIN}: a checkpoint of size 9 is stored but there are only 1 entries"
    )


def test_opening_with_another_key_fails_on_the_stored_checkpoint(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    opened_log(log, signer)
    log.sign_checkpoint()
    other = NoteSigner.generate(ORIGIN)
    with pytest.raises(LogCorruptedError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=other, clock=clock)
    assert caught.value.message.startswith(
        f"log {ORIGIN}: the checkpoint of size 1 does not verify under the log key "
        f"{other.vkey()}: note has no signature from a known key"
    )


def test_the_signer_must_be_named_after_the_origin(engine: Engine, clock: FakeClock) -> None:
    with pytest.raises(ValueError) as caught:
        AuditLog.open(engine, origin=ORIGIN, signer=NoteSigner.generate("elsewhere/1"), clock=clock)
    assert str(caught.value) == f"the signing key is named 'elsewhere/1', not '{ORIGIN}'"


def test_logs_of_different_meetings_share_a_database(
    engine: Engine, log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    origin = "xinzhou.congress.local/2026-4"
    other_signer = NoteSigner.generate(origin)
    other = AuditLog.open(engine, origin=origin, signer=other_signer, clock=clock)
    opened_log(log, signer, "d-01", "d-02")
    with other.transaction() as tx:
        assert tx.append(opening(other_signer, origin)) == 0
    log.sign_checkpoint()
    other.sign_checkpoint()
    reopened = AuditLog.open(engine, origin=origin, signer=other_signer, clock=clock)
    assert (log.size, reopened.size) == (3, 1)
    assert [seq for seq, _ in stored_entries(engine, origin)] == [0]
    assert [size for size, _ in reopened.checkpoints()] == [1]


# Reading ----------------------------------------------------------------------------------------


def test_entries_are_streamed_in_batches(
    log: AuditLog, signer: NoteSigner, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_log(log, signer, *(f"d-{i:02}" for i in range(9)))
    monkeypatch.setattr(store, "BATCH_SIZE", 4)
    everything = [data for _, data in stored_entries(engine)]
    assert list(log.entries()) == everything
    assert list(log.entries(3, 9)) == everything[3:9]
    assert list(log.entries(10)) == []
    with pytest.raises(ValueError) as caught:
        log.entries(0, 11)
    assert str(caught.value) == "entries 0..11 are outside 0..10, the log's size"
    with pytest.raises(IndexError) as index_error:
        log.entry(10)
    assert str(index_error.value) == f"log {ORIGIN} has no entry 10 (size 10)"


def test_a_reopened_log_loads_in_batches(
    engine: Engine,
    log: AuditLog,
    signer: NoteSigner,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened_log(log, signer, *(f"d-{i:02}" for i in range(9)))
    monkeypatch.setattr(store, "BATCH_SIZE", 3)
    reopened = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert (reopened.size, reopened.root()) == (10, log.root())


# Export -----------------------------------------------------------------------------------------


def test_export_signs_a_covering_checkpoint_and_writes_the_bundle(
    log: AuditLog,
    signer: NoteSigner,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened_log(log, signer, "d-01")
    first = log.sign_checkpoint()
    with log.transaction() as tx:
        tx.append_many(sign_in(f"d-{i}") for i in range(2, 7))
    monkeypatch.setattr(store, "PROGRESS_EVERY", 3)
    reports: list[tuple[int, int]] = []
    out = tmp_path / "bundle"
    assert log.export(out, progress=lambda done, total: reports.append((done, total))) == (7, 2)
    assert reports == [(3, 7), (6, 7)]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "README.txt",
        "checkpoints",
        "checkpoints/0000000002.txt",
        "checkpoints/0000000007.txt",
        "entries.jsonl",
        "log.vkey",
    ]
    assert (out / "log.vkey").read_text() == signer.vkey() + "\n"
    assert (out / "entries.jsonl").read_bytes() == b"".join(
        data + b"\n" for _, data in stored_entries(engine)
    )
    assert (out / "checkpoints" / "0000000002.txt").read_text() == first
    assert (out / "checkpoints" / "0000000007.txt").read_text() == log.latest_checkpoint()
    bundle = read_bundle(out)
    assert [cp.size for cp in bundle.checkpoints] == [2, 7]

    # Already covered: no new checkpoint is signed.
    assert log.export(tmp_path / "again") == (7, 2)
    assert count_rows(engine, CHECKPOINT_TABLE) == 2


def test_export_refuses_a_non_empty_directory(
    log: AuditLog, signer: NoteSigner, tmp_path: Path
) -> None:
    opened_log(log, signer)
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        log.export(out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
