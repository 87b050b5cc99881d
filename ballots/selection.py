"""Livelihood projects chosen by deputies (民生实事项目代表票决制), domain-rules §4.

Two ballot forms: ``choose`` marks at most ``seats`` projects (a ballot choosing more is void,
as 选举法 Art 44), ``each`` marks every project for / against / abstain (unmarked: abstain).
A project is adopted iff its ``for`` votes meet the threshold, then the top ``seats`` by votes,
with runoffs and unfilled places as for elections (:mod:`ballots.ranking`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ballots.counts import check_entry_counts
from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.marks import MARK_SET, check_mark_counts, mark_counts, read_marks
from ballots.ranking import rank
from ballots.totals import Totals, open_ballot
from ballots.values import describe, expect_list, index_path, key_path, quote, require

_CHOOSE_FIELDS = frozenset({"chosen"})
_EACH_FIELDS = frozenset({"marks"})


def count_ballots(
    definition: PollDefinition, ballots: Sequence[Any], path: str = "ballots"
) -> Totals:
    """Count ``{"chosen": [id, ...]}`` or, for the ``each`` form, ``{"marks": {id: mark}}``."""
    ids = frozenset(project.id for project in definition.candidates)
    each = definition.form == "each"
    seats = definition.seat_count
    chosen_votes: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    void = 0
    for index, raw in enumerate(ballots):
        ballot_path = index_path(path, index)
        ballot = open_ballot(raw, ballot_path, _EACH_FIELDS if each else _CHOOSE_FIELDS)
        if ballot is None:
            void += 1
        elif each:
            marks_path = key_path(ballot_path, "marks")
            marks = read_marks(
                require(ballot, "marks", ballot_path), marks_path, ids, MARK_SET, noun="project"
            )
            pairs.update(marks.items())
        else:
            chosen_path = key_path(ballot_path, "chosen")
            chosen = read_chosen(require(ballot, "chosen", ballot_path), chosen_path, ids)
            if len(chosen) > seats:
                void += 1
            else:
                chosen_votes.update(chosen)
    valid = len(ballots) - void
    if each:
        counts: dict[str, Any] = mark_counts(pairs, definition.candidates, valid)
    else:
        counts = {
            project.id: {"for": chosen_votes[project.id]} for project in definition.candidates
        }
    return Totals(cast=len(ballots), void=void, counts=counts)


def read_chosen(value: object, path: str, ids: frozenset[str]) -> Sequence[str]:
    """A list of distinct project ids; checked with set operations in the common case."""
    items = expect_list(value, path)
    try:
        distinct = set(items)
        if len(distinct) == len(items) and distinct <= ids:
            return items
    except TypeError:  # an unhashable item: reported below
        pass
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_path = index_path(path, index)
        if not isinstance(item, str):
            raise InputError(item_path, f"expected a project id, got {describe(item)}")
        if item not in ids:
            raise InputError(item_path, f"unknown project {quote(item)}")
        if item in seen:
            raise InputError(item_path, f"project {quote(item)} chosen twice")
        seen.add(item)
    raise AssertionError("read_chosen: no bad item found")


def check_counts(
    definition: PollDefinition, counts: object, *, valid: int
) -> dict[str, dict[str, int]]:
    """Selection counts given to ``decide``: per project ``{"for"}`` (choose) or
    ``{"for", "against", "abstain"}`` (each)."""
    projects = definition.candidates
    if definition.form == "each":
        return check_mark_counts(counts, "counts", projects, valid, noun="project")
    checked = check_entry_counts(counts, "counts", projects, ("for",), noun="project")
    for project_id, votes in checked.items():
        if votes["for"] > valid:
            raise InputError(
                key_path(key_path("counts", project_id), "for"),
                f"must not exceed the valid ballots ({valid}), got {votes['for']}",
            )
    chosen = sum(votes["for"] for votes in checked.values())
    if chosen > definition.seat_count * valid:
        raise InputError(
            "counts",
            f"{chosen} projects chosen on {valid} valid ballots of at most"
            f" {definition.seat_count} each",
        )
    return checked


def outcome(
    definition: PollDefinition,
    counts: Mapping[str, Mapping[str, int]],
    qualifies: Callable[[int], bool],
) -> dict[str, Any]:
    """``{"elected", "runoff", "unfilled"}`` over the projects' ``for`` votes."""
    votes = [(project.id, counts[project.id]["for"]) for project in definition.candidates]
    return rank(votes, seats=definition.seat_count, qualifies=qualifies)
