"""Reading committed entries back: one entry, or a stream in batches."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from audit import tables
from audit.note import NoteSigner
from audit.store import AuditLog
from tests.audit.store.helpers import (
    ORIGIN,
    opened_log,
    stored_entries,
)


def test_entries_are_streamed_in_batches(
    log: AuditLog, signer: NoteSigner, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened_log(log, signer, *(f"d-{i:02}" for i in range(9)))
    monkeypatch.setattr(tables, "BATCH_SIZE", 4)
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
