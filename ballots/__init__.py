"""Counting rules of a town people's congress: motions, elections, selections, evaluations.

Pure functions, no I/O. The rules are those of ``docs/domain-rules.md``; the input and output
objects are the tally format of ``docs/tally-format.md``.

Public API:

- :func:`tally` — a document ``{"poll": {...}, "ballots": [...]}`` to its result object.
- :func:`decide` — the result object from totals (counts entered by hand); ``tally`` uses it.
- :func:`parse_poll` — the ``poll`` object to a validated :class:`PollDefinition`.
- :func:`quorum_met` — two thirds or more of seated deputies present.
- :func:`render_table` — a result as the table a chair reads out, Chinese or English.
- :class:`InputError` — bad input, with the JSON path of the bad value; :class:`BallotsError`
  is the base of every error raised here.
"""

from ballots.decide import decide
from ballots.definition import DEFAULT_LEVELS, KINDS, Entry, PollDefinition, parse_poll
from ballots.errors import BallotsError, InputError
from ballots.quorum import quorum_met
from ballots.table import render_table
from ballots.tally import count_ballots, tally
from ballots.threshold import Threshold
from ballots.totals import Totals

__all__ = [
    "DEFAULT_LEVELS",
    "KINDS",
    "BallotsError",
    "Entry",
    "InputError",
    "PollDefinition",
    "Threshold",
    "Totals",
    "count_ballots",
    "decide",
    "parse_poll",
    "quorum_met",
    "render_table",
    "tally",
]
