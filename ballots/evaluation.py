"""Satisfaction evaluation (评议 / 测评), domain-rules §5.

One ballot rates several subjects, each with one level, best first (default 满意 / 基本满意 /
不满意: ``satisfied``, ``basically_satisfied``, ``dissatisfied``). An unrated subject is not
counted for that subject.

Rating. A subject gets the best level ``L`` such that the ballots rating it ``L`` or better meet
the threshold; when no level above the worst does, the worst. With the default levels and
threshold this is the published county practice: satisfied iff ``2·satisfied > electorate``,
otherwise basically satisfied iff ``2·(satisfied + basically) > electorate``, otherwise
dissatisfied. Custom levels follow the same rule.

Ranking. Subjects are ordered by the ballots rating them the best level, then the best two
levels, and so on down to all levels but the worst (with the defaults: satisfied, then
satisfied + basically satisfied), most first, then in list order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate
from typing import Any

from ballots.counts import check_entry_counts
from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.marks import read_marks
from ballots.totals import Totals, open_ballot
from ballots.values import index_path, key_path, require

_FIELDS = frozenset({"ratings"})


def count_ballots(
    definition: PollDefinition, ballots: Sequence[Any], path: str = "ballots"
) -> Totals:
    """Count ``{"ratings": {subject id: level}}`` ballots."""
    ids = frozenset(subject.id for subject in definition.subjects)
    levels = frozenset(definition.levels)
    pairs: Counter[tuple[str, str]] = Counter()
    void = 0
    for index, raw in enumerate(ballots):
        ballot_path = index_path(path, index)
        ballot = open_ballot(raw, ballot_path, _FIELDS)
        if ballot is None:
            void += 1
            continue
        ratings = read_marks(
            require(ballot, "ratings", ballot_path),
            key_path(ballot_path, "ratings"),
            ids,
            levels,
            noun="subject",
            choice_order=definition.levels,
            choice_noun="level",
        )
        pairs.update(ratings.items())
    counts = {
        subject.id: {level: pairs[subject.id, level] for level in definition.levels}
        for subject in definition.subjects
    }
    return Totals(cast=len(ballots), void=void, counts=counts)


def check_counts(
    definition: PollDefinition, counts: object, *, valid: int
) -> dict[str, dict[str, int]]:
    """Per subject, per level counts given to ``decide``; a subject's ratings ≤ valid ballots."""
    checked = check_entry_counts(
        counts, "counts", definition.subjects, definition.levels, noun="subject"
    )
    for subject_id, levels in checked.items():
        rated = sum(levels.values())
        if rated > valid:
            raise InputError(
                key_path("counts", subject_id),
                f"ratings must not exceed the valid ballots ({valid}), got {rated}",
            )
    return checked


def rating(
    counts: Mapping[str, int], levels: Sequence[str], qualifies: Callable[[int], bool]
) -> str:
    """The level of one subject: the best level that, with the better ones, meets the threshold."""
    at_or_above = 0
    for level in levels[:-1]:
        at_or_above += counts[level]
        if qualifies(at_or_above):
            return level
    return levels[-1]


def outcome(
    definition: PollDefinition,
    counts: Mapping[str, Mapping[str, int]],
    qualifies: Callable[[int], bool],
) -> dict[str, Any]:
    """``{"ratings": {subject id: level}, "ranking": [subject id, ...]}``."""
    levels = definition.levels
    ranked_levels = max(1, len(levels) - 1)

    def order(item: tuple[int, str]) -> tuple[int, ...]:
        position, subject_id = item
        best = accumulate(counts[subject_id][level] for level in levels[:ranked_levels])
        return (*(-count for count in best), position)

    subject_ids = [subject.id for subject in definition.subjects]
    ranking = [subject_id for _, subject_id in sorted(enumerate(subject_ids), key=order)]
    ratings = {
        subject_id: rating(counts[subject_id], levels, qualifies) for subject_id in subject_ids
    }
    return {"ratings": ratings, "ranking": ranking}
