"""Errors raised by the counting rules.

Hierarchy::

    BallotsError            base of every error raised by this package
    └── InputError          a poll definition, ballot or count that breaks the tally format

An :class:`InputError` names where the problem is, as a JSON path into the input
(``poll.threshold.fraction``, ``ballots[3]``, ``ballots[3].chosen[1]``, ``counts.c1.for``),
and what the problem is, as one sentence. Its ``str()`` is ``"{path}: {problem}"``, e.g.
``ballots[17].marks.c9: unknown candidate "c9"``. A malformed ballot is always an input error,
never silently a void ballot: only the rules of ``domain-rules.md`` make a ballot void.
"""

from __future__ import annotations


class BallotsError(Exception):
    """Base class of the errors raised by :mod:`ballots`."""

    code = "ballots-error"


class InputError(BallotsError):
    """The input breaks the tally format at ``path``; ``problem`` says how."""

    code = "invalid-input"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"
