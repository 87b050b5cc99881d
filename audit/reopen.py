"""What opening a stored log checks before it is used again (after a restart, say).

:func:`load_tree` re-hashes every stored entry and rebuilds the Merkle tree, naming the first
entry whose sequence number is missing or whose stored leaf hash is not the hash of its bytes.
:func:`check_checkpoints` checks every stored checkpoint against that tree and the newest one's
signature against the log key. Either raises :class:`audit.errors.LogCorruptedError`.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from audit import tables
from audit.checkpoint import open_checkpoint
from audit.errors import AuditError, LogCorruptedError
from audit.log_state import SignedHead
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteVerifier
from audit.tables import CHECKPOINT_TABLE, ENTRY_TABLE

__all__ = ["check_checkpoints", "load_tree"]

_entry = ENTRY_TABLE.c
_checkpoint = CHECKPOINT_TABLE.c


def load_tree(engine: Engine, origin: str) -> MerkleTree:
    """Rebuild the tree from the stored entries of log ``origin``, checking that their
    sequence numbers are contiguous from 0 and every stored leaf hash; reads
    :data:`audit.tables.BATCH_SIZE` rows per query."""
    tree = MerkleTree()
    seq = 0
    with engine.connect() as conn:
        while True:
            query = (
                select(_entry.seq, _entry.data, _entry.leaf_hash)
                .where(_entry.log_origin == origin, _entry.seq >= seq)
                .order_by(_entry.seq)
                .limit(tables.BATCH_SIZE)
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


def check_checkpoints(
    engine: Engine, origin: str, tree: MerkleTree, verifier: NoteVerifier
) -> SignedHead | None:
    """Check every stored checkpoint of log ``origin``: its size is within the tree and its
    root is the tree's root at that size; the newest one's note must verify under
    ``verifier`` (the log key) and sign that size and root. Returns the newest, or ``None``."""
    query = (
        select(_checkpoint.size, _checkpoint.root, _checkpoint.note)
        .where(_checkpoint.log_origin == origin)
        .order_by(_checkpoint.size)
    )
    latest: SignedHead | None = None
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
            latest = SignedHead(size, root, str(row.note))
    if latest is not None:
        _check_signed(latest, origin, verifier)
    return latest


def _check_signed(head: SignedHead, origin: str, verifier: NoteVerifier) -> None:
    """The note of ``head`` verifies under ``verifier`` and signs its size and root."""
    try:
        signed = open_checkpoint(head.note, [verifier], origin=origin)
    except AuditError as exc:
        raise LogCorruptedError(
            f"log {origin}: the checkpoint of size {head.size} does not verify under "
            f"the log key {verifier.vkey()}: {exc.message}"
        ) from None
    if (signed.size, signed.root) != (head.size, head.root):
        raise LogCorruptedError(
            f"log {origin}: the note of the checkpoint of size {head.size} signs size "
            f"{signed.size} and root {signed.root.hex()} instead"
        )
