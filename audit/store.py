"""The meeting server's audit log: entries and signed checkpoints stored in the database.

One server command is one database transaction holding both its domain changes and its audit
entries; the in-memory Merkle tree advances only after that transaction commits::

    log = AuditLog.open(engine, origin=origin, signer=signer, clock=clock)
    with log.transaction() as tx:
        tx.session.add(row)                  # the command's own rows
        seq = tx.append({"type": "vote", ...})
        note = tx.sign_checkpoint()          # optional: covers this transaction's entries
    # committed: acknowledge now

Transactions on one log are serialised by a lock held for the whole ``with`` block, so sequence
numbers stay contiguous even when a transaction rolls back. Opening a log re-hashes every stored
entry, rebuilds the tree and checks it against the stored checkpoints (:mod:`audit.reopen`).

The parts: :mod:`audit.entry_builder` turns entries into stored bytes (a pure function),
:mod:`audit.transaction` is one open write, :mod:`audit.log_state` the committed tree,
:mod:`audit.export` writes the bundle. Errors (:mod:`audit.errors`): ``EntryError`` (also a
``ValueError``) when an entry cannot be appended, ``LogCorruptedError`` when the stored rows
disagree with each other or with a checkpoint, ``CheckpointConflictError`` when a checkpoint of
the same size but another root is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session

from audit import tables
from audit.errors import LogCorruptedError
from audit.export import Progress, export_log
from audit.keys import check_key_name
from audit.log_state import LogState, SignedHead
from audit.note import NoteSigner
from audit.reopen import check_checkpoints, load_tree
from audit.tables import CHECKPOINT_TABLE, COSIGNATURE_TABLE, ENTRY_TABLE, IMMEDIATE
from audit.transaction import Clock, LogTransaction

# LogCorruptedError is named here for the server's export command, which imports it from here.
__all__ = ["AuditLog", "LogCorruptedError"]

_entry = ENTRY_TABLE.c
_checkpoint = CHECKPOINT_TABLE.c
_cosignature = COSIGNATURE_TABLE.c


class AuditLog:
    """One meeting's log in the database. Create with :meth:`open`; thread-safe."""

    def __init__(
        self, engine: Engine, *, signer: NoteSigner, clock: Clock, state: LogState
    ) -> None:
        self._engine = engine
        self._origin = signer.name
        self._signer = signer
        self._clock = clock
        self._state = state
        # Held for a whole write transaction.
        self._lock = threading.Lock()
        self._lock_owner: int | None = None

    @classmethod
    def open(cls, engine: Engine, *, origin: str, signer: NoteSigner, clock: Clock) -> AuditLog:
        """Open the log named ``origin`` (size 0 if it has no entries yet).

        Re-hashes every stored entry and rebuilds the tree; raises :class:`LogCorruptedError`
        naming the first entry whose sequence number is missing or whose stored leaf hash does
        not match its bytes, or if a stored checkpoint disagrees with the tree or does not
        verify under ``signer``'s key. The audit tables must exist
        (:func:`audit.tables.init_schema`).
        """
        check_key_name(origin)
        if signer.name != origin:
            raise ValueError(f"the signing key is named {signer.name!r}, not {origin!r}")
        tree = load_tree(engine, origin)
        latest = check_checkpoints(engine, origin, tree, signer.verifier())
        return cls(engine, signer=signer, clock=clock, state=LogState(tree, latest))

    # Reading -----------------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def vkey(self) -> str:
        """The verifier key of the log's signing key."""
        return self._signer.vkey()

    @property
    def size(self) -> int:
        """The number of committed entries."""
        return self._state.size

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root of the first ``size`` committed entries (default: all)."""
        return self._state.root(size)

    def inclusion_proof(self, seq: int, size: int | None = None) -> list[bytes]:
        """The inclusion proof of entry ``seq`` in the tree of ``size`` entries (default: all)."""
        return self._state.inclusion_proof(seq, size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """The proof that the tree of ``size1`` entries is a prefix of that of ``size2``."""
        return self._state.consistency_proof(size1, size2)

    def latest_head(self) -> SignedHead | None:
        """The newest signed checkpoint (size, root and note), or ``None``."""
        return self._state.latest

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note, or ``None`` if none was signed yet."""
        head = self._state.latest
        return None if head is None else head.note

    def checkpoints(self) -> list[tuple[int, str]]:
        """Every stored checkpoint as (tree size, signed note), by increasing size."""
        size = self.size
        query = (
            select(_checkpoint.size, _checkpoint.note)
            .where(_checkpoint.log_origin == self._origin, _checkpoint.size <= size)
            .order_by(_checkpoint.size)
        )
        with self._engine.connect() as conn:
            return [(int(row.size), str(row.note)) for row in conn.execute(query)]

    def checkpoints_after(self, after: int | None, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` stored checkpoints of a tree size above ``after`` (every one when
        ``None``), as (tree size, signed note) by increasing size: one page of the public list."""
        if limit < 1:
            raise ValueError(f"a page of checkpoints holds at least 1, not {limit}")
        query = select(_checkpoint.size, _checkpoint.note).where(
            _checkpoint.log_origin == self._origin, _checkpoint.size <= self.size
        )
        if after is not None:
            query = query.where(_checkpoint.size > after)
        query = query.order_by(_checkpoint.size).limit(limit)
        with self._engine.connect() as conn:
            return [(int(row.size), str(row.note)) for row in conn.execute(query)]

    def checkpoint_at(self, size: int) -> str | None:
        """The signed note of the stored checkpoint of tree size ``size``, or ``None``."""
        if not 0 <= size <= self.size:
            return None
        query = select(_checkpoint.note).where(
            _checkpoint.log_origin == self._origin, _checkpoint.size == size
        )
        with self._engine.connect() as conn:
            note = conn.execute(query).scalar_one_or_none()
        return None if note is None else str(note)

    def cosignatures(self, size: int) -> list[tuple[str, str]]:
        """The tablet cosignatures stored for the checkpoint of tree size ``size``, as
        (device, signature line), by device."""
        query = (
            select(_cosignature.device, _cosignature.line)
            .where(_cosignature.log_origin == self._origin, _cosignature.size == size)
            .order_by(_cosignature.device)
        )
        with self._engine.connect() as conn:
            return [(str(row.device), str(row.line)) for row in conn.execute(query)]

    def cosigned_note(self, size: int, note: str) -> str:
        """The checkpoint ``note`` of tree size ``size`` with its stored cosignature lines
        appended (C2SP tlog-cosignature: witnesses add signature lines to the note)."""
        lines = [line for _, line in self.cosignatures(size)]
        return note + "".join(f"{line}\n" for line in lines)

    def add_cosignature(self, size: int, device: str, line: str) -> bool:
        """Store a verified cosignature of the stored checkpoint of size ``size``; whether it
        is new (False: this device had cosigned that checkpoint already, kept as it was)."""
        if self.checkpoint_at(size) is None:
            raise ValueError(f"log {self._origin} has no checkpoint of tree size {size}")
        row = {"log_origin": self._origin, "size": size, "device": device, "line": line}
        with self._lock, self._engine.begin() as conn:
            exists = conn.execute(
                select(_cosignature.line).where(
                    _cosignature.log_origin == self._origin,
                    _cosignature.size == size,
                    _cosignature.device == device,
                )
            ).first()
            if exists is not None:
                return False
            conn.execute(COSIGNATURE_TABLE.insert().values(**row))
        return True

    def entry(self, seq: int) -> bytes:
        """The stored bytes of committed entry ``seq``; :class:`IndexError` if there is none."""
        size = self.size
        if not 0 <= seq < size:
            raise IndexError(f"log {self._origin} has no entry {seq} (size {size})")
        query = select(_entry.data).where(_entry.log_origin == self._origin, _entry.seq == seq)
        with self._engine.connect() as conn:
            data = conn.execute(query).scalar_one_or_none()
        if data is None:
            raise LogCorruptedError(f"log {self._origin}: entry {seq} is missing", seq)
        return bytes(data)

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Stream the bytes of committed entries ``start`` to ``end`` (exclusive; default: all),
        reading :data:`audit.tables.BATCH_SIZE` rows per query."""
        size = self.size
        if end is None:
            end = size
        if not 0 <= start <= end <= size:
            raise ValueError(f"entries {start}..{end} are outside 0..{size}, the log's size")
        return self._stream(start, end)

    def _stream(self, start: int, end: int) -> Iterator[bytes]:
        seq = start
        while seq < end:
            query = (
                select(_entry.seq, _entry.data)
                .where(_entry.log_origin == self._origin, _entry.seq >= seq, _entry.seq < end)
                .order_by(_entry.seq)
                .limit(tables.BATCH_SIZE)
            )
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                raise LogCorruptedError(f"log {self._origin}: entry {seq} is missing", seq)
            for row in rows:
                if row.seq != seq:
                    raise LogCorruptedError(f"log {self._origin}: entry {seq} is missing", seq)
                yield bytes(row.data)
                seq += 1

    # Writing -----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[LogTransaction]:
        """Open a database transaction for appending entries, with a session for the caller's
        own rows. Leaving the block commits; an exception rolls everything back and leaves the
        log as it was. Only one transaction per log runs at a time; on SQLite it takes the
        write lock at once (``BEGIN IMMEDIATE``). Do not commit or roll back ``tx.session``
        yourself. Its objects are not expired at commit, so they stay readable afterwards."""
        if self._lock_owner == threading.get_ident():
            raise RuntimeError(
                f"a transaction on log {self._origin} is already open in this thread"
            )
        with self._lock:
            self._lock_owner = threading.get_ident()
            try:
                with Session(self._engine, expire_on_commit=False) as session:
                    tx = LogTransaction(
                        session, signer=self._signer, clock=self._clock, state=self._state
                    )
                    try:
                        with session.begin():
                            session.connection(execution_options={IMMEDIATE: True})
                            yield tx
                    finally:
                        appended = tx.close()
                # Reached only after the commit: a rollback raised above.
                self._state.advance(appended.leaves, appended.head)
            finally:
                self._lock_owner = None

    def sign_checkpoint(self) -> str:
        """Sign a checkpoint of the whole log, store it and return the note. If the newest
        stored checkpoint already covers every entry, return that one."""
        with self.transaction() as tx:
            return tx.sign_checkpoint()

    def export(
        self,
        directory: Path,
        *,
        progress: Progress | None = None,
        documents: Path | None = None,
    ) -> tuple[int, int]:
        """Write the export bundle (audit-log.md §7) to ``directory``; see
        :func:`audit.export.export_log`. ``progress`` is called with (entries written, total)
        every :data:`audit.export.PROGRESS_EVERY` entries; ``documents`` is the folder of the
        documents the log names. Returns the number of entries and of checkpoints written."""
        return export_log(self, directory, progress=progress, documents=documents)
