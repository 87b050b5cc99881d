"""A tablet as a witness of the log (audit-log.md §8), sans I/O: the Python twin of
``devices/static/witness.js``.

The tablet keeps the newest checkpoint it verified. For each new signed checkpoint it is shown,
it checks the log key's signature and a consistency proof from the one it kept, then cosigns
the new one (``checkpoint_cosign``). A checkpoint that is not consistent with the kept one is a
split view: the tablet stops voting, keeps both signed notes as evidence and reports them
(``split_view_alarm``). A note without a valid log signature is refused (:class:`WitnessError`)
and changes nothing: anyone can send garbage, only the log key can split the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import AuditError, ProofError
from audit.merkle import verify_consistency
from audit.note import NoteVerifier
from devices.tablet import Tablet

__all__ = ["SplitView", "Witness", "WitnessError"]


class WitnessError(Exception):
    """The note shown is not a checkpoint signed by the log key; nothing changed."""


@dataclass(frozen=True)
class SplitView:
    """The evidence of a split view: the signed note the tablet had verified and cosigned,
    the inconsistent signed note it was shown, and why they disagree."""

    trusted: str
    shown: str
    reason: str


@dataclass
class Witness:
    """The witness state of one tablet: the log key pinned at pairing and the newest
    checkpoint verified (its signed note), or the split view that stopped it."""

    tablet: Tablet
    log_key: NoteVerifier
    trusted: str | None = None
    alarm: SplitView | None = None

    def proof_needed(self, note: str) -> tuple[int, int] | None:
        """The (from, to) tree sizes of the consistency proof to fetch before :meth:`observe`
        can judge ``note``, or None when none is needed."""
        shown = self._open(note)
        if self.trusted is None:
            return None
        kept = self._open(self.trusted)
        if kept.size == 0 or shown.size == kept.size:
            return None
        return (min(kept.size, shown.size), max(kept.size, shown.size))

    def observe(self, note: str, proof: Sequence[bytes] = (), *, now: int) -> dict[str, Any] | None:
        """Judge a signed checkpoint with the consistency proof :meth:`proof_needed` asked for:
        the ``checkpoint_cosign`` message to send for a newer consistent checkpoint, the
        ``split_view_alarm`` message for an inconsistent one (once; the tablet then stops),
        or None (already seen, older and consistent, or stopped)."""
        shown = self._open(note)
        if self.alarm is not None:
            return None
        if self.trusted is None:
            return self._cosign(note, shown, None, now)
        kept = self._open(self.trusted)
        problem = _inconsistency(kept, shown, proof)
        if problem is not None:
            self.alarm = SplitView(self.trusted, note, problem)
            return self.tablet.split_view_alarm(self.trusted, note)
        if shown.size <= kept.size:
            return None
        return self._cosign(note, shown, kept.size, now)

    @property
    def stopped(self) -> bool:
        """Whether a split view stopped this tablet's voting."""
        return self.alarm is not None

    def _cosign(
        self, note: str, shown: Checkpoint, previous: int | None, now: int
    ) -> dict[str, Any]:
        self.trusted = note
        return self.tablet.checkpoint_cosign(shown.text(), shown.size, previous, now)

    def _open(self, note: str) -> Checkpoint:
        try:
            return open_checkpoint(note, [self.log_key], self.tablet.origin)
        except AuditError as error:
            raise WitnessError(f"not a checkpoint signed by the log key: {error.message}") from None


def _inconsistency(kept: Checkpoint, shown: Checkpoint, proof: Sequence[bytes]) -> str | None:
    """Why ``shown`` cannot be the same log as ``kept``, or None when the proof shows it is."""
    if shown.size == kept.size:
        if shown.root == kept.root:
            return None
        return f"two checkpoints of tree size {kept.size} with different roots"
    first, second = (kept, shown) if kept.size < shown.size else (shown, kept)
    if first.size == 0:
        return None
    try:
        verify_consistency(first.size, second.size, proof, first.root, second.root)
    except ProofError as error:
        return f"tree size {first.size} is not a prefix of tree size {second.size}: {error.message}"
    return None
