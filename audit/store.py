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
entry, rebuilds the tree and checks it against the stored checkpoints.

Errors::

    AuditError
    ├── EntryError           (also a ValueError) an entry cannot be appended: unknown type,
    │                        missing or forbidden field
    ├── LogCorruptedError    the stored rows disagree with each other or with a checkpoint
    └── CheckpointConflictError  a checkpoint of the same size but another root is stored
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from audit.bundle import write_bundle
from audit.canonical import canonical_bytes
from audit.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from audit.entries import (
    AT_PATTERN,
    BALLOT_FORBIDDEN_FIELDS,
    ENTRY_TYPES,
    ENTRY_VERSION,
    REQUIRED_FIELDS,
    UNTIMED_TYPES,
    format_at,
)
from audit.errors import AuditError
from audit.keys import check_key_name
from audit.merkle import CompactRange, MerkleTree, leaf_hash
from audit.note import NoteSigner
from audit.tables import CHECKPOINT_TABLE, ENTRY_TABLE, IMMEDIATE

__all__ = [
    "BATCH_SIZE",
    "PROGRESS_EVERY",
    "AuditLog",
    "CheckpointConflictError",
    "Clock",
    "EntryError",
    "LogCorruptedError",
    "LogTransaction",
]

#: Returns the current time, timezone-aware.
Clock = Callable[[], datetime]

#: Rows per query when loading or streaming a log.
BATCH_SIZE: Final = 10_000

_entry = ENTRY_TABLE.c
_checkpoint = CHECKPOINT_TABLE.c


class EntryError(AuditError, ValueError):
    """An entry cannot be appended; nothing of it was written."""


