"""Opening a stored log again: the tree is rebuilt and every stored row and checkpoint checked."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from audit import tables
from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import LogCorruptedError
from audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from audit.note import NoteSigner, NoteVerifier
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
    ENTRY_TABLE,
)
from tests.audit.store.helpers import (
    ORIGIN,
    FakeClock,
    new_engine,
    opened_log,
    opening,
    sign_in,
    stored_entries,
)
from tests.stores import Store, drop_entry_update_trigger


def test_the_tree_survives_a_restart_and_its_proofs_verify(
    store: Store, signer: NoteSigner, clock: FakeClock
) -> None:
    engine = new_engine(store.url)
    log = opened_log(AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock), signer)
    notes = [log.sign_checkpoint()]
    for batch in range(4):
        with log.transaction() as tx:
            tx.append_many(sign_in(f"d-{batch}-{i}") for i in range(batch * 3 + 1))
        notes.append(log.sign_checkpoint())
    size, root = log.size, log.root()
    engine.dispose()

    engine = new_engine(store.url)
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
    changed = log.entry(1).replace(b"d-01", b"d-99")
    with engine.begin() as conn:
        drop_entry_update_trigger(conn)
        conn.execute(ENTRY_TABLE.update().where(ENTRY_TABLE.c.seq == 1), {"data": changed})
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
        drop_entry_update_trigger(conn)
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


def test_a_reopened_log_loads_in_batches(
    engine: Engine,
    log: AuditLog,
    signer: NoteSigner,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened_log(log, signer, *(f"d-{i:02}" for i in range(9)))
    monkeypatch.setattr(tables, "BATCH_SIZE", 3)
    reopened = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert (reopened.size, reopened.root()) == (10, log.root())
