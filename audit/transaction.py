"""One open database transaction that appends entries to a log (see
:meth:`audit.store.AuditLog.transaction`, which opens and commits it).

The transaction builds entries with :func:`audit.entry_builder.build_entries`, inserts them and
any checkpoint through its session, and remembers what it added. When the database transaction
ends, the log calls :meth:`LogTransaction.close` and, after a commit, advances its in-memory
state with the :class:`Appended` that returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.entries import format_at
from audit.entry_builder import LogPosition, build_entries, needs_time
from audit.errors import CheckpointConflictError
from audit.log_state import LogState, SignedHead
from audit.note import NoteSigner
from audit.tables import CHECKPOINT_TABLE, insert_entry_rows

__all__ = ["Appended", "Clock", "LogTransaction"]

#: Returns the current time, timezone-aware.
Clock = Callable[[], datetime]

_checkpoint = CHECKPOINT_TABLE.c


@dataclass(frozen=True)
class Appended:
    """What a closed transaction added: its entries' leaf hashes, in seq order, and the
    checkpoint it signed (``None`` if it signed none)."""

    leaves: tuple[bytes, ...]
    head: SignedHead | None


class LogTransaction:
    """One open database transaction on a log.

    ``state`` is the log's committed tree; the log's write lock, held by the caller, keeps it
    from changing while the transaction is open.
    """

    def __init__(
        self,
        session: Session,
        *,
        signer: NoteSigner,
        clock: Clock,
        state: LogState,
    ) -> None:
        #: The session of this transaction, for the caller's own rows.
        self.session = session
        self._signer = signer
        self._clock = clock
        self._state = state
        self._origin = signer.name
        self._log_key = signer.vkey()
        self._base = state.size
        self._leaves: list[bytes] = []
        #: The bytes of every entry appended in this transaction, in seq order.
        self.appended: list[bytes] = []
        self._head: SignedHead | None = None
        self._closed = False

    @property
    def size(self) -> int:
        """The log's size including the entries appended in this transaction."""
        return self._base + len(self._leaves)

    def append(self, entry: Mapping[str, Any]) -> int:
        """Append one entry and return its ``seq``; see :meth:`append_many`."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Iterable[Mapping[str, Any]]) -> range:
        """Append entries in order and return their sequence numbers.

        Each entry gets ``v`` and ``seq``, and ``at`` from the clock unless it is a ballot or
        already has one (the clock is read at most once per call). Raises
        :class:`audit.errors.EntryError` (a :class:`ValueError`) naming the problem if any entry
        is invalid, and then appends none of them.
        """
        self._require_open()
        batch = list(entries)
        at = format_at(self._clock()) if any(needs_time(entry) for entry in batch) else None
        position = LogPosition(self._origin, self._log_key, self.size)
        built = build_entries(batch, position, at=at)
        if built:
            rows = [(self._origin, e.seq, e.data, e.leaf_hash) for e in built]
            insert_entry_rows(self.session.connection(), rows)
            self._leaves.extend(e.leaf_hash for e in built)
            self.appended.extend(e.data for e in built)
        return range(position.size, position.size + len(built))

    def sign_checkpoint(self) -> str:
        """Sign a checkpoint covering every entry so far, this transaction's included, and store
        it in this transaction. Returns the note (the stored one if that size is signed)."""
        self._require_open()
        size = self.size
        head = self._head or self._state.latest
        if head is not None and head.size == size:
            return head.note
        root = self._state.compact_range(self._base, self._leaves).root()
        query = select(_checkpoint.root, _checkpoint.note).where(
            _checkpoint.log_origin == self._origin, _checkpoint.size == size
        )
        stored = self.session.connection().execute(query).one_or_none()
        if stored is not None:
            if bytes(stored.root) != root:
                raise CheckpointConflictError(
                    f"log {self._origin}: a checkpoint of size {size} with root "
                    f"{bytes(stored.root).hex()} is stored; refusing to sign root {root.hex()}"
                )
            note = str(stored.note)
        else:
            note = sign_checkpoint(Checkpoint(self._origin, size, root), self._signer)
            self.session.connection().execute(
                insert(CHECKPOINT_TABLE),
                [{"log_origin": self._origin, "size": size, "note": note, "root": root}],
            )
        self._head = SignedHead(size, root, note)
        return note

    def close(self) -> Appended:
        """End the transaction (later calls to append or sign fail) and return what it added,
        for the log to apply once the database transaction has committed."""
        self._closed = True
        return Appended(tuple(self._leaves), self._head)

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the transaction on log {self._origin} is closed")
