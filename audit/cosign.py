"""C2SP tlog-cosignature (``cosignature/v1``, Ed25519): a tablet witnesses a checkpoint.

A cosignature is a note signature line added to a signed checkpoint (audit-log.md §8,
c2sp.org/tlog-cosignature)::

    — <cosigner name> base64(key ID[4] || timestamp[8, big-endian] || Ed25519 signature[64])

with ``key ID = SHA-256(name || 0x0A || 0x04 || public key)[:4]``. The signature is over::

    cosignature/v1\\n
    time <timestamp, decimal, no leading zeros>\\n
    <the checkpoint's note text, extension lines included, ending in a newline>

It states that, at that time, this is the largest checkpoint the cosigner has seen of the log
and that it checked its consistency with every earlier one it saw. A tablet cosigns with its
device key under the name :func:`tablet_cosigner`. Problems raise
:class:`~audit.errors.CosignatureError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.errors import CosignatureError, NoteError
from audit.note import check_key_name

__all__ = [
    "COSIGNATURE_ALGORITHM",
    "MAX_TIMESTAMP",
    "Cosignature",
    "cosign",
    "cosignature_key_id",
    "cosigned_message",
    "note_signature_lines",
    "tablet_cosigner",
    "verify_cosignature",
]

#: Signature type byte of Ed25519 cosignatures (``cosignature/v1``) in key IDs.
COSIGNATURE_ALGORITHM: Final = 0x04
#: Largest timestamp a cosignature may carry (the spec: at most 2**63 - 1).
MAX_TIMESTAMP: Final = 2**63 - 1

_PREFIX: Final = "— "  # U+2014 EM DASH, space
_KEY_SIZE: Final = 32
_SIGNATURE_SIZE: Final = 4 + 8 + 64


def tablet_cosigner(origin: str, device: str) -> str:
    """The cosigner name of a tablet: ``<origin>/tablet/<device>`` (one name per device key)."""
    name = f"{origin}/tablet/{device}"
    try:
        check_key_name(name, "cosigner name")
    except NoteError as error:
        raise CosignatureError(error.message) from None
    return name


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]."""
    if len(public_key) != _KEY_SIZE:
        raise CosignatureError(f"an Ed25519 cosigner key is 32 bytes, got {len(public_key)}")
    data = name.encode("utf-8") + b"\n" + bytes([COSIGNATURE_ALGORITHM]) + public_key
    return hashlib.sha256(data).digest()[:4]


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a cosigner signs: the header line, the time line and the checkpoint text."""
    _check_timestamp(timestamp)
    if not checkpoint_text.endswith("\n"):
        raise CosignatureError("the cosigned checkpoint text does not end with a newline")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True, slots=True)
class Cosignature:
    """One parsed cosignature line."""

    name: str
    key_id: bytes
    timestamp: int
    signature: bytes

    def line(self) -> str:
        """The note signature line, without its final newline."""
        data = self.key_id + self.timestamp.to_bytes(8, "big") + self.signature
        return f"{_PREFIX}{self.name} {base64.b64encode(data).decode('ascii')}"

    @classmethod
    def parse(cls, line: str) -> Cosignature:
        """Parse ``— <name> <base64>`` strictly (no final newline)."""
        if not line.startswith(_PREFIX):
            raise CosignatureError("a cosignature line starts with an em dash (U+2014) and a space")
        name, _, encoded = line[len(_PREFIX) :].partition(" ")
        try:
            check_key_name(name, "cosigner name")
        except NoteError as error:
            raise CosignatureError(error.message) from None
        try:
            data = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise CosignatureError(f"cosignature of {name}: not valid base64") from None
        if base64.b64encode(data).decode("ascii") != encoded:
            raise CosignatureError(f"cosignature of {name}: not canonical base64")
        if len(data) != _SIGNATURE_SIZE:
            raise CosignatureError(
                f"cosignature of {name}: {len(data)} bytes, expected {_SIGNATURE_SIZE} "
                "(key ID, timestamp, Ed25519 signature)"
            )
        timestamp = int.from_bytes(data[4:12], "big")
        _check_timestamp(timestamp)
        return cls(name=name, key_id=data[:4], timestamp=timestamp, signature=data[12:])


def cosign(
    private_key: Ed25519PrivateKey, name: str, checkpoint_text: str, timestamp: int
) -> Cosignature:
    """Cosign ``checkpoint_text`` at ``timestamp`` (POSIX seconds) as cosigner ``name``."""
    public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = private_key.sign(cosigned_message(checkpoint_text, timestamp))
    return Cosignature(name, cosignature_key_id(name, public_key), timestamp, signature)


def verify_cosignature(
    line: str, checkpoint_text: str, name: str, public_key: bytes
) -> Cosignature:
    """Check that ``line`` is cosigner ``name``'s valid cosignature of ``checkpoint_text``
    under the raw Ed25519 ``public_key``; returns it parsed, else raises
    :class:`CosignatureError` saying what failed."""
    cosignature = Cosignature.parse(line)
    if cosignature.name != name:
        raise CosignatureError(f"the cosignature is by {cosignature.name}, expected {name}")
    expected = cosignature_key_id(name, public_key)
    if cosignature.key_id != expected:
        raise CosignatureError(
            f"cosignature of {name}: key ID {cosignature.key_id.hex()} is not that of its "
            f"key ({expected.hex()})"
        )
    message = cosigned_message(checkpoint_text, cosignature.timestamp)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(cosignature.signature, message)
    except InvalidSignature:
        raise CosignatureError(
            f"cosignature of {name} at time {cosignature.timestamp} does not verify over the "
            "checkpoint"
        ) from None
    return cosignature


def note_signature_lines(note: str) -> tuple[str, tuple[str, ...]]:
    """Split a signed note into its text and its signature lines (without newlines)."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CosignatureError("the note has no signature block")
    return note[: split + 1], tuple(note[split + 2 : -1].split("\n"))


def _check_timestamp(timestamp: int) -> None:
    if type(timestamp) is not int or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"cosignature timestamp {timestamp!r} is not in 0..2**63-1")
