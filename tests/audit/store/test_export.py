"""Exporting a stored log as a bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from audit import export
from audit.bundle import read_bundle
from audit.note import NoteSigner
from audit.store import AuditLog
from audit.tables import (
    CHECKPOINT_TABLE,
)
from tests.audit.store.helpers import (
    count_rows,
    opened_log,
    sign_in,
    stored_entries,
)


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
    monkeypatch.setattr(export, "PROGRESS_EVERY", 3)
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
