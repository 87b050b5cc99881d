"""Ceremony parameters: who takes part (indices 1..n), how many must cooperate (t), and where.

A sitting's key is shared t of n with t > n/2 (``ballot-secrecy.md`` §4; default 2 of 3), so two
disjoint groups of scrutineers can never both decrypt. Every hash of the ceremony starts from
its context, which binds the server origin, the ceremony id and t and n::

    ceremony_ctx = Hash("cv1/ceremony", origin, ceremony id, u32(t), u32(n))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ballots.crypto.group import Scalar
from ballots.crypto.hashing import hash_to_scalar, u32
from ballots.crypto.threshold.errors import ParameterError

__all__ = ["MAX_SCRUTINEERS", "TAG_CEREMONY", "CeremonyParams"]

TAG_CEREMONY: Final = "cv1/ceremony"

#: More scrutineers than a congress ever elects; keeps indices in one byte on the backup card.
MAX_SCRUTINEERS: Final = 99


@dataclass(frozen=True)
class CeremonyParams:
    """A key ceremony: ``t`` of ``n`` scrutineers, indices ``1..n``, at ``origin``.

    ``origin`` is the server origin (``https://host:port``) and ``ceremony_id`` the id the
    server gives this ceremony (a restart after a complaint gets a new one).
    """

    origin: str
    ceremony_id: str
    t: int = 2
    n: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.n <= MAX_SCRUTINEERS:
            raise ParameterError("ceremony.n", f"n = {self.n} is not between 1 and 99")
        if not (2 * self.t > self.n and self.t <= self.n):
            raise ParameterError(
                "ceremony.t", f"t = {self.t} is not more than half of n = {self.n} and at most n"
            )
        if not self.ceremony_id:
            raise ParameterError("ceremony.id", "the ceremony id is empty")

    @property
    def indices(self) -> range:
        """The scrutineer indices ``1..n``."""
        return range(1, self.n + 1)

    def check_index(self, index: int, where: str) -> None:
        """Raise :class:`ParameterError` naming ``where`` unless ``index`` is in ``1..n``."""
        if not 1 <= index <= self.n:
            raise ParameterError(where, f"scrutineer index {index} is not between 1 and {self.n}")

    def context(self) -> Scalar:
        """``ceremony_ctx``: the hash every proof and transcript of this ceremony starts from."""
        return hash_to_scalar(
            TAG_CEREMONY,
            self.origin.encode("utf-8"),
            self.ceremony_id.encode("utf-8"),
            u32(self.t),
            u32(self.n),
        )
