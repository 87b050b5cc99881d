"""C2SP tlog-checkpoint: the signed head of the log (audit-log.md §3, c2sp.org/tlog-checkpoint).

The note text is three lines, each ending in a newline, then optional extension lines::

    <origin>       e.g. xinzhou.congress.local/2026-3 (no whitespace, no '+')
    <tree size>    decimal, no leading zeros
    <root hash>    standard base64, with padding, of the 32-byte Merkle root

The log signs it with its note key, whose name is the origin. Problems with the text raise
:class:`~audit.errors.CheckpointError`; problems with the note raise
:class:`~audit.errors.NoteError`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from audit.errors import CheckpointError, NoteError
from audit.merkle import HASH_SIZE
from audit.note import NoteSigner, NoteVerifier, check_key_name, open_note

__all__ = ["MAX_TREE_SIZE", "Checkpoint", "open_checkpoint", "sign_checkpoint"]

#: Largest tree size a checkpoint may state (an unsigned 64-bit integer, as in other logs).
MAX_TREE_SIZE: Final = 2**64 - 1

_DECIMAL: Final = re.compile(r"0|[1-9][0-9]*")
_CONTROL: Final = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's tree head: origin, tree size and root hash, plus any extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        if type(self.size) is not int or not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"checkpoint tree size {self.size!r} is not in 0..2**64-1")
        if type(self.root) is not bytes or len(self.root) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root hash must be {HASH_SIZE} bytes")
        for number, line in enumerate(self.extensions, start=4):
            _check_extension(number, line)

    def text(self) -> str:
        """Return the checkpoint's note text."""
        root = base64.b64encode(self.root).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse checkpoint text strictly; raises :class:`CheckpointError`."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(
                f"checkpoint has {len(lines)} lines, expected at least 3 "
                "(origin, tree size, root hash)"
            )
        origin, size_line, root_line, *extensions = lines
        _check_origin(origin)
        if not _DECIMAL.fullmatch(size_line):
            raise CheckpointError(
                f"checkpoint tree size (line 2) {size_line!r} is not a decimal number "
                "without leading zeros"
            )
        if len(size_line) > len(str(MAX_TREE_SIZE)) or int(size_line) > MAX_TREE_SIZE:
            raise CheckpointError(f"checkpoint tree size (line 2) {size_line} is above 2**64-1")
        return cls(
            origin=origin,
            size=int(size_line),
            root=_parse_root(root_line),
            extensions=tuple(extensions),
        )


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """Return the signed checkpoint note. The signing key's name must be the origin."""
    if signer.name != checkpoint.origin:
        raise CheckpointError(
            f"checkpoint origin {checkpoint.origin!r} differs from the signing key's name "
            f"{signer.name!r}"
        )
    return signer.sign(checkpoint.text())


def open_checkpoint(
    note: str | bytes, verifiers: Sequence[NoteVerifier], origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint note and return the checkpoint.

    The note must carry a verified signature from a known key named as the checkpoint's origin,
    and, when ``origin`` is given, that must be the origin. Raises :class:`NoteError` for the
    note and :class:`CheckpointError` for its text or origin.
    """
    signed = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(signed.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(
            f"checkpoint is for origin {checkpoint.origin!r}, expected {origin!r}"
        )
    if checkpoint.origin not in signed.verified_by:
        raise CheckpointError(
            f"checkpoint for origin {checkpoint.origin!r} is not signed by a known key of that "
            f"name (verified by {', '.join(signed.verified_by)})"
        )
    return checkpoint


def _check_origin(origin: str) -> None:
    if not isinstance(origin, str):
        raise CheckpointError("checkpoint origin must be a string")
    try:
        check_key_name(origin, "checkpoint origin (line 1)")
    except NoteError as exc:
        raise CheckpointError(exc.message) from None


def _check_extension(number: int, line: str) -> None:
    if not isinstance(line, str) or not line:
        raise CheckpointError(f"checkpoint extension line {number} is empty")
    if _CONTROL.search(line):
        raise CheckpointError(f"checkpoint extension line {number} contains a control character")


def _parse_root(line: str) -> bytes:
    try:
        root = base64.b64decode(line.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise CheckpointError("checkpoint root hash (line 3) is not valid base64") from None
    if base64.b64encode(root).decode("ascii") != line:
        raise CheckpointError("checkpoint root hash (line 3) is not canonical base64")
    if len(root) != HASH_SIZE:
        raise CheckpointError(
            f"checkpoint root hash (line 3) is {len(root)} bytes, expected {HASH_SIZE}"
        )
    return root
