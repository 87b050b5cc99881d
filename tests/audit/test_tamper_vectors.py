"""Every tamper vector under ``vectors/`` fails at exactly its check, with its message.

A vector is a bundle directory plus ``expect.json`` (``check``: the number of the check that
must fail, ``null`` for a bundle that must pass; ``message``: a substring of one of that check's
failures). Adding an attack means adding a folder (``python -m tests.audit.make_vectors``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.verify import Status, verify_bundle
from tests.audit.make_vectors import EXPECT_FILE, VECTORS_DIR, generate
from tests.audit.meeting_builder import MeetingBuilder

#: The key printed in the minutes: the standard meeting's log key, derived from its seed.
MINUTES_VKEY = MeetingBuilder().vkey

REQUIRED = {
    "untouched",
    "bit-flip",
    "dropped-entry",
    "swapped-entries",
    "inserted-entry",
    "truncated-tail",
    "checkpoint-other-key",
    "checkpoint-wrong-root",
    "non-canonical-entry",
    "vote-after-close",
    "second-vote-under-first",
    "sealed-participation",
    "sealed-ballot",
    "result-mismatch",
    "ceremony-complete",
    "key-of-another-ceremony",
    "ceremony-fault-unrecorded",
    "station-signature-forged",
}


def vector_dirs() -> list[Path]:
    if not VECTORS_DIR.is_dir():
        return []
    return sorted(path for path in VECTORS_DIR.iterdir() if (path / EXPECT_FILE).is_file())


def read_expect(vector: Path) -> dict[str, Any]:
    expect: dict[str, Any] = json.loads((vector / EXPECT_FILE).read_text(encoding="utf-8"))
    return expect


def test_required_vectors_are_present() -> None:
    missing = REQUIRED - {path.name for path in vector_dirs()}
    assert not missing


@pytest.mark.parametrize("vector", vector_dirs(), ids=lambda path: path.name)
def test_vector(vector: Path) -> None:
    expect = read_expect(vector)
    report = verify_bundle(vector, vkey=MINUTES_VKEY)
    check = expect["check"]
    if check is None:
        assert report.ok, [c.failures for c in report.checks if not c.ok]
        assert [c.status for c in report.checks] == [Status.PASSED] * 10
        return
    assert not report.ok
    statuses = [c.status for c in report.checks]
    assert statuses == [Status.PASSED] * check + [Status.FAILED] + [Status.NOT_RUN] * (9 - check)
    failed = report.checks[check]
    assert any(expect["message"] in failure for failure in failed.failures), failed.failures


@pytest.mark.parametrize("workers", [2])
def test_vectors_fail_alike_with_worker_processes(workers: int) -> None:
    """Signatures checked in worker processes give the same report as inline."""
    for name in ("untouched", "forged-tablet-signature", "replayed-counter"):
        vector = VECTORS_DIR / name
        inline = verify_bundle(vector, vkey=MINUTES_VKEY, workers=1)
        pooled = verify_bundle(vector, vkey=MINUTES_VKEY, workers=workers)
        assert pooled == inline


def test_regenerating_reproduces_the_committed_vectors(tmp_path: Path) -> None:
    names = generate(tmp_path)
    committed = {path.name for path in vector_dirs()}
    assert set(names) == committed
    for name in names:
        fresh = _files(tmp_path / name)
        stored = _files(VECTORS_DIR / name)
        assert fresh.keys() == stored.keys(), name
        for relative, data in fresh.items():
            assert data == stored[relative], f"{name}/{relative} differs from a fresh build"


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
