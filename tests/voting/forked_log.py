"""A modified server's split view: a second history signed with the meeting's own log key.

The fork shares the real log's first ``at`` entries and then holds other entries (a vote that
never happened, say); its checkpoints are signed with the same key, so each alone verifies.
A consistency proof between the two histories cannot exist: a witness that has verified one
and is shown the other finds the split.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import MerkleTree, leaf_hash
from audit.note import NoteSigner
from audit.store import AuditLog
from tests.voting.conftest import LOG_KEY


@dataclass
class Fork:
    """The forked history: its tree, and checkpoints signed with the log key."""

    origin: str
    tree: MerkleTree

    @classmethod
    def of(cls, log: AuditLog, at: int, extra: list[bytes]) -> Fork:
        """The real log's first ``at`` entries, then ``extra`` entries instead of the rest."""
        leaves = [leaf_hash(data) for data in log.entries(0, at)]
        return cls(log.origin, MerkleTree([*leaves, *(leaf_hash(data) for data in extra)]))

    def note(self, size: int | None = None) -> str:
        """The fork's checkpoint of ``size`` entries (default: all), signed with the log key."""
        size = self.tree.size if size is None else size
        checkpoint = Checkpoint(self.origin, size, self.tree.root(size))
        return sign_checkpoint(checkpoint, NoteSigner(self.origin, LOG_KEY))

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """What the modified server answers for a proof within the fork."""
        return self.tree.consistency_proof(first, second)
