"""Randomness as an argument: every secret of the ceremony comes from a caller's source.

A :data:`RandomSource` is a function ``n -> n random bytes`` — ``os.urandom`` or
``secrets.token_bytes`` on a scrutineer's device, a seeded stream in tests. Secret scalars are
64 random bytes reduced modulo ℓ (``ballot-secrecy.md`` §3), so their bias is below 2⁻²⁵⁰.
"""

from __future__ import annotations

from collections.abc import Callable

from ballots.crypto.group import Scalar

__all__ = ["RandomSource", "random_scalar"]

RandomSource = Callable[[int], bytes]


def random_scalar(random: RandomSource) -> Scalar:
    """A uniform scalar: 64 bytes from ``random`` reduced modulo ℓ."""
    wide = random(64)
    if len(wide) != 64:
        raise ValueError(f"the random source returned {len(wide)} bytes instead of 64")
    return Scalar.reduce(wide)
