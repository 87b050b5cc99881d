"""Export a stored log as a bundle (audit-log.md §7): its key, every entry and every checkpoint,
up to a checkpoint that covers the whole log."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from audit.bundle import DOCUMENTS_DIR, document_file_name, write_bundle

if TYPE_CHECKING:
    from audit.store import AuditLog

__all__ = ["PROGRESS_EVERY", "Progress", "export_log"]

#: How often :func:`export_log` reports progress, in entries.
PROGRESS_EVERY: Final = 100_000

#: ``progress(entries_written, total)``, called every :data:`PROGRESS_EVERY` entries.
Progress = Callable[[int, int], None]


def export_log(
    log: AuditLog,
    directory: Path,
    *,
    progress: Progress | None = None,
    documents: Path | None = None,
) -> tuple[int, int]:
    """Write the export bundle of ``log`` to ``directory`` (which must be missing or empty).

    Every checkpoint carries the tablets' cosignature lines stored for it (audit-log.md §8).
    Signs a checkpoint first if the newest one does not cover every entry; the bundle ends at
    that checkpoint. ``documents``: the folder holding the documents by SHA-256
    (``<sha256>.pdf``); every document a ``document_added`` entry logs is copied into the
    bundle (FileNotFoundError when one is missing there). Returns the number of entries and of
    checkpoints written.
    """
    head = log.latest_head()
    if head is None or head.size != log.size:
        log.sign_checkpoint()
        head = log.latest_head()
        assert head is not None
    size = head.size
    checkpoints = [
        (cp_size, log.cosigned_note(cp_size, note))
        for cp_size, note in log.checkpoints()
        if cp_size <= size
    ]
    logged: list[str] = []
    entries = _collect_documents(log.entries(0, size), logged)
    write_bundle(
        Path(directory),
        vkey=log.vkey,
        entries=_report_progress(entries, size, progress),
        checkpoints=checkpoints,
    )
    if logged:
        _copy_documents(logged, documents, Path(directory))
    return size, len(checkpoints)


def _collect_documents(entries: Iterator[bytes], logged: list[str]) -> Iterator[bytes]:
    """Pass ``entries`` through, adding to ``logged`` the hash of each document they log."""
    for data in entries:
        if b'"type":"document_added"' in data:
            entry = json.loads(data)
            if entry["type"] == "document_added":
                logged.append(entry["sha256"])
        yield data


def _copy_documents(logged: list[str], source: Path | None, bundle: Path) -> None:
    if source is None:
        raise FileNotFoundError(
            f"the log names {len(logged)} documents, but no documents folder was given"
        )
    (bundle / DOCUMENTS_DIR).mkdir()
    for sha256 in dict.fromkeys(logged):
        found = Path(source) / f"{sha256}.pdf"
        if not found.is_file():
            raise FileNotFoundError(f"document {sha256} is logged but not stored in {source}")
        shutil.copyfile(found, bundle / document_file_name(sha256))


def _report_progress(
    entries: Iterator[bytes], total: int, progress: Progress | None
) -> Iterator[bytes]:
    if progress is None:
        yield from entries
        return
    for count, data in enumerate(entries, start=1):
        yield data
        if count % PROGRESS_EVERY == 0:
            progress(count, total)
