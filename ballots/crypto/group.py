"""The ristretto255 group (RFC 9496): points, scalars and their strict encodings.

Every operation is a call into libsodium through ``rbcl`` (typed in
:mod:`ballots.crypto.sodium`); nothing here does curve arithmetic itself. libsodium's scalar
multiplications are constant-time, so the same functions serve secret and public scalars.

Strict decoding (``docs/ballot-crypto.md`` §2): a point is accepted iff it is 32 bytes, bit 255
is 0, and it decodes — libsodium alone ignores bit 255, so that bit is checked here first. A
scalar is 32 bytes little-endian and below ℓ. Whether the identity is allowed depends on the
role of the point, so :meth:`Point.decode` takes ``allow_identity``.
"""

from __future__ import annotations

import functools
import hmac
from typing import Final

from ballots.crypto import sodium
from ballots.crypto.errors import IdentityError, PointEncodingError, ScalarEncodingError

__all__ = ["ORDER", "Point", "Scalar"]

#: ℓ, the prime order of the group (RFC 9496 §4.1).
ORDER: Final = 2**252 + 27742317777372353535851937790883648493

_SIZE: Final = 32
_WIDE: Final = 64
_IDENTITY_BYTES: Final = bytes(_SIZE)


class Scalar:
    """An integer modulo ℓ, held as its 32-byte little-endian encoding."""

    __slots__ = ("_bytes",)

    def __init__(self, encoding: bytes) -> None:
        """Wrap a canonical encoding; use :meth:`decode`, :meth:`of` or :meth:`reduce` instead."""
        self._bytes = encoding

    # Construction

    @classmethod
    def decode(cls, data: bytes, where: str) -> Scalar:
        """Strictly decode 32 little-endian bytes below ℓ; raise naming ``where`` otherwise."""
        if len(data) != _SIZE:
            raise ScalarEncodingError(where, f"scalar is {len(data)} bytes, not 32")
        if int.from_bytes(data, "little") >= ORDER:
            raise ScalarEncodingError(where, "scalar is not below the group order")
        return cls(bytes(data))

    @classmethod
    def of(cls, value: int) -> Scalar:
        """The scalar ``value mod ℓ`` (negative values wrap around)."""
        return cls((value % ORDER).to_bytes(_SIZE, "little"))

    @classmethod
    def reduce(cls, wide: bytes) -> Scalar:
        """Reduce 64 bytes, read as a little-endian integer, modulo ℓ (uniform randomness)."""
        if len(wide) != _WIDE:
            raise ValueError(f"a wide scalar is 64 bytes, not {len(wide)}")
        return cls(sodium.scalar_reduce(bytes(wide)))

    # Encoding

    def encode(self) -> bytes:
        """The 32-byte little-endian encoding."""
        return self._bytes

    def __int__(self) -> int:
        return int.from_bytes(self._bytes, "little")

    def is_zero(self) -> bool:
        """True for the scalar 0."""
        return self._bytes == _IDENTITY_BYTES

    # Arithmetic modulo ℓ (libsodium, constant-time)

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar(sodium.scalar_add(self._bytes, other._bytes))

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar(sodium.scalar_sub(self._bytes, other._bytes))

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar(sodium.scalar_mul(self._bytes, other._bytes))

    def __neg__(self) -> Scalar:
        return Scalar(sodium.scalar_negate(self._bytes))

    def invert(self) -> Scalar:
        """The multiplicative inverse; raises ``ValueError`` for 0."""
        return Scalar(sodium.scalar_invert(self._bytes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self._bytes, other._bytes)

    def __hash__(self) -> int:
        return hash(("Scalar", self._bytes))

    def __repr__(self) -> str:
        return f"Scalar({self._bytes.hex()})"


class Point:
    """An element of ristretto255, held as its canonical 32-byte encoding."""

    __slots__ = ("_bytes",)

    def __init__(self, encoding: bytes) -> None:
        """Wrap a canonical encoding; use :meth:`decode` or the constructors below instead."""
        self._bytes = encoding

    # Construction

    @classmethod
    def decode(cls, data: bytes, where: str, *, allow_identity: bool = False) -> Point:
        """Strictly decode a point; raise an error naming ``where`` if it is refused.

        Refused: not 32 bytes, bit 255 set, not a valid encoding (RFC 9496 §4.3.1), or the
        identity unless ``allow_identity`` (plaintexts and blank name points allow it).
        """
        if len(data) != _SIZE:
            raise PointEncodingError(where, f"point is {len(data)} bytes, not 32")
        if data[31] & 0x80:
            raise PointEncodingError(where, "point has bit 255 set")
        data = bytes(data)
        if not sodium.point_is_valid(data):
            raise PointEncodingError(where, "point is not a valid ristretto255 encoding")
        if data == _IDENTITY_BYTES and not allow_identity:
            raise IdentityError(where, "the identity is not allowed here")
        return cls(data)

    @classmethod
    def identity(cls) -> Point:
        """The neutral element (encoded as 32 zero bytes)."""
        return cls(_IDENTITY_BYTES)

    @classmethod
    def generator(cls) -> Point:
        """G, the RFC 9496 generator (computed once)."""
        return _generator()

    @classmethod
    def base_mul(cls, scalar: Scalar) -> Point:
        """``scalar · G`` with libsodium's fixed-base multiplication (0 gives the identity)."""
        return cls(sodium.scalarmult_base(scalar.encode()))

    @classmethod
    def from_uniform_bytes(cls, data: bytes) -> Point:
        """Hash-to-group: RFC 9496 §4.3.4 ``from_uniform_bytes`` of 64 bytes."""
        if len(data) != _WIDE:
            raise ValueError(f"from_uniform_bytes takes 64 bytes, not {len(data)}")
        return cls(sodium.point_from_hash(bytes(data)))

    # Encoding

    def encode(self) -> bytes:
        """The canonical 32-byte encoding."""
        return self._bytes

    def is_identity(self) -> bool:
        """True for the neutral element."""
        return self._bytes == _IDENTITY_BYTES

    # Group operations

    def __add__(self, other: Point) -> Point:
        return Point(sodium.point_add(self._bytes, other._bytes))

    def __sub__(self, other: Point) -> Point:
        return Point(sodium.point_sub(self._bytes, other._bytes))

    def __neg__(self) -> Point:
        return Point(sodium.point_sub(_IDENTITY_BYTES, self._bytes))

    def mul(self, scalar: Scalar) -> Point:
        """``scalar · self`` with libsodium's constant-time variable-base multiplication."""
        return Point(sodium.scalarmult(scalar.encode(), self._bytes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self._bytes == other._bytes

    def __hash__(self) -> int:
        return hash(("Point", self._bytes))

    def __repr__(self) -> str:
        return f"Point({self._bytes.hex()})"


@functools.cache
def _generator() -> Point:
    return Point.base_mul(Scalar.of(1))
