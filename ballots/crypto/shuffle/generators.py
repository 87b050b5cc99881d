"""The independent commitment generators of the proof of shuffle.

Generator ``i`` (a signed 32-bit index) is ``from_uniform_bytes`` (RFC 9496 §4.3.4) of::

    SHA-512("congress-vote/v1/shuffle-generator" ‖ i32be(i))

the ASCII label immediately followed by the index as 4 bytes big-endian two's complement, no
length prefix. The proof for N vectors uses ĥ = generator(0) as the start of the commitment
chain and h_k = generator(k + 1) for the permutation commitments, k = 0 … N − 1. Nobody knows a
discrete logarithm of one in terms of another, G or H; the verifier checks that they are
distinct, not the identity, and differ from G and H (Haenni et al. 2017, §4.1 "GetGenerators").
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Final, NamedTuple

from ballots.crypto.group import Point
from ballots.crypto.shuffle.errors import GeneratorError

__all__ = ["GENERATOR_LABEL", "Generators", "check_generators", "generator", "generators_for"]

GENERATOR_LABEL: Final = b"congress-vote/v1/shuffle-generator"


class Generators(NamedTuple):
    """ĥ, the start of the commitment chain, and h_0 … h_{N−1}."""

    chain_start: Point
    permutation: tuple[Point, ...]


@lru_cache(maxsize=16384)
def generator(index: int) -> Point:
    """``from_uniform_bytes(SHA-512(label ‖ i32be(index)))``."""
    data = GENERATOR_LABEL + index.to_bytes(4, "big", signed=True)
    return Point.from_uniform_bytes(hashlib.sha512(data).digest())


def generators_for(count: int) -> Generators:
    """The generators of a shuffle of ``count`` vectors: generator(0), then 1 … count."""
    return Generators(generator(0), tuple(generator(k + 1) for k in range(count)))


def check_generators(generators: Generators, public_key: Point, where: str) -> None:
    """Raise :class:`GeneratorError` unless all are distinct, not the identity, ≠ G and ≠ H."""
    everything = (generators.chain_start, *generators.permutation)
    seen = {Point.generator().encode(): "G", public_key.encode(): "H"}
    if len(seen) < 2:
        raise GeneratorError(where, "the public key H equals G")
    for position, point in enumerate(everything):
        name = "chain start" if position == 0 else f"h[{position - 1}]"
        if point.is_identity():
            raise GeneratorError(where, f"generator {name} is the identity")
        clash = seen.get(point.encode())
        if clash is not None:
            raise GeneratorError(where, f"generator {name} equals {clash}")
        seen[point.encode()] = name
