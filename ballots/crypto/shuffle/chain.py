"""A chain of shuffles by scrutineer stations, and whether a station's shuffle is in it.

The first shuffle mixes the input list; each next one mixes the previous outputs. A station
shuffles at most once. A station decrypts the final list only when its own shuffle is in a
verified chain (``docs/ballot-secrecy.md`` §6): then at least one honest mix — its own — lies
between the ballots and the decrypted names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.challenges import ShuffleContext, Vector
from ballots.crypto.shuffle.errors import ChainError
from ballots.crypto.shuffle.mix import Shuffle, check_vectors, verify_shuffle

__all__ = ["ChainKey", "VerifiedChain", "station_has_shuffled", "verify_chain"]


@dataclass(frozen=True)
class ChainKey:
    """The key and poll every shuffle of a chain is bound to (its station comes from it)."""

    key_id: Scalar
    poll_context: Scalar
    public_key: Point

    def for_station(self, station: int) -> ShuffleContext:
        """The :class:`ShuffleContext` of ``station``'s shuffle."""
        return ShuffleContext(self.key_id, self.poll_context, self.public_key, station)


@dataclass(frozen=True)
class VerifiedChain:
    """What :func:`verify_chain` established: the stations in order and the final list."""

    stations: tuple[int, ...]
    outputs: tuple[Vector, ...]


def verify_chain(
    inputs: Sequence[Vector], shuffles: Sequence[Shuffle], key: ChainKey
) -> VerifiedChain:
    """Verify every shuffle in order; raise :class:`ChainError` or the shuffle's error.

    Errors name ``shuffles[i]`` (and the part of it that failed).
    """
    check_vectors(inputs, "inputs")
    if not shuffles:
        raise ChainError("shuffles", "the chain holds no shuffle")
    seen: dict[int, int] = {}
    current: Sequence[Vector] = [tuple(vector) for vector in inputs]
    for i, mixed in enumerate(shuffles):
        where = f"shuffles[{i}]"
        if mixed.station in seen:
            raise ChainError(
                f"{where}.station",
                f"station {mixed.station} already shuffled at shuffles[{seen[mixed.station]}]",
            )
        seen[mixed.station] = i
        verify_shuffle(current, mixed, key.for_station(mixed.station), where)
        current = mixed.outputs
    return VerifiedChain(tuple(s.station for s in shuffles), tuple(current))


def station_has_shuffled(
    inputs: Sequence[Vector], shuffles: Sequence[Shuffle], key: ChainKey, station: int
) -> bool:
    """True iff the chain verifies and ``station``'s shuffle is in it (then it may decrypt).

    A chain that does not verify raises its error rather than answering False.
    """
    return station in verify_chain(inputs, shuffles, key).stations
