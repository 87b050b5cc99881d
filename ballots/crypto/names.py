"""Write-in names as group elements (``docs/ballot-secrecy.md`` §6, ``ballot-crypto.md`` §6).

A name becomes ``k`` points. The data is one length byte, the NFC-normalised, trimmed UTF-8
name, and zero bytes up to ``30·k`` bytes in all; it is cut into ``k`` chunks of 30 bytes. Chunk
``t`` becomes the point whose encoding is ``[2·j] ‖ chunk ‖ [0]`` for the first counter
``j = 0..127`` that gives a valid encoding (about 4 tries on average). A blank slot is the
identity for every point. ``k = 2`` for open write-ins (up to 59 bytes), ``k = 1`` for a roster
id in a closed list (up to 29 bytes).

Decoding is lenient: whatever a modified tablet put there — a point that is not of this form,
bytes that are not UTF-8, a name that is not NFC or not trimmed, a control or format character
(Unicode categories Cc and Cf) — is *ignored*, never an error that stops a count.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from ballots.crypto.group import Point
from ballots.crypto.sodium import point_is_valid

__all__ = [
    "CHUNK",
    "K_CLOSED",
    "K_OPEN",
    "DecodedName",
    "blank",
    "decode_name",
    "encode_name",
    "max_name_bytes",
    "name_problem",
    "normalise",
]

#: Data bytes per point.
CHUNK: Final = 30
#: Points per name: open write-ins, and roster ids of a closed list.
K_OPEN: Final = 2
K_CLOSED: Final = 1

_COUNTERS: Final = 128
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf"})


def max_name_bytes(k: int) -> int:
    """The longest name, in UTF-8 bytes, that fits in ``k`` points: ``30·k − 1``."""
    return CHUNK * k - 1


def normalise(name: str) -> str:
    """NFC-normalise and trim a name, as the tablet does before encoding it."""
    return unicodedata.normalize("NFC", name).strip()


def name_problem(name: str, k: int) -> str | None:
    """Why the normalised ``name`` cannot be written in ``k`` points, or None if it can."""
    if not name:
        return "a write-in name is empty"
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in name):
        return "a write-in name has a control or format character"
    size = len(name.encode("utf-8"))
    if size > max_name_bytes(k):
        return f"a write-in name is {size} bytes in UTF-8, more than {max_name_bytes(k)}"
    return None


def encode_name(name: str, k: int) -> list[Point]:
    """The ``k`` points of ``name`` (normalised first); ``ValueError`` if it cannot be one."""
    text = normalise(name)
    problem = name_problem(text, k)
    if problem is not None:
        raise ValueError(problem)
    utf8 = text.encode("utf-8")
    data = bytes([len(utf8)]) + utf8
    data += bytes(CHUNK * k - len(data))
    return [_embed(data[t * CHUNK : (t + 1) * CHUNK]) for t in range(k)]


def _embed(chunk: bytes) -> Point:
    for j in range(_COUNTERS):
        candidate = bytes([2 * j]) + chunk + b"\x00"
        if point_is_valid(candidate):
            return Point(candidate)
    # Each try succeeds with probability about 1/4; 128 failures happen with probability 2^-53.
    raise ValueError("no counter gives a valid point for this chunk")


def blank(k: int) -> list[Point]:
    """The ``k`` points of a blank slot: the identity each time."""
    return [Point.identity()] * k


@dataclass(frozen=True)
class DecodedName:
    """A decoded write-in slot: ``blank``, a ``name``, or ``ignored`` with the reason."""

    status: Literal["blank", "name", "ignored"]
    name: str | None = None
    reason: str | None = None


def decode_name(points: Sequence[Point]) -> DecodedName:
    """Read the name in decrypted points; anything malformed is ``ignored``, never raised."""
    encodings = [point.encode() for point in points]
    if all(point.is_identity() for point in points):
        return DecodedName("blank")
    data = b""
    for encoding in encodings:
        if encoding[0] % 2 or encoding[31] != 0:
            return DecodedName("ignored", reason="a point is not a name chunk")
        data += encoding[1:31]
    length = data[0]
    if length == 0 or length > len(data) - 1:
        return DecodedName("ignored", reason="the length byte is out of range")
    if any(data[1 + length :]):
        return DecodedName("ignored", reason="the padding is not zero")
    try:
        text = data[1 : 1 + length].decode("utf-8")
    except UnicodeDecodeError:
        return DecodedName("ignored", reason="the name is not UTF-8")
    if normalise(text) != text:
        return DecodedName("ignored", reason="the name is not NFC-normalised and trimmed")
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text):
        return DecodedName("ignored", reason="the name has a control or format character")
    return DecodedName("name", name=text)