class LogCorruptedError(AuditError):
    """The stored log is inconsistent; ``seq`` names the first bad entry where there is one."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class CheckpointConflictError(AuditError):
    """A checkpoint of the same size but with another root is already stored."""


@dataclass(frozen=True)
class _Head:
    """A signed checkpoint of the log."""

    size: int
    root: bytes
    note: str


class AuditLog:
    """One meeting's log in the database. Create with :meth:`open`; thread-safe."""

    def __init__(
        self,
        engine: Engine,
        *,
        origin: str,
        signer: NoteSigner,
        clock: Clock,
        tree: MerkleTree,
        latest: _Head | None,
    ) -> None:
        self._engine = engine
        self._origin = origin
        self._signer = signer
        self._clock = clock
        self._tree = tree
        self._latest = latest
        # Held for a whole write transaction.
        self._lock = threading.Lock()
        self._lock_owner: int | None = None
        # Held briefly around every read or change of the in-memory tree and latest checkpoint.
        self._state_lock = threading.Lock()

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
        tree = _load_tree(engine, origin)
        latest = _check_checkpoints(engine, origin, tree, signer)
        return cls(engine, origin=origin, signer=signer, clock=clock, tree=tree, latest=latest)

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
        with self._state_lock:
            return self._tree.size

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root of the first ``size`` committed entries (default: all)."""
        with self._state_lock:
            return self._tree.root(size)

    def inclusion_proof(self, seq: int, size: int | None = None) -> list[bytes]:
        """The inclusion proof of entry ``seq`` in the tree of ``size`` entries (default: all)."""
        with self._state_lock:
            return self._tree.inclusion_proof(seq, self._tree.size if size is None else size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """The proof that the tree of ``size1`` entries is a prefix of that of ``size2``."""
        with self._state_lock:
            return self._tree.consistency_proof(size1, size2)

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note, or ``None`` if none was signed yet."""
        with self._state_lock:
            return None if self._latest is None else self._latest.note

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
        reading :data:`BATCH_SIZE` rows per query."""
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
                .limit(BATCH_SIZE)
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
                    tx = LogTransaction(self, session)
                    try:
                        with session.begin():
                            session.connection(execution_options={IMMEDIATE: True})
                            yield tx
                    finally:
                        tx._closed = True
                with self._state_lock:
                    self._tree.extend(tx._leaves)
                    if tx._head is not None:
                        self._latest = tx._head
            finally:
                self._lock_owner = None

    def sign_checkpoint(self) -> str:
        """Sign a checkpoint of the whole log, store it and return the note. If the newest
        stored checkpoint already covers every entry, return that one."""
        with self.transaction() as tx:
            return tx.sign_checkpoint()

    def export(
        self, directory: Path, *, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, int]:
        """Write the export bundle (audit-log.md §7) to ``directory``.

        Signs a checkpoint first if the newest one does not cover every entry. ``progress`` is
        called with (entries written, total) every :data:`PROGRESS_EVERY` entries. Returns the
        number of entries and of checkpoints written.
        """
        with self._state_lock:
            latest = self._latest
            covered = latest is not None and latest.size == self._tree.size
        if not covered:
            self.sign_checkpoint()
        with self._state_lock:
            assert self._latest is not None
            size = self._latest.size
        checkpoints = [(cp_size, note) for cp_size, note in self.checkpoints() if cp_size <= size]
        write_bundle(
            Path(directory),
            vkey=self.vkey,
            entries=_report_progress(self.entries(0, size), size, progress),
            checkpoints=checkpoints,
        )
        return size, len(checkpoints)

    # Building entries --------------------------------------------------------------------------

    def _build_entry(self, entry: Mapping[str, Any], seq: int, now: Callable[[], str]) -> bytes:
        """Check ``entry`` and return the canonical bytes of it as entry ``seq``."""
        if not isinstance(entry, Mapping):
            raise EntryError(f"entry {seq}: an entry must be a JSON object, not {type(entry)}")
        kind = entry.get("type")
        if not isinstance(kind, str) or kind not in ENTRY_TYPES:
            raise EntryError(f"entry {seq}: unknown entry type {kind!r}")
        where = f"entry {seq} ({kind})"
        missing = REQUIRED_FIELDS[kind].difference(entry)
        if missing:
            raise EntryError(f"{where}: missing required field {', '.join(sorted(missing))}")
        if "seq" in entry:
            raise EntryError(f"{where}: 'seq' is assigned by the log and must not be given")
        if entry.get("v", ENTRY_VERSION) != ENTRY_VERSION:
            raise EntryError(f"{where}: 'v' must be {ENTRY_VERSION}, not {entry['v']!r}")
        if (seq == 0) != (kind == "meeting_opened"):
            raise EntryError(f"{where}: a log begins with meeting_opened, and only there")
        if kind == "meeting_opened":
            self._check_meeting_opened(entry, where)
        record = dict(entry)
        record["v"] = ENTRY_VERSION
        record["seq"] = seq
        if kind in UNTIMED_TYPES:
            forbidden = BALLOT_FORBIDDEN_FIELDS.intersection(entry)
            if forbidden:
                raise EntryError(f"{where}: field {', '.join(sorted(forbidden))} not allowed")
        elif "at" in entry:
            at = entry["at"]
            if not isinstance(at, str) or not AT_PATTERN.fullmatch(at):
                raise EntryError(f"{where}: 'at' must look like 2026-03-01T09:30:00Z, not {at!r}")
        else:
            record["at"] = now()
        return canonical_bytes(record, name=f"entry {seq}")

    def _check_meeting_opened(self, entry: Mapping[str, Any], where: str) -> None:
        if entry["origin"] != self._origin:
            raise EntryError(f"{where}: origin {entry['origin']!r} is not {self._origin!r}")
        if entry["log_key"] != self.vkey:
            raise EntryError(f"{where}: log_key is not the log's key {self.vkey}")


class LogTransaction:
    """One open database transaction on a log; see :meth:`AuditLog.transaction`."""

    def __init__(self, log: AuditLog, session: Session) -> None:
        self._log = log
        #: The session of this transaction, for the caller's own rows.
        self.session = session
        self._base = log.size
        self._leaves: list[bytes] = []
        #: The bytes of every entry appended in this transaction, in seq order.
        self.appended: list[bytes] = []
        self._head: _Head | None = None
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
        already has one. Raises :class:`EntryError` (a :class:`ValueError`) naming the problem
        if any entry is invalid, and then appends none of them.
        """
        self._require_open()
        log = self._log
        first = self.size
        stamp: list[str] = []

        def now() -> str:
            if not stamp:  # one clock reading per call, taken only when needed
                stamp.append(format_at(log._clock()))
            return stamp[0]

        rows: list[dict[str, Any]] = []
        leaves: list[bytes] = []
        built: list[bytes] = []
        for seq, entry in enumerate(entries, start=first):
            data = log._build_entry(entry, seq, now)
            digest = leaf_hash(data)
            rows.append({"log_origin": log.origin, "seq": seq, "data": data, "leaf_hash": digest})
            leaves.append(digest)
            built.append(data)
        if rows:
            self.session.connection().execute(insert(ENTRY_TABLE), rows)
            self._leaves.extend(leaves)
            self.appended.extend(built)
        return range(first, first + len(rows))

    def sign_checkpoint(self) -> str:
        """Sign a checkpoint covering every entry so far, this transaction's included, and store
        it in this transaction. Returns the note (the stored one if that size is signed)."""
        self._require_open()
        log = self._log
        size = self.size
        with log._state_lock:
            head = self._head or log._latest
            compact = None if head is not None and head.size == size else self._compact()
        if compact is None:
            assert head is not None
            return head.note
        root = compact.root()
        query = select(_checkpoint.root, _checkpoint.note).where(
            _checkpoint.log_origin == log.origin, _checkpoint.size == size
        )
        stored = self.session.connection().execute(query).one_or_none()
        if stored is not None:
            if bytes(stored.root) != root:
                raise CheckpointConflictError(
                    f"log {log.origin}: a checkpoint of size {size} with root "
                    f"{bytes(stored.root).hex()} is stored; refusing to sign root {root.hex()}"
                )
            note = str(stored.note)
        else:
            note = sign_checkpoint(Checkpoint(log.origin, size, root), log._signer)
            self.session.connection().execute(
                insert(CHECKPOINT_TABLE),
                [{"log_origin": log.origin, "size": size, "note": note, "root": root}],
            )
        self._head = _Head(size, root, note)
        return note

    def _compact(self) -> CompactRange:
        """The compact range of the log with this transaction's entries (state lock held)."""
        compact = self._log._tree.compact_range(self._base)
        compact.extend(self._leaves)
        return compact

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the transaction on log {self._log.origin} is closed")


