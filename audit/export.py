"""Export a stored log as a bundle (audit-log.md §7): its key, every entry and every checkpoint,
up to a checkpoint that covers the whole log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from audit.bundle import write_bundle

if TYPE_CHECKING:
    from audit.store import AuditLog

__all__ = ["PROGRESS_EVERY", "Progress", "export_log"]

#: How often :func:`export_log` reports progress, in entries.
PROGRESS_EVERY: Final = 100_000

#: ``progress(entries_written, total)``, called every :data:`PROGRESS_EVERY` entries.
Progress = Callable[[int, int], None]


def export_log(
    log: AuditLog, directory: Path, *, progress: Progress | None = None
) -> tuple[int, int]:
    """Write the export bundle of ``log`` to ``directory`` (which must be missing or empty).

    Signs a checkpoint first if the newest one does not cover every entry; the bundle ends at
    that checkpoint. Returns the number of entries and of checkpoints written.
    """
    head = log.latest_head()
    if head is None or head.size != log.size:
        log.sign_checkpoint()
        head = log.latest_head()
        assert head is not None
    size = head.size
    checkpoints = [(cp_size, note) for cp_size, note in log.checkpoints() if cp_size <= size]
    write_bundle(
        Path(directory),
        vkey=log.vkey,
        entries=_report_progress(log.entries(0, size), size, progress),
        checkpoints=checkpoints,
    )
    return size, len(checkpoints)


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
