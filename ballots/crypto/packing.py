"""The packed motion ballot: one ciphertext X for 赞成, 反对 or 弃权 (``docs/ballot-crypto.md`` §7).

A motion's stance is encrypted as one number ``X = F + B·A`` — 0 弃权, 1 赞成, B 反对 — with
``B = electorate + 1``, the seated deputies named by the poll definition of ``poll_opened``
plus one. The sum over ``n`` counted ballots is ``n_for + B·n_against``; as ``n_for ≤ n < B``
it splits back into the two counts, and 弃权 is what is neither.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.crypto.errors import LayoutError

__all__ = ["packed_base", "packed_limit", "packed_value", "split_packed"]


def packed_base(electorate: int) -> int:
    """``B = electorate + 1``: above any count of 赞成 among the electorate's ballots."""
    if electorate < 1:
        raise ValueError(f"an electorate of {electorate} deputies cannot pack a motion")
    return electorate + 1


def packed_value(marks: Sequence[int], base: int) -> int:
    """``X = F + B·A`` of the stance marks ``(F, A)``."""
    for_, against = marks
    return for_ + base * against


def packed_limit(counted: int, base: int) -> int:
    """The largest sum ``counted`` packed ballots can give: every one 反对."""
    return counted * base


def split_packed(total: int, counted: int, base: int, where: str) -> list[int]:
    """``[n_for, n_against]`` of a decrypted sum of ``counted`` packed ballots.

    Raises :class:`LayoutError` at ``where`` if ``counted`` reaches B (the split would be
    ambiguous) or the two counts exceed ``counted``.
    """
    if counted >= base:
        raise LayoutError(
            where, f"{counted} counted ballots, not fewer than the packing base {base}"
        )
    against, for_ = divmod(total, base)
    if for_ + against > counted:
        raise LayoutError(
            where, f"{for_} 赞成 and {against} 反对 exceed the {counted} counted ballots"
        )
    return [for_, against]
