"""Motions (表决): each ballot is for, against or abstain; the motion passes iff ``for`` meets the
threshold — by default more than half of ALL seated deputies (组织法 Art 25), so exactly half
fails, and against, abstain and not voting all count alike: they are not "for".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.totals import Totals, check_declared_void
from ballots.values import describe, expect_int, expect_object, index_path, key_path, require

CHOICES = ("for", "against", "abstain")
_EXPECTED = '"for", "against", "abstain" or {"void": true}'


def count_ballots(
    definition: PollDefinition, ballots: Sequence[Any], path: str = "ballots"
) -> Totals:
    """Count motion ballots: ``"for"``, ``"against"``, ``"abstain"`` or ``{"void": true}``."""
    counts = dict.fromkeys(CHOICES, 0)
    void = 0
    for index, ballot in enumerate(ballots):
        if isinstance(ballot, str) and ballot in counts:
            counts[ballot] += 1
        elif isinstance(ballot, Mapping) and "void" in ballot:
            check_declared_void(ballot, index_path(path, index))
            void += 1
        else:
            raise InputError(
                index_path(path, index), f"expected {_EXPECTED}, got {describe(ballot)}"
            )
    return Totals(cast=len(ballots), void=void, counts=counts)


def not_voted(definition: PollDefinition, cast: int) -> int | None:
    """Deputies present who cast no ballot (未按): ``present − cast``, ``None`` without ``present``.

    Never negative: when more ballots are cast than deputies were present when the poll opened
    (late arrivals who were issued a ballot), every deputy present voted.
    """
    if definition.present is None:
        return None
    return max(definition.present - cast, 0)


def check_counts(
    definition: PollDefinition, counts: object, *, cast: int, valid: int, path: str = "counts"
) -> dict[str, int]:
    """Motion counts ``{"for", "against", "abstain"}`` adding up to ``valid``.

    ``not_voted`` follows from ``present`` and ``cast`` (:func:`not_voted`); it may be given,
    and then it must be that value.
    """
    obj = expect_object(counts, path)
    for key in obj:
        if key not in CHOICES and key != "not_voted":
            raise InputError(key_path(path, key), "unknown field")
    given_counts = {
        choice: expect_int(require(obj, choice, path), key_path(path, choice), minimum=0)
        for choice in CHOICES
    }
    total = sum(given_counts.values())
    if total != valid:
        raise InputError(
            path, f"for + against + abstain must equal the valid ballots ({valid}), got {total}"
        )
    expected = not_voted(definition, cast)
    if "not_voted" in obj:
        given = obj["not_voted"]
        if type(given) is not type(expected) or given != expected:
            raise InputError(
                key_path(path, "not_voted"),
                f"expected {describe(expected)} (present − cast), got {describe(given)}",
            )
    return given_counts


def outcome(votes_for: int, qualifies: Callable[[int], bool]) -> dict[str, Any]:
    """``{"passed": bool}``."""
    return {"passed": qualifies(votes_for)}
