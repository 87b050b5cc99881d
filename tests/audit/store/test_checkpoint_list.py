"""Every signed checkpoint stays readable: a page of them after a size, one by its size, and
both again after the log is reopened."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from audit.checkpoint import open_checkpoint
from audit.note import NoteSigner, NoteVerifier
from audit.store import AuditLog
from tests.audit.store.helpers import ORIGIN, FakeClock, opened_log, sign_in


def signed_three(log: AuditLog, signer: NoteSigner) -> list[tuple[int, str]]:
    """Checkpoints at sizes 1, 3 and 4."""
    opened_log(log, signer)
    notes = [(1, log.sign_checkpoint())]
    with log.transaction() as tx:
        tx.append_many(sign_in(deputy) for deputy in ("d-01", "d-02"))
        notes.append((3, tx.sign_checkpoint()))
    with log.transaction() as tx:
        tx.append(sign_in("d-03"))
        notes.append((4, tx.sign_checkpoint()))
    return notes


def test_pages_of_checkpoints_oldest_first(log: AuditLog, signer: NoteSigner) -> None:
    notes = signed_three(log, signer)
    assert log.checkpoints_after(None, 10) == notes
    assert log.checkpoints_after(None, 2) == notes[:2]
    assert log.checkpoints_after(1, 1) == [notes[1]]
    assert log.checkpoints_after(3, 5) == [notes[2]]
    assert log.checkpoints_after(4, 5) == []
    verifier = NoteVerifier.from_vkey(log.vkey)
    for size, note in notes:
        checkpoint = open_checkpoint(note, [verifier], origin=ORIGIN)
        assert (checkpoint.size, checkpoint.root) == (size, log.root(size))


def test_a_page_holds_at_least_one(log: AuditLog) -> None:
    with pytest.raises(ValueError, match="at least 1, not 0"):
        log.checkpoints_after(None, 0)


def test_one_checkpoint_by_its_size(log: AuditLog, signer: NoteSigner) -> None:
    notes = dict(signed_three(log, signer))
    assert log.checkpoint_at(3) == notes[3]
    assert log.checkpoint_at(1) == notes[1]
    assert log.checkpoint_at(2) is None  # no checkpoint was signed at size 2
    assert log.checkpoint_at(5) is None  # beyond the log


def test_reopening_keeps_every_checkpoint(
    log: AuditLog, signer: NoteSigner, engine: Engine, clock: FakeClock
) -> None:
    notes = signed_three(log, signer)
    reopened = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    assert reopened.checkpoints_after(None, 10) == notes
    assert reopened.checkpoint_at(3) == dict(notes)[3]
