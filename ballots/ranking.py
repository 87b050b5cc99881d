"""Who takes the seats: threshold, highest votes, runoff on a tie at the cut-off, unfilled seats.

组织法 Art 29: when more candidates meet the threshold than there are seats, the highest
vote-getters take them; when a tie at the last seat(s) leaves the winners undetermined, a runoff
is held among exactly the tied candidates for the remaining seats, and those strictly ahead of
the tie are elected. Seats no qualifying candidate fills are unfilled and go to a further
election (另行选举). The same rule adopts livelihood projects (domain-rules §4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def rank(
    votes: Sequence[tuple[str, int]], *, seats: int, qualifies: Callable[[int], bool]
) -> dict[str, Any]:
    """The ``outcome`` object ``{"elected", "runoff", "unfilled"}``.

    ``votes`` lists ``(name, for votes)`` in tie-break order: the candidate list, then any
    write-ins. ``elected`` is in descending vote order, equal votes in that order; the runoff's
    candidates are in that order.
    """
    qualified = [(name, count) for name, count in votes if qualifies(count)]
    ranked = sorted(qualified, key=lambda item: -item[1])  # stable: ties keep list order
    if len(ranked) <= seats:
        return _outcome([name for name, _ in ranked], None, seats - len(ranked))
    last_seat = ranked[seats - 1][1]
    if ranked[seats][1] < last_seat:
        return _outcome([name for name, _ in ranked[:seats]], None, 0)
    ahead = [name for name, count in ranked if count > last_seat]
    tied = [name for name, count in qualified if count == last_seat]
    return _outcome(ahead, {"candidates": tied, "seats": seats - len(ahead)}, 0)


def _outcome(elected: list[str], runoff: dict[str, Any] | None, unfilled: int) -> dict[str, Any]:
    return {"elected": elected, "runoff": runoff, "unfilled": unfilled}
