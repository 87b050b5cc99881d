"""Per-entry marks on a ballot: ``{"c1": "for", "c2": "against"}``, and what they add up to.

Election ballots and selection ballots of the ``each`` form mark candidates or projects
for / against / abstain (代表法 Art 23: the only legal choices); evaluation ballots rate subjects
with a level. An entry left unmarked counts as ``abstain`` where abstaining is a mark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from ballots.counts import check_entry_counts
from ballots.definition import Entry
from ballots.errors import InputError
from ballots.values import describe, expect_object, key_path, one_of, quote

MARKS = ("for", "against", "abstain")
MARK_SET = frozenset(MARKS)


def read_marks(
    value: object,
    path: str,
    ids: frozenset[str],
    choices: frozenset[str],
    *,
    noun: str,
    choice_order: Sequence[str] = MARKS,
    choice_noun: str = "mark",
) -> Mapping[str, str]:
    """A ``{id: choice}`` object whose ids are in ``ids`` and choices in ``choices``.

    The common case is checked with set operations only, so that counting thousands of ballots
    stays fast; a bad map is walked again to name its first bad entry.
    """
    marks = expect_object(value, path)
    try:
        if marks.keys() <= ids and choices.issuperset(marks.values()):
            return marks
    except TypeError:  # an unhashable choice: reported below
        pass
    for key, choice in marks.items():
        choice_path = key_path(path, key)
        if key not in ids:
            raise InputError(choice_path, f"unknown {noun} {quote(key)}")
        if not (isinstance(choice, str) and choice in choices):
            raise InputError(
                choice_path,
                f"unknown {choice_noun} {describe(choice)} (expected {one_of(choice_order)})",
            )
    raise AssertionError("read_marks: no bad entry found")


def mark_counts(
    pairs: Counter[tuple[str, str]], entries: Sequence[Entry], valid: int
) -> dict[str, dict[str, int]]:
    """Per entry ``{"for", "against", "abstain"}`` from counted ``(id, mark)`` pairs.

    Every valid ballot gives each entry exactly one mark, so ``abstain`` is what is left.
    """
    counts: dict[str, dict[str, int]] = {}
    for entry in entries:
        votes_for = pairs[entry.id, "for"]
        against = pairs[entry.id, "against"]
        counts[entry.id] = {
            "for": votes_for,
            "against": against,
            "abstain": valid - votes_for - against,
        }
    return counts


def check_mark_counts(
    counts: object, path: str, entries: Sequence[Entry], valid: int, *, noun: str
) -> dict[str, dict[str, int]]:
    """Given per-entry for/against/abstain counts: each entry's three marks add up to ``valid``."""
    checked = check_entry_counts(counts, path, entries, MARKS, noun=noun)
    for entry_id, marks in checked.items():
        total = sum(marks.values())
        if total != valid:
            raise InputError(
                key_path(path, entry_id),
                f"for + against + abstain must equal the valid ballots ({valid}), got {total}",
            )
    return checked
