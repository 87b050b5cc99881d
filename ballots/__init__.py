"""Counting rules of a town people's congress: motions, elections, selections, evaluations.

Pure functions, no I/O. The rules are those of ``docs/domain-rules.md``; the input and output
objects are the tally format of ``docs/tally-format.md``.

Public API:

- :func:`tally` — a document ``{"poll": {...}, "ballots": [...]}`` to its result object.
- :func:`decide` — the result object from totals (counts entered by hand); ``tally`` uses it.
- :func:`parse_poll` — the ``poll`` object to a validated :class:`PollDefinition`.
- :func:`quorum_met` — a body's quorum: two thirds (the plenary) or more than half.
- :func:`check_candidates` — the candidate count of an election round, checked by its type.
- :func:`runoff_from`, :func:`further_from` — the next round's poll from a result.
- :func:`count_decrypted_write_ins` — write-ins decrypted from encrypted ballots, leniently.
- :func:`render_table` — a result as the table a chair reads out, Chinese or English.
- :class:`InputError` — bad input, with the JSON path of the bad value;
  :class:`CandidateCountError` — an unlawful candidate count; :class:`BallotsError` is the base
  of every error raised here.
"""

from ballots.candidates import CandidateCountError, check_candidates
from ballots.decide import decide
from ballots.definition import DEFAULT_LEVELS, KINDS, Entry, PollDefinition, parse_poll
from ballots.errors import BallotsError, InputError
from ballots.names import MAX_NAME_LENGTH
from ballots.next_round import further_from, runoff_from
from ballots.quorum import QUORUM_RULES, QuorumRule, quorum_met
from ballots.rounds import ROUND_TYPES, Round, RoundType
from ballots.table import render_table
from ballots.tally import count_ballots, tally
from ballots.threshold import Threshold
from ballots.totals import Totals
from ballots.write_ins import WriteInTotals, count_decrypted_write_ins

__all__ = [
    "DEFAULT_LEVELS",
    "KINDS",
    "MAX_NAME_LENGTH",
    "QUORUM_RULES",
    "ROUND_TYPES",
    "BallotsError",
    "CandidateCountError",
    "Entry",
    "InputError",
    "PollDefinition",
    "QuorumRule",
    "Round",
    "RoundType",
    "Threshold",
    "Totals",
    "WriteInTotals",
    "check_candidates",
    "count_ballots",
    "count_decrypted_write_ins",
    "decide",
    "further_from",
    "parse_poll",
    "quorum_met",
    "render_table",
    "runoff_from",
    "tally",
]
