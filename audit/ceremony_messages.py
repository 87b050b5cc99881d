"""The key ceremony's messages as the log carries them: a kind, and the exact bytes as base64url.

The bytes are the layouts of ``docs/ballot-crypto-threshold.md`` §4; the kind says which layout
(round 3 has two: an acceptance or a complaint). Decoding is strict and raises the
:class:`~ballots.crypto.errors.CryptoError` of :mod:`ballots` (``bad-layout``, ``bad-point``…).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Final

from ballots.crypto.errors import EncodingError, LayoutError
from ballots.crypto.threshold.ceremony import CeremonyMessage
from ballots.crypto.threshold.decryption import DecryptionShare
from ballots.crypto.threshold.messages import (
    Acceptance,
    Announcement,
    Complaint,
    VerificationKey,
)
from ballots.crypto.threshold.transport import SealedShare

__all__ = [
    "MESSAGE_KINDS",
    "ROUND_OF_KIND",
    "b64url",
    "decode_message",
    "kind_of",
    "sender_of",
    "unb64url",
]

#: The kind of each message, its round and its decoder.
_DECODERS: Final[dict[str, tuple[int, Callable[[bytes, str], CeremonyMessage]]]] = {
    "announcement": (1, Announcement.decode),
    "share": (2, SealedShare.decode),
    "acceptance": (3, Acceptance.decode),
    "complaint": (3, Complaint.decode),
    "verification-key": (4, VerificationKey.decode),
    "test-decryption": (5, DecryptionShare.decode),
}
MESSAGE_KINDS: Final = tuple(_DECODERS)
_KIND_OF_TYPE: Final[dict[type, str]] = {
    Announcement: "announcement",
    SealedShare: "share",
    Acceptance: "acceptance",
    Complaint: "complaint",
    VerificationKey: "verification-key",
    DecryptionShare: "test-decryption",
}
ROUND_OF_KIND: Final = {kind: round_ for kind, (round_, _) in _DECODERS.items()}


def b64url(data: bytes) -> str:
    """Unpadded base64url, as every byte string of the ceremony in JSON."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: object, where: str) -> bytes:
    """Strictly decode unpadded base64url (``bad-encoding`` naming ``where`` otherwise)."""
    if not isinstance(text, str) or not text.isascii() or "=" in text:
        raise EncodingError(where, "expected unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise EncodingError(where, "not base64url") from None
    if b64url(data) != text:
        raise EncodingError(where, "not canonical base64url")
    return data


def decode_message(kind: str, data: bytes, where: str) -> CeremonyMessage:
    """The message of ``kind`` in ``data`` (an unknown kind is ``bad-layout``)."""
    if kind not in _DECODERS:
        raise LayoutError(where, f"unknown message kind {kind!r}; expected one of {MESSAGE_KINDS}")
    return _DECODERS[kind][1](data, where)


def kind_of(message: CeremonyMessage) -> str:
    """The kind of a decoded message."""
    return _KIND_OF_TYPE[type(message)]


def sender_of(message: CeremonyMessage) -> int:
    """The index of the scrutineer who sends ``message`` (the first byte of every layout)."""
    return message.encode()[0]
