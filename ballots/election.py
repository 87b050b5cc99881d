"""Elections (选举): per candidate for / against / abstain, write-ins, and who takes the seats.

A ballot choosing more persons than there are seats (``for`` marks plus counted write-ins) is
void (选举法 Art 44); fewer is valid, and a blank ballot is valid. A candidate is elected iff
their ``for`` votes meet the threshold, by default more than half of all seated deputies
(组织法 Art 25), counted over valid ballots; ties and shortfalls as in :mod:`ballots.ranking`.
In a plurality runoff (组织法 Art 29: 「就票数相等的人再次投票，以得票多的当选」) every candidate
competes: the most ``for`` votes take the remaining seats, a tie across the last one is a runoff
again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from operator import countOf
from typing import Any

from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.marks import MARK_SET, check_mark_counts, mark_counts, read_marks
from ballots.ranking import rank
from ballots.totals import Totals, open_ballot
from ballots.values import index_path, key_path, require
from ballots.write_ins import WriteInRules, check_write_in_votes, read_write_ins

_FIELDS = frozenset({"marks", "write_ins"})


def count_ballots(
    definition: PollDefinition, ballots: Sequence[Any], path: str = "ballots"
) -> Totals:
    """Count election ballots ``{"marks": {id: mark}, "write_ins": {id: name} | [name, ...]}``."""
    rules = WriteInRules.of(definition)
    ids = rules.ids
    seats = definition.seat_count
    pairs: Counter[tuple[str, str]] = Counter()
    write_ins: Counter[str] = Counter()
    ignored = 0
    void = 0
    for index, raw in enumerate(ballots):
        ballot_path = index_path(path, index)
        ballot = open_ballot(raw, ballot_path, _FIELDS)
        if ballot is None:
            void += 1
            continue
        marks_path = key_path(ballot_path, "marks")
        marks = read_marks(
            require(ballot, "marks", ballot_path), marks_path, ids, MARK_SET, noun="candidate"
        )
        chosen = countOf(marks.values(), "for")
        names: list[str] = []
        dropped = 0
        if "write_ins" in ballot:
            names, dropped = read_write_ins(
                ballot["write_ins"], key_path(ballot_path, "write_ins"), marks, rules
            )
            chosen += len(names)
        if chosen > seats:
            void += 1
            continue
        pairs.update(marks.items())
        ignored += dropped
        if names:
            write_ins.update(names)
    valid = len(ballots) - void
    return Totals(
        cast=len(ballots),
        void=void,
        counts=mark_counts(pairs, definition.candidates, valid),
        write_ins=dict(sorted(write_ins.items())),
        write_ins_ignored=ignored,
    )


def check_counts(
    definition: PollDefinition, counts: object, write_ins: object, *, valid: int
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Election counts and write-in totals given to ``decide``, checked against each other."""
    checked = check_mark_counts(counts, "counts", definition.candidates, valid, noun="candidate")
    written = check_write_in_votes(write_ins, "write_ins", definition, valid=valid)
    chosen = sum(marks["for"] for marks in checked.values()) + sum(written.values())
    if chosen > definition.seat_count * valid:
        raise InputError(
            "counts",
            f"{chosen} persons chosen on {valid} valid ballots of at most"
            f" {definition.seat_count} each",
        )
    return checked, written


def outcome(
    definition: PollDefinition,
    counts: Mapping[str, Mapping[str, int]],
    write_ins: Mapping[str, int],
    qualifies: Callable[[int], bool],
) -> dict[str, Any]:
    """``{"elected", "runoff", "unfilled"}``; written names compete after listed candidates.

    In a plurality runoff every candidate qualifies, whatever ``qualifies`` says.
    """
    votes = [(candidate.id, counts[candidate.id]["for"]) for candidate in definition.candidates]
    votes += sorted(write_ins.items())
    if definition.round.plurality:
        return rank(votes, seats=definition.seat_count, qualifies=_anyone)
    return rank(votes, seats=definition.seat_count, qualifies=qualifies)


def _anyone(count: int) -> bool:
    """A plurality runoff's candidates met the majority in the earlier round: all compete."""
    return True
