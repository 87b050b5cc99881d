"""Check 3: the Merkle root of the first ``size`` entries is every checkpoint's root, and the
newest checkpoint covers every entry (an unsigned tail is a failure).

The tree grows as the entries stream by (a compact range, O(log n) memory); each checkpoint is
compared when its size is reached. When a tracking code is looked up, every leaf hash is kept as
well, to build its inclusion proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from audit.merkle import CompactRange, MerkleTree
from audit.verify.base import Check
from audit.verify.signatures import SignedCheckpoint

__all__ = ["TreeCheck"]

_sha256 = hashlib.sha256


class TreeCheck(Check):
    """Feed it every line's bytes in order, then call :meth:`finish`."""

    number = 3

    def __init__(
        self, *args: Any, checkpoints: Sequence[SignedCheckpoint], keep_tree: bool
    ) -> None:
        super().__init__(*args)
        self._pending = sorted(checkpoints, key=lambda item: item.checkpoint.size)
        self._all = list(self._pending)
        self._pending.reverse()  # pop() gives the smallest size next
        self._compact = CompactRange()
        self.tree = MerkleTree() if keep_tree else None
        self._last_match: SignedCheckpoint | None = None
        self._compare_due()

    def feed(self, data: bytes) -> None:
        leaf = _sha256(b"\x00" + data).digest()
        self._compact.append(leaf)
        if self.tree is not None:
            self.tree.append(leaf)
        if self._pending and self._pending[-1].checkpoint.size == self._compact.size:
            self._compare_due()

    def _compare_due(self) -> None:
        size = self._compact.size
        while self._pending and self._pending[-1].checkpoint.size == size:
            item = self._pending.pop()
            root = self._compact.root()
            if root == item.checkpoint.root:
                self._last_match = item
                continue
            start = 0 if self._last_match is None else self._last_match.checkpoint.size
            where = f"entries {start}–{size - 1}" if size - 1 > start else f"entry {start}"
            matched = (
                f" ({self._last_match.name} still matches)" if self._last_match is not None else ""
            )
            self.fail(
                size - 1,
                f"{item.name}: its root does not match entries 0–{size - 1}; "
                f"the difference lies in {where}{matched}",
            )

    def finish(self) -> None:
        """Report checkpoints beyond the entries and entries beyond the newest checkpoint."""
        count = self._compact.size
        for item in self._pending:
            self.fail(
                count,
                f"{item.name}: covers {item.checkpoint.size} entries but the bundle has only "
                f"{count}: entries {count}–{item.checkpoint.size - 1} are missing",
            )
        if not self._all:
            self.fail(0, f"no signed checkpoint: none of the {count} entries is covered")
            return
        newest = self._all[-1]
        covered = newest.checkpoint.size
        if covered < count:
            span = f"entries {covered}–{count - 1} are"
            if covered == count - 1:
                span = f"entry {covered} is"
            self.fail(
                covered,
                f"{span} not covered by a signed checkpoint (the newest, {newest.name}, covers "
                f"{covered})",
            )

    @property
    def newest(self) -> SignedCheckpoint | None:
        return self._all[-1] if self._all else None

    def detail(self) -> str:
        newest = self.newest
        if newest is None:
            return ""
        return (
            f"{len(self._all):,} checkpoints match; the newest covers all "
            f"{newest.checkpoint.size:,} entries, root {newest.checkpoint.root.hex()}"
        )
