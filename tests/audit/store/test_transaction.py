"""Appending entries: one database transaction per command, all or nothing, contiguous seqs."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from audit.errors import CanonicalError, EntryError
from audit.merkle import leaf_hash, root_of
from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
    ENTRY_TABLE,
)
from tests.audit.store.helpers import (
    OPENED_AT,
    ORIGIN,
    Boom,
    FakeClock,
    Motion,
    count_rows,
    motions,
    opened_log,
    opening,
    sign_in,
    stored_entries,
)


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


def test_a_given_time_is_kept(log: AuditLog, signer: NoteSigner, engine: Engine) -> None:
    opened_log(log, signer)
    with log.transaction() as tx:
        tx.append({"type": "meeting_closed", "by": "chair", "at": "2026-03-01T11:00:00Z"})
    assert log.entry(1) == (
        b'{"at":"2026-03-01T11:00:00Z","by":"chair","seq":1,"type":"meeting_closed","v":1}'
    )


def test_time_is_written_in_utc_from_one_clock_reading_per_call(
    log: AuditLog, signer: NoteSigner, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 3, 1, 17, 30, 5, tzinfo=timezone(timedelta(hours=8)))
    with log.transaction() as tx:
        tx.append_many([opening(signer), sign_in("d-01"), sign_in("d-02")])
        tx.append({"type": "meeting_closed", "by": "chair", "at": "2026-03-01T11:00:00Z"})
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
            {"type": "ballot", "poll": "p-1", "receipt": "r", "choice": "for"},
            "entry 1: type ballot belongs to the sealed-ballot protocol, retired in this version",
        ),
        (
            {"type": "participation", "poll": "p-1", "deputy": "d-01", "device": "t-01"},
            "entry 1: type participation belongs to the sealed-ballot protocol, retired in this "
            "version",
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
