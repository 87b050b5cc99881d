"""Exponential ElGamal under the joint key H (``docs/ballot-secrecy.md`` §3).

``Enc(m; r) = (r·G, m·G + r·H)`` for a small integer ``m``; a name point M is encrypted as
``(r·G, M + r·H)``. Ciphertexts add component-wise, which adds the plaintexts (and the
randomness), so totals are computed on ciphertexts and only totals are decrypted.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from ballots.crypto.group import Point, Scalar

__all__ = [
    "Ciphertext",
    "add",
    "encrypt",
    "encrypt_point",
    "reencrypt",
    "small_multiple",
    "subtract",
    "total",
]


class Ciphertext(NamedTuple):
    """An ElGamal ciphertext ``(a, b) = (r·G, M + r·H)``."""

    a: Point
    b: Point

    def encode(self) -> bytes:
        """``a ‖ b``, 64 bytes."""
        return self.a.encode() + self.b.encode()


@lru_cache(maxsize=4096)
def small_multiple(m: int) -> Point:
    """``m·G`` for a plaintext or branch value (cached: the same few values recur)."""
    return Point.base_mul(Scalar.of(m))


def encrypt(m: int, r: Scalar, key: Point) -> Ciphertext:
    """``Enc(m; r) = (r·G, m·G + r·H)`` under the joint key ``key`` = H."""
    return encrypt_point(small_multiple(m), r, key)


def encrypt_point(message: Point, r: Scalar, key: Point) -> Ciphertext:
    """``(r·G, M + r·H)``: the encryption of a point (a write-in name chunk, or m·G)."""
    return Ciphertext(Point.base_mul(r), message + key.mul(r))


def add(x: Ciphertext, y: Ciphertext) -> Ciphertext:
    """The encryption of the sum of both plaintexts."""
    return Ciphertext(x.a + y.a, x.b + y.b)


def subtract(x: Ciphertext, y: Ciphertext) -> Ciphertext:
    """The encryption of the difference of both plaintexts."""
    return Ciphertext(x.a - y.a, x.b - y.b)


def total(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The homomorphic sum of ``ciphertexts`` (the identity pair for none)."""
    result = Ciphertext(Point.identity(), Point.identity())
    for ciphertext in ciphertexts:
        result = add(result, ciphertext)
    return result


def reencrypt(ciphertext: Ciphertext, r: Scalar, key: Point) -> Ciphertext:
    """Fresh randomness, same plaintext: ``(a + r·G, b + r·H)``."""
    return Ciphertext(ciphertext.a + Point.base_mul(r), ciphertext.b + key.mul(r))
