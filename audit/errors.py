"""Errors raised while building or checking the audit log.

Verification raises one of these; it never returns ``False``. Each error carries ``message``, a
sentence naming what failed and where.

Hierarchy::

    AuditError              base of every error below
    ├── CanonicalError      bytes or objects that are not canonical JSON (audit-log.md §1)
    ├── ProofError          an inclusion or consistency proof is malformed or does not verify
    ├── NoteError           a signed note or verifier key is malformed, or a signature fails
    ├── CheckpointError     checkpoint text is malformed or names the wrong origin
    ├── CosignatureError    a checkpoint cosignature is malformed or does not verify
    ├── EntryError          (also a ValueError) an entry cannot be appended to a stored log:
    │                       unknown type, missing or forbidden field
    ├── LogCorruptedError   a stored log's rows disagree with each other or with a checkpoint
    └── CheckpointConflictError  a checkpoint of the same size but another root is stored

Wrong arguments to proof *generation* (a size beyond the tree, an index beyond the size) are
programming errors and raise :class:`ValueError` instead.
"""

from __future__ import annotations

__all__ = [
    "AuditError",
    "CanonicalError",
    "CheckpointConflictError",
    "CheckpointError",
    "CosignatureError",
    "EntryError",
    "LogCorruptedError",
    "NoteError",
    "ProofError",
]


class AuditError(Exception):
    """Base class of the audit log's errors."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CanonicalError(AuditError):
    """A value or byte string is not canonical JSON of the allowed subset."""


class ProofError(AuditError):
    """An inclusion or consistency proof is malformed or does not verify."""


class NoteError(AuditError):
    """A signed note or a verifier key is malformed, or a known key's signature fails."""


class CheckpointError(AuditError):
    """Checkpoint text is malformed, or the checkpoint is for another log."""


class CosignatureError(AuditError):
    """A checkpoint cosignature (C2SP cosignature/v1) is malformed or does not verify."""


class EntryError(AuditError, ValueError):
    """An entry cannot be appended; nothing of it was written."""


class LogCorruptedError(AuditError):
    """The stored log is inconsistent; ``seq`` names the first bad entry where there is one."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class CheckpointConflictError(AuditError):
    """A checkpoint of the same size but with another root is already stored."""
