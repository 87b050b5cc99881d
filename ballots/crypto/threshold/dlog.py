"""The small discrete logarithm: from a decrypted ``M = m·G`` back to the count ``m``.

Totals are at most the number of counted ballots, so a table of ``m·G`` for ``m = 0..limit``
answers at once (``ballot-secrecy.md`` §7). Packed counters reach about ``electorate²``; for
those, Shanks' baby-step giant-step searches ``0..limit`` in about ``2·√limit`` group operations.
"""

from __future__ import annotations

from functools import lru_cache
from math import isqrt
from typing import Final

from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.errors import DiscreteLogError

__all__ = ["TABLE_LIMIT", "DiscreteLogTable", "baby_step_giant_step", "discrete_log", "table"]

#: Up to this limit a full table is built; above it, baby-step giant-step.
TABLE_LIMIT: Final = 65_536


class DiscreteLogTable:
    """``m·G → m`` for ``m = 0..limit``, built by repeated addition of G."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"the search limit {limit} is negative")
        self.limit = limit
        generator = Point.generator()
        self._table: dict[bytes, int] = {}
        point = Point.identity()
        for m in range(limit + 1):
            self._table[point.encode()] = m
            point = point + generator

    def lookup(self, point: Point, where: str) -> int:
        """``m`` with ``point = m·G``; :class:`DiscreteLogError` if ``m`` is beyond the limit."""
        try:
            return self._table[point.encode()]
        except KeyError:
            raise DiscreteLogError(
                where, f"the decrypted value is not a count between 0 and {self.limit}"
            ) from None


@lru_cache(maxsize=8)
def table(limit: int) -> DiscreteLogTable:
    """The table up to ``limit``, built once and kept (a poll decrypts many totals)."""
    return DiscreteLogTable(limit)


def baby_step_giant_step(point: Point, limit: int, where: str) -> int:
    """``m`` in ``0..limit`` with ``point = m·G`` (Shanks 1971), or :class:`DiscreteLogError`."""
    if limit < 0:
        raise ValueError(f"the search limit {limit} is negative")
    steps = isqrt(limit) + 1
    baby = table(steps - 1)
    giant = Point.base_mul(Scalar.of(steps))
    current = point
    for i in range(steps + 1):
        try:
            m = i * steps + baby.lookup(current, where)
        except DiscreteLogError:
            current = current - giant
            continue
        if m <= limit:
            return m
        break
    raise DiscreteLogError(where, f"the decrypted value is not a count between 0 and {limit}")


def discrete_log(point: Point, limit: int, where: str) -> int:
    """``m`` in ``0..limit`` with ``point = m·G``: a table for small limits, else BSGS."""
    if limit <= TABLE_LIMIT:
        return table(limit).lookup(point, where)
    return baby_step_giant_step(point, limit, where)