# Loading ----------------------------------------------------------------------------------------


def _load_tree(engine: Engine, origin: str) -> MerkleTree:
    """Rebuild the tree from the stored entries, checking seq contiguity and every leaf hash."""
    tree = MerkleTree()
    seq = 0
    with engine.connect() as conn:
        while True:
            query = (
                select(_entry.seq, _entry.data, _entry.leaf_hash)
                .where(_entry.log_origin == origin, _entry.seq >= seq)
                .order_by(_entry.seq)
                .limit(BATCH_SIZE)
            )
            rows = conn.execute(query).all()
            if not rows:
                return tree
            hashes = []
            for stored_seq, data, stored_hash in rows:
                if stored_seq != seq:
                    raise LogCorruptedError(
                        f"log {origin}: entry {seq} is missing (the next stored entry is "
                        f"{stored_seq})",
                        seq,
                    )
                if not isinstance(data, bytes):
                    raise LogCorruptedError(
                        f"log {origin}: entry {seq}: the stored data is not a byte string", seq
                    )
                digest = leaf_hash(data)
                if digest != stored_hash:
                    raise LogCorruptedError(
                        f"log {origin}: entry {seq}: the stored leaf hash "
                        f"{bytes(stored_hash).hex()} is not the hash of its data "
                        f"({digest.hex()})",
                        seq,
                    )
                hashes.append(digest)
                seq += 1
            tree.extend(hashes)


def _check_checkpoints(
    engine: Engine, origin: str, tree: MerkleTree, signer: NoteSigner
) -> _Head | None:
    """Check every stored checkpoint's root against the tree and the newest one's signature;
    return the newest."""
    query = (
        select(_checkpoint.size, _checkpoint.root, _checkpoint.note)
        .where(_checkpoint.log_origin == origin)
        .order_by(_checkpoint.size)
    )
    latest: _Head | None = None
    with engine.connect() as conn:
        for row in conn.execute(query):
            size, root = int(row.size), bytes(row.root)
            if size > tree.size:
                raise LogCorruptedError(
                    f"log {origin}: a checkpoint of size {size} is stored but there are only "
                    f"{tree.size} entries",
                    tree.size,
                )
            if tree.root(size) != root:
                raise LogCorruptedError(
                    f"log {origin}: the stored entries 0..{size - 1} do not have the root of "
                    f"the checkpoint of size {size}",
                )
            latest = _Head(size, root, str(row.note))
    if latest is not None:
        try:
            signed = open_checkpoint(latest.note, [signer.verifier()], origin=origin)
        except AuditError as exc:
            raise LogCorruptedError(
                f"log {origin}: the checkpoint of size {latest.size} does not verify under "
                f"the log key {signer.vkey()}: {exc.message}"
            ) from None
        if (signed.size, signed.root) != (latest.size, latest.root):
            raise LogCorruptedError(
                f"log {origin}: the note of the checkpoint of size {latest.size} signs size "
                f"{signed.size} and root {signed.root.hex()} instead"
            )
    return latest


#: How often :meth:`AuditLog.export` reports progress, in entries.
PROGRESS_EVERY: Final = 100_000


def _report_progress(
    entries: Iterator[bytes], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[bytes]:
    if progress is None:
        yield from entries
        return
    for count, data in enumerate(entries, start=1):
        yield data
        if count % PROGRESS_EVERY == 0:
            progress(count, total)
