"""The backup card: a scrutineer's share as text to print locally or copy by hand.

Layout (version 1; lines in this order, ``key: value``, hex in groups of four)::

    congress-vote 监票人密钥备份卡 / scrutineer key backup card
    version: 1
    origin: https://congress.example:8443
    key: 1a2b 3c4d 5e6f 7081
    scrutineer: 2 of 3, threshold 2
    share: 0123 4567 89ab cdef 0123 4567 89ab cdef
           0123 4567 89ab cdef 0123 4567 89ab cdef
    checksum: 9f86 d081

``key`` is the first 8 bytes of ``key_id``; ``share`` the 32-byte ``s_j`` (little-endian, as
everywhere). ``checksum`` is the first 4 bytes of
``SHA-256("cv1/card|1|{origin}|{key}|{j}|{t}|{n}|{share}")`` over the lower-case hex without
spaces, so a copying mistake is caught before the share is used. The parser accepts upper or
lower case and any spacing inside hex values. Restoring also checks ``s_j·G = Y_j``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.errors import BackupCardError

__all__ = [
    "CARD_TITLE",
    "CARD_VERSION",
    "BackupCard",
    "make_card",
    "parse_card",
    "render_card",
    "restore_share",
]

CARD_TITLE: Final = "congress-vote 监票人密钥备份卡 / scrutineer key backup card"
CARD_VERSION: Final = 1
KEY_PREFIX_BYTES: Final = 8

_FIELDS: Final = ("version", "origin", "key", "scrutineer", "share", "checksum")
_SCRUTINEER = re.compile(r"([0-9]{1,2}) of ([0-9]{1,2}), threshold ([0-9]{1,2})")
_HEX = re.compile(r"[0-9a-f]*")


@dataclass(frozen=True, repr=False)
class BackupCard:
    """What a backup card holds (``share`` is the secret ``s_j``)."""

    origin: str
    key_prefix: bytes
    scrutineer: int
    t: int
    n: int
    share: Scalar
    version: int = CARD_VERSION

    def __repr__(self) -> str:
        return f"BackupCard(scrutineer={self.scrutineer}, key={self.key_prefix.hex()}, <secret>)"

    def checksum(self) -> bytes:
        """The first 4 bytes of the SHA-256 of the card's fields."""
        text = (
            f"cv1/card|{self.version}|{self.origin}|{self.key_prefix.hex()}|"
            f"{self.scrutineer}|{self.t}|{self.n}|{self.share.encode().hex()}"
        )
        return hashlib.sha256(text.encode("utf-8")).digest()[:4]


def _grouped(data: bytes) -> str:
    text = data.hex()
    return " ".join(text[k : k + 4] for k in range(0, len(text), 4))


def render_card(card: BackupCard) -> str:
    """The card as text, ending with a newline."""
    share = _grouped(card.share.encode())
    return (
        f"{CARD_TITLE}\n"
        f"version: {card.version}\n"
        f"origin: {card.origin}\n"
        f"key: {_grouped(card.key_prefix)}\n"
        f"scrutineer: {card.scrutineer} of {card.n}, threshold {card.t}\n"
        f"share: {share[:39]}\n"
        f"       {share[40:]}\n"
        f"checksum: {_grouped(card.checksum())}\n"
    )


def _hex_field(value: str, size: int, where: str) -> bytes:
    compact = "".join(value.split()).lower()
    if not _HEX.fullmatch(compact) or len(compact) != 2 * size:
        raise BackupCardError(where, f"expected {2 * size} hexadecimal digits")
    return bytes.fromhex(compact)


def _fields(text: str) -> dict[str, str]:
    """``{name: value}`` of a card's lines; the share may continue on the next lines.

    Errors never quote a line: it may hold part of the secret share.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines or lines[0] != CARD_TITLE:
        raise BackupCardError("card", "the first line is not the backup card title")
    fields: dict[str, str] = {}
    last = ""
    for number, line in enumerate(lines[1:], start=2):
        name, colon, value = line.partition(":")
        if colon and name.strip() in _FIELDS:
            last = name.strip()
            if last in fields:
                raise BackupCardError(f"card.{last}", "the field appears twice")
            fields[last] = value.strip()
        elif last == "share":
            fields["share"] += " " + line
        else:
            raise BackupCardError(f"card line {number}", "the line is not a field of the card")
    for name in _FIELDS:
        if name not in fields:
            raise BackupCardError(f"card.{name}", "the field is missing")
    return fields


def parse_card(text: str) -> BackupCard:
    """Read a card written by :func:`render_card` (or copied from it by hand)."""
    fields = _fields(text)
    if fields["version"] != str(CARD_VERSION):
        raise BackupCardError("card.version", f"version {fields['version']!r} is not 1")
    numbers = _SCRUTINEER.fullmatch(fields["scrutineer"])
    if numbers is None:
        raise BackupCardError("card.scrutineer", 'expected "j of n, threshold t"')
    j, n, t = (int(group) for group in numbers.groups())
    try:
        share = Scalar.decode(_hex_field(fields["share"], 32, "card.share"), "card.share")
    except CryptoError as error:
        raise BackupCardError("card.share", error.problem) from None
    card = BackupCard(
        origin=fields["origin"],
        key_prefix=_hex_field(fields["key"], KEY_PREFIX_BYTES, "card.key"),
        scrutineer=j,
        t=t,
        n=n,
        share=share,
    )
    if _hex_field(fields["checksum"], 4, "card.checksum") != card.checksum():
        raise BackupCardError("card.checksum", "the checksum does not match: a value was miscopied")
    return card


def make_card(
    *, origin: str, key_id: Scalar, scrutineer: int, t: int, n: int, share: Scalar
) -> BackupCard:
    """The card for scrutineer ``scrutineer``'s ``share`` of the key ``key_id``."""
    return BackupCard(origin, key_id.encode()[:KEY_PREFIX_BYTES], scrutineer, t, n, share)


def restore_share(
    text: str, *, origin: str, key_id: Scalar, t: int, n: int, verification_keys: dict[int, Point]
) -> tuple[int, Scalar]:
    """Parse a card and check it belongs to this key: ``(j, s_j)`` once ``s_j·G = Y_j``."""
    card = parse_card(text)
    if card.origin != origin:
        raise BackupCardError("card.origin", f"the card is for {card.origin!r}, not {origin!r}")
    if card.key_prefix != key_id.encode()[:KEY_PREFIX_BYTES]:
        raise BackupCardError("card.key", "the card belongs to another key")
    if (card.t, card.n) != (t, n):
        raise BackupCardError(
            "card.scrutineer", f"the card is for {card.t} of {card.n}, the key is {t} of {n}"
        )
    expected = verification_keys.get(card.scrutineer)
    if expected is None or Point.base_mul(card.share) != expected:
        raise BackupCardError(
            "card.share",
            f"the share does not match scrutineer {card.scrutineer}'s verification key",
        )
    return card.scrutineer, card.share
