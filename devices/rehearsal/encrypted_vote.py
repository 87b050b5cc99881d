"""A simulated tablet's encrypted ballot, as the browser tablet makes and checks it.

:func:`crypto_choice` turns a ballot screen's choice (the tally format's ballot: a stance, the
marks and write-ins of an election, the chosen projects, the ratings) into the plaintext the
tablet encrypts; it is the Python twin of ``cryptoChoice`` in ``devices/static/ballot-
encrypted.js``. The tablet's checks of the signed acknowledgement and, after the close, of its ballot's
inclusion are :func:`devices.simulator.check_signed_promise` and
:func:`devices.simulator.check_ballot_counted`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ballots.crypto.shape import Choice, Stance
from ballots.definition import DEFAULT_LEVELS
from devices.simulator import SimulationError

__all__ = ["crypto_choice"]

_STANCES: Final[frozenset[str]] = frozenset({"for", "against", "abstain"})


def _stance(value: Any) -> Stance:
    """A mark of the tally format; anything unmarked counts as an abstention."""
    return value if value in _STANCES else "abstain"


def crypto_choice(definition: Mapping[str, Any], choice: Any) -> Choice:
    """The plaintext of the encrypted ballot for ``choice`` in a poll of ``definition``: F/A per
    motion, candidate or project in list order, the chosen projects of a choose-N selection, one
    level per subject of an evaluation, and the written-in names."""
    kind = definition.get("kind")
    if kind not in {"motion", "election", "selection", "evaluation"}:
        raise SimulationError(f"no encrypted ballot for a poll of kind {kind!r}")
    if kind == "motion":
        return Choice.stances([_stance(choice)])
    if kind == "evaluation":
        levels: Sequence[str] = definition.get("levels") or DEFAULT_LEVELS
        ratings = choice.get("ratings", {})
        marks = [
            int(ratings.get(subject["id"]) == level)
            for subject in definition["subjects"]
            for level in levels
        ]
        return Choice(tuple(marks))
    ids = [entry["id"] for entry in definition["candidates"]]
    if kind == "selection" and "chosen" in choice:
        chosen = set(choice["chosen"])
        return Choice(tuple(int(i in chosen) for i in ids))
    marks = choice.get("marks", {})
    write_ins = choice.get("write_ins") or []
    names = list(write_ins.values()) if isinstance(write_ins, Mapping) else list(write_ins)
    return Choice.stances([_stance(marks.get(i)) for i in ids], names)
