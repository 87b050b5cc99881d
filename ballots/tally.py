"""Counting one poll's ballots: a tally-format document in, its result object out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ballots import election, evaluation, motion, selection
from ballots.decide import decide
from ballots.definition import Kind, PollDefinition, parse_poll
from ballots.totals import Totals
from ballots.values import expect_list, expect_object, reject_unknown, require

_COUNTERS: dict[Kind, Callable[[PollDefinition, Sequence[Any], str], Totals]] = {
    "motion": motion.count_ballots,
    "election": election.count_ballots,
    "selection": selection.count_ballots,
    "evaluation": evaluation.count_ballots,
}


def tally(document: Mapping[str, Any]) -> dict[str, Any]:
    """The result object of ``{"poll": {...}, "ballots": [...]}``; raises ``InputError``."""
    document = expect_object(document, "$")
    reject_unknown(document, ("poll", "ballots"), "")
    definition = parse_poll(require(document, "poll", ""))
    ballots = expect_list(require(document, "ballots", ""), "ballots")
    totals = count_ballots(definition, ballots)
    return decide(
        definition,
        cast=totals.cast,
        valid=totals.valid,
        void=totals.void,
        counts=totals.counts,
        write_ins=totals.write_ins,
        write_ins_ignored=totals.write_ins_ignored,
    )


def count_ballots(
    definition: PollDefinition, ballots: Sequence[Any], path: str = "ballots"
) -> Totals:
    """The totals of a poll's ballots; ``path`` names the ballot list in error messages."""
    return _COUNTERS[definition.kind](definition, ballots, path)
