"""Domain-separated hashing to scalars and the chain of contexts (``docs/ballot-crypto.md`` §3).

``Hash(tag, x1..xn) = SHA-512(u16be(|tag|) ‖ tag ‖ u32be(|x1|) ‖ x1 ‖ … ‖ u32be(|xn|) ‖ xn)``,
the 64-byte digest read as a little-endian integer and reduced modulo ℓ. Tags are ASCII.
Every input is a byte string with its length in front, so no two different input lists hash the
same bytes. Scalars enter as their 32-byte encoding, points as their canonical 32-byte encoding,
texts as UTF-8, indices as :func:`u32`.

The contexts are chained so that every proof is bound to its ballot, poll, key and server::

    key_id     = Hash("cv1/key", ceremony transcript)
    poll_ctx   = Hash("cv1/poll", origin, poll id, canonical poll definition, key_id, G, H)
    ballot_ctx = Hash("cv1/ballot", poll_ctx, deputy id, device public key,
                      a1 ‖ b1, a2 ‖ b2, …)    one input per ciphertext, in layout order
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

from ballots.crypto.group import Point, Scalar

__all__ = [
    "TAG_BALLOT",
    "TAG_KEY",
    "TAG_POLL",
    "ballot_context",
    "hash_to_scalar",
    "key_id",
    "poll_context",
    "u32",
]

TAG_KEY: Final = "cv1/key"
TAG_POLL: Final = "cv1/poll"
TAG_BALLOT: Final = "cv1/ballot"

_U16_MAX: Final = 0xFFFF
_U32_MAX: Final = 0xFFFF_FFFF


def u32(value: int) -> bytes:
    """``value`` as 4 bytes big-endian: how indices and counts enter a hash."""
    if not 0 <= value <= _U32_MAX:
        raise ValueError(f"{value} does not fit in an unsigned 32-bit integer")
    return value.to_bytes(4, "big")


def hash_to_scalar(tag: str, *parts: bytes) -> Scalar:
    """``Hash(tag, parts…)``: SHA-512 over the length-prefixed tag and parts, reduced mod ℓ."""
    tag_bytes = tag.encode("ascii")
    if len(tag_bytes) > _U16_MAX:
        raise ValueError("a hash tag is at most 65535 bytes")
    digest = hashlib.sha512()
    digest.update(len(tag_bytes).to_bytes(2, "big"))
    digest.update(tag_bytes)
    for part in parts:
        digest.update(u32(len(part)))
        digest.update(part)
    return Scalar.reduce(digest.digest())


def key_id(transcript: bytes) -> Scalar:
    """``key_id = Hash("cv1/key", transcript)``: names a joint key by its ceremony transcript."""
    return hash_to_scalar(TAG_KEY, transcript)


def poll_context(
    *, origin: str, poll_id: str, poll_definition: bytes, key: Scalar, public_key: Point
) -> Scalar:
    """``poll_ctx = Hash("cv1/poll", origin, poll id, poll definition, key_id, G, H)``.

    ``origin`` is the server origin the tablets load (``https://host:port``), ``poll_definition``
    the canonical JSON bytes (RFC 8785 subset of ``audit/canonical.py``) of the poll object of
    ``docs/tally-format.md``, ``key`` the :func:`key_id` and ``public_key`` the joint key H.
    """
    return hash_to_scalar(
        TAG_POLL,
        origin.encode("utf-8"),
        poll_id.encode("utf-8"),
        poll_definition,
        key.encode(),
        Point.generator().encode(),
        public_key.encode(),
    )


def ballot_context(
    *,
    poll: Scalar,
    deputy_id: str,
    device_key: bytes,
    ciphertexts: Iterable[tuple[Point, Point]],
) -> Scalar:
    """``ballot_ctx = Hash("cv1/ballot", poll_ctx, deputy id, device key, a_i ‖ b_i …)``.

    ``device_key`` is the raw public key of the casting device; each ciphertext ``(a, b)``
    enters as one 64-byte input, in the ballot's layout order.
    """
    parts = [poll.encode(), deputy_id.encode("utf-8"), device_key]
    parts.extend(a.encode() + b.encode() for a, b in ciphertexts)
    return hash_to_scalar(TAG_BALLOT, *parts)
