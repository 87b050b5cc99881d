"""Typed names for the libsodium ristretto255 functions of ``rbcl`` that the group uses.

``rbcl`` ships no type information; this module gives each function it uses a precise type so
the rest of :mod:`ballots.crypto` stays fully checked. Nothing else imports ``rbcl``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import rbcl  # type: ignore[import-untyped]  # the package ships no type information

__all__ = [
    "point_add",
    "point_from_hash",
    "point_is_valid",
    "point_sub",
    "scalar_add",
    "scalar_invert",
    "scalar_mul",
    "scalar_negate",
    "scalar_reduce",
    "scalar_sub",
    "scalarmult",
    "scalarmult_base",
]

#: crypto_core_ristretto255_is_valid_point: decodes (ignoring bit 255).
point_is_valid: Final[Callable[[bytes], bool]] = rbcl.crypto_core_ristretto255_is_valid_point
#: crypto_core_ristretto255_add / _sub.
point_add: Final[Callable[[bytes, bytes], bytes]] = rbcl.crypto_core_ristretto255_add
point_sub: Final[Callable[[bytes, bytes], bytes]] = rbcl.crypto_core_ristretto255_sub
#: crypto_core_ristretto255_from_hash: RFC 9496 from_uniform_bytes of 64 bytes.
point_from_hash: Final[Callable[[bytes], bytes]] = rbcl.crypto_core_ristretto255_from_hash
#: crypto_scalarmult_ristretto255[_base], allowing a zero result (the identity).
scalarmult: Final[Callable[[bytes, bytes], bytes]] = (
    rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
)
scalarmult_base: Final[Callable[[bytes], bytes]] = (
    rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
)
#: crypto_core_ristretto255_scalar_*: arithmetic modulo ℓ.
scalar_reduce: Final[Callable[[bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_reduce
scalar_add: Final[Callable[[bytes, bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_add
scalar_sub: Final[Callable[[bytes, bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_sub
scalar_mul: Final[Callable[[bytes, bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_mul
scalar_negate: Final[Callable[[bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_negate
scalar_invert: Final[Callable[[bytes], bytes]] = rbcl.crypto_core_ristretto255_scalar_invert
