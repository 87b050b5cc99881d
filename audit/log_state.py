"""The in-memory state of an open log: the Merkle tree of its committed entries and its newest
signed checkpoint.

:class:`audit.store.AuditLog` reads it for roots and proofs, :class:`audit.transaction.
LogTransaction` reads it to sign a checkpoint, and the log advances it once a transaction has
committed. Every read and change holds one short lock, so readers in other threads never see a
half-extended tree.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from audit.merkle import CompactRange, MerkleTree

__all__ = ["LogState", "SignedHead"]


@dataclass(frozen=True)
class SignedHead:
    """A signed checkpoint of the log: its tree size, root and signed note."""

    size: int
    root: bytes
    note: str


class LogState:
    """The committed tree and the newest checkpoint of one log; thread-safe."""

    def __init__(self, tree: MerkleTree, latest: SignedHead | None) -> None:
        self._tree = tree
        self._latest = latest
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The number of committed entries."""
        with self._lock:
            return self._tree.size

    @property
    def latest(self) -> SignedHead | None:
        """The newest signed checkpoint, or ``None`` if none was signed yet."""
        with self._lock:
            return self._latest

    def root(self, size: int | None = None) -> bytes:
        """The Merkle root of the first ``size`` committed entries (default: all)."""
        with self._lock:
            return self._tree.root(size)

    def inclusion_proof(self, seq: int, size: int | None = None) -> list[bytes]:
        """The inclusion proof of entry ``seq`` in the tree of ``size`` entries (default: all)."""
        with self._lock:
            return self._tree.inclusion_proof(seq, self._tree.size if size is None else size)

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """The proof that the tree of ``size1`` entries is a prefix of that of ``size2``."""
        with self._lock:
            return self._tree.consistency_proof(size1, size2)

    def compact_range(self, size: int, then: Sequence[bytes] = ()) -> CompactRange:
        """The compact range of the first ``size`` committed entries followed by the leaf
        hashes ``then`` (entries not yet committed): enough to compute their root."""
        with self._lock:
            compact = self._tree.compact_range(size)
        compact.extend(then)
        return compact

    def advance(self, leaves: Sequence[bytes], head: SignedHead | None) -> None:
        """Add the leaf hashes of newly committed entries, and make ``head`` the newest
        checkpoint if one was signed with them."""
        with self._lock:
            self._tree.extend(leaves)
            if head is not None:
                self._latest = head
