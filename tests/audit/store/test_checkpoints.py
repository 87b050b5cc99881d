"""Signing checkpoints in a transaction: never two roots for one size."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import Engine, select

from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import CheckpointConflictError
from audit.merkle import EMPTY_ROOT
from audit.note import NoteSigner, NoteVerifier
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
)
from tests.audit.store.helpers import (
    ORIGIN,
    FakeClock,
    count_rows,
    opened_log,
    sign_in,
)


def test_checkpoint_signed_in_the_transaction_of_its_entries(
    log: AuditLog, signer: NoteSigner, engine: Engine
) -> None:
    opened_log(log, signer, "d-01")
    with log.transaction() as tx:
        closed = {"poll": "p-1", "participants": 2, "issued": 2, "by": "chair"}
        tx.append({"type": "poll_closed", **closed})
        tx.append_many(
            {"type": "result_announced", "poll": f"p-{i}", "by": "chair"} for i in range(2)
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
