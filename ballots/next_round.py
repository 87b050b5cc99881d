"""The next round of an election, derived from a result: a runoff or a further election.

Both take the earlier round's tally-format ``poll`` object and its result object and return a
new ``poll`` object in the tally format, ready for :func:`ballots.check_candidates` and for
opening (the server fills ``electorate`` and ``present`` anew; ``present`` and ``issued`` of
the earlier round are not carried over).

- :func:`runoff_from` (再次投票, 组织法 Art 29): candidates are exactly the tied set, seats the
  remaining ones; no write-ins; threshold ``plurality`` unless the caller (or an earlier
  runoff) says ``majority``. A tied write-in name becomes a candidate whose id and name are the
  written name (a write-in never equals a listed id, so the ids stay distinct).
- :func:`further_from` (另行选举, 组织法 Art 29 ¶3): the unfilled seats; candidates are those
  the caller nominates, by default the listed candidates not elected, in the earlier round's
  vote order (domain-rules §3 "Shortfall"), which the 差额 rule may still require to trim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballots.definition import parse_poll
from ballots.errors import InputError
from ballots.rounds import Round, RunoffThreshold
from ballots.values import expect_object, key_path

# Fields of one round that do not carry over to the next.
_ROUND_FIELDS = ("present", "issued", "seats", "candidates", "round")


def runoff_from(
    definition: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    follows: str | None = None,
    threshold: RunoffThreshold | None = None,
) -> dict[str, Any]:
    """The runoff among the tied candidates of ``result`` for its remaining seats.

    ``follows`` is the earlier poll's id; ``threshold`` defaults to the earlier round's when it
    was a runoff, else ``plurality``. Raises :class:`InputError` when the result has no runoff.
    """
    parsed = parse_poll(definition)
    runoff = _outcome(result, parsed.kind).get("runoff")
    if runoff is None:
        raise InputError("result.outcome.runoff", "no tie across the last seat: no runoff")
    if threshold is None:
        threshold = parsed.round.threshold or "plurality"
    by_id = {str(item["id"]): dict(item) for item in definition["candidates"]}
    candidates = [by_id.get(name, {"id": name, "name": name}) for name in runoff["candidates"]]
    poll = _carried(definition, drop=("write_ins", "write_in_eligible", "write_in_roster"))
    if threshold == "plurality":
        poll.pop("threshold", None)
    poll.update(
        seats=runoff["seats"],
        candidates=candidates,
        round=Round("runoff", follows, threshold).to_json(),
    )
    parse_poll(poll)
    return poll


def further_from(
    definition: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    follows: str | None = None,
    candidates: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The further election for the seats ``result`` left unfilled.

    ``candidates`` are the nominations (tally-format entries); by default the listed candidates
    of ``definition`` who were not elected, most ``for`` votes first, equal votes in list order.
    Raises :class:`InputError` when no seat is unfilled or no candidate is left.
    """
    parsed = parse_poll(definition)
    outcome = _outcome(result, parsed.kind)
    unfilled = outcome.get("unfilled")
    if not isinstance(unfilled, int) or unfilled < 1:
        raise InputError("result.outcome.unfilled", "no seat is unfilled: no further election")
    if candidates is None:
        counts = expect_object(result.get("counts"), "result.counts")
        elected = set(outcome.get("elected") or ())
        remaining = [dict(item) for item in definition["candidates"] if item["id"] not in elected]
        remaining.sort(key=lambda item: -int(counts[item["id"]]["for"]))  # stable: list order
        if not remaining:
            raise InputError("candidates", "no candidate left from the earlier round: nominate")
        candidates = remaining
    poll = _carried(definition, drop=())
    if parsed.round.type == "runoff":
        poll.pop("write_ins", None)
    poll.update(
        seats=unfilled,
        candidates=[dict(item) for item in candidates],
        round=Round("further", follows).to_json(),
    )
    parse_poll(poll)
    return poll


def _outcome(result: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    if kind != "election":
        raise InputError("poll.kind", f'a poll of kind "{kind}" has no election rounds')
    outcome = expect_object(result, "result").get("outcome")
    if outcome is None:
        raise InputError(
            "result.outcome",
            "the round is invalid (more ballots cast than issued): hold it again (选举法 Art 44)",
        )
    return expect_object(outcome, key_path("result", "outcome"))


def _carried(definition: Mapping[str, Any], *, drop: Sequence[str]) -> dict[str, Any]:
    """The earlier poll's fields that carry over: title, electorate, threshold, settings."""
    return {k: v for k, v in definition.items() if k not in _ROUND_FIELDS and k not in drop}
