"""Check 8: every ``result`` is the recount of its poll by the counting rules, verdict included.

The recount uses the same code as ``congress tally``: :func:`ballots.tally` over the vote that
counts for each deputy in a named poll (the last under change policy ``last``, the first under
``first``); :func:`ballots.decide` over the counts of a ``manual_result`` (with its
``write_ins_ignored``, if any), or over the totals and write-ins check 7 decrypted for an
encrypted poll (every ballot valid: ``void`` is 0; write-ins that did not decode were
ignored). Its input is the poll's ``definition`` with ``issued`` taken from ``poll_closed``,
passed whole, so that the election ``round``, ``write_in_eligible`` and ``quorum`` fields
count as they did at the server. The whole result object must match; a mismatch names the
first differing JSON path. The detail names each election result recounted with its round
(``first``, ``runoff``, ``further``, ``by_election``). A closed poll that is not voided needs
exactly one result, and a result is announced only once it is written. A ``motion_adopted``
entry follows a recounted result that passed. The presidium confirms an election result
(``result_confirmed``) once, after the result; when ``meeting_opened`` states the setting ``hold_election_results`` true
(the server always writes it), an election result is announced only after it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from audit.encrypted import counts_from_totals
from audit.verify.base import Check, Entry
from audit.verify.difference import describe_difference
from audit.verify.state import Meeting, Poll
from ballots import InputError, decide, parse_poll, tally

__all__ = ["RecountCheck"]

_BALLOT_PATH: Final = re.compile(r"ballots\[(\d+)\](.*)")


class RecountCheck(Check):
    number = 8

    def __init__(self, *args: Any, meeting: Meeting) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self.recounted = {"encrypted": 0, "named": 0, "manual": 0}
        # (poll, round type) of every election result recounted, in log order.
        self.election_rounds: list[tuple[str, str]] = []

    def feed(self, seq: int, entry: Entry) -> None:
        kind = entry["type"]
        if kind == "result_announced":
            self._announced(seq, entry)
        if kind == "result_confirmed":
            self._confirmed(seq, entry)
        if kind == "motion_adopted":
            self._adopted(seq, entry)
        if kind != "result":
            return
        poll_id = entry["poll"]
        poll = self.meeting.polls.get(poll_id)
        if poll is None:
            self.fail(seq, f"entry {seq}: result for poll {poll_id}, which was never opened")
            return
        if poll.result_at is not None:
            self.fail(
                seq,
                f"entry {seq}: second result for poll {poll_id} (the first is entry "
                f"{poll.result_at})",
            )
            return
        poll.result_at = seq
        if poll.closed_at is None or poll.closing is None:
            self.fail(seq, f"entry {seq}: result for poll {poll_id}, which has not closed")
            return
        if poll.voided_at is not None:
            self.fail(
                seq, f"entry {seq}: result for poll {poll_id}, voided at entry {poll.voided_at}"
            )
            return
        expected = self._recount(seq, poll)
        poll.release()
        if expected is None:
            return
        difference = describe_difference(expected, entry["result"], "result")
        if difference is not None:
            self.fail(
                seq,
                f"entry {seq}: result of poll {poll_id} differs from the recount at {difference}",
            )
            return
        outcome = entry["result"].get("outcome")
        poll.passed = isinstance(outcome, dict) and outcome.get("passed") is True
        self.recounted[poll.mode] += 1
        if poll.definition.get("kind") == "election":
            self.election_rounds.append((poll_id, _round_type(poll.definition)))

    def _announced(self, seq: int, entry: Entry) -> None:
        poll = self.meeting.polls.get(entry["poll"])
        if poll is None or poll.result_at is None:
            self.fail(
                seq, f"entry {seq}: result of poll {entry['poll']} announced before it exists"
            )
            return
        held = self.meeting.hold_election_results and poll.definition.get("kind") == "election"
        if held and poll.confirmed_at is None:
            self.fail(
                seq,
                f"entry {seq}: election result of poll {poll.poll} announced before the"
                " presidium confirmed it (hold_election_results)",
            )

    def _adopted(self, seq: int, entry: Entry) -> None:
        """A motion adopts only what a recounted, passing result carried."""
        poll = self.meeting.polls.get(entry["poll"])
        if poll is None or poll.result_at is None or not poll.passed:
            self.fail(
                seq,
                f"entry {seq}: motion_adopted for poll {entry['poll']}, whose recounted result"
                " did not pass",
            )

    def _confirmed(self, seq: int, entry: Entry) -> None:
        """The presidium confirms an election's counted result, once."""
        poll = self.meeting.polls.get(entry["poll"])
        if poll is None or poll.result_at is None:
            self.fail(
                seq, f"entry {seq}: result of poll {entry['poll']} confirmed before it exists"
            )
        elif poll.definition.get("kind") != "election":
            self.fail(seq, f"entry {seq}: result_confirmed for poll {poll.poll}, not an election")
        elif poll.confirmed_at is not None:
            self.fail(
                seq,
                f"entry {seq}: second result_confirmed for poll {poll.poll} (the first is entry "
                f"{poll.confirmed_at})",
            )
        else:
            poll.confirmed_at = seq

    def finish(self, entries: int) -> None:
        for poll in self.meeting.polls.values():
            # An encrypted poll's result waits for its decryption (or the write-in mix).
            pending = poll.mode == "encrypted" and poll.encrypted_totals is None
            if (
                poll.closed_at is not None
                and poll.voided_at is None
                and poll.result_at is None
                and not pending
            ):
                self.fail(
                    poll.closed_at,
                    f"entry {poll.closed_at}: poll {poll.poll} closed but no result entry follows",
                )

    def _recount(self, seq: int, poll: Poll) -> dict[str, Any] | None:
        """The result the rules give, or ``None`` (after recording why) if they cannot."""
        assert poll.closing is not None
        definition = {**poll.definition, "issued": poll.closing["issued"]}
        if poll.mode == "manual":
            return self._decide(seq, poll, definition)
        if poll.mode == "encrypted":
            return self._from_totals(seq, poll, definition)
        counted = sorted(poll.votes.values(), key=lambda vote: vote[0])
        try:
            result: dict[str, Any] = tally(
                {"poll": definition, "ballots": [choice for _, choice in counted]}
            )
        except InputError as exc:
            self._input_error(seq, poll, exc, [position for position, _ in counted])
            return None
        return result

    def _from_totals(
        self, seq: int, poll: Poll, definition: dict[str, Any]
    ) -> dict[str, Any] | None:
        """An encrypted poll: the rules of paper results over the totals check 7 verified."""
        totals = poll.encrypted_totals
        if totals is None:
            self.fail(
                seq, f"entry {seq}: result of encrypted poll {poll.poll} without verified totals"
            )
            return None
        cast = definition["issued"]
        written, ignored = poll.encrypted_write_ins or (None, 0)
        try:
            parsed = parse_poll(definition)
            result: dict[str, Any] = decide(
                parsed,
                cast=cast,
                valid=cast,
                void=0,
                counts=counts_from_totals(parsed, totals, cast),
                write_ins=written,
                write_ins_ignored=ignored,
            )
        except InputError as exc:
            self._input_error(seq, poll, exc, [])
            return None
        return result

    def _decide(self, seq: int, poll: Poll, definition: dict[str, Any]) -> dict[str, Any] | None:
        manual = poll.manual
        if manual is None or poll.manual_at is None:
            self.fail(
                seq, f"entry {seq}: result for manual poll {poll.poll} without a manual_result"
            )
            return None
        totals = manual["ballots"]
        try:
            result: dict[str, Any] = decide(
                parse_poll(definition),
                cast=totals["cast"],
                valid=totals["valid"],
                void=totals["void"],
                counts=manual["counts"],
                write_ins=manual["write_ins"],
                write_ins_ignored=manual.get("write_ins_ignored", 0),
            )
        except InputError as exc:
            if exc.path.startswith("poll"):
                self._input_error(seq, poll, exc, [])
            else:
                self.fail(
                    poll.manual_at,
                    f"entry {poll.manual_at}: the manual counts cannot be counted: {exc}",
                )
            return None
        return result

    def _input_error(self, seq: int, poll: Poll, exc: InputError, positions: list[int]) -> None:
        """Name the entry behind a counting error: a ballot or vote, or the poll's definition."""
        match = _BALLOT_PATH.fullmatch(exc.path)
        if match and int(match.group(1)) < len(positions):
            where = positions[int(match.group(1))]
            self.fail(
                where, f"entry {where}: choice{match.group(2)} cannot be counted: {exc.problem}"
            )
            return
        if exc.path.startswith("poll"):
            path = "definition" + exc.path.removeprefix("poll")
            self.fail(
                poll.opened_at,
                f"entry {poll.opened_at}: poll {poll.poll} cannot be counted: "
                f"{path}: {exc.problem}",
            )
            return
        self.fail(seq, f"entry {seq}: poll {poll.poll} cannot be recounted: {exc}")

    def detail(self) -> str:
        counts = self.recounted
        total = sum(counts.values())
        parts = ", ".join(f"{mode} {count:,}" for mode, count in counts.items() if count)
        detail = f"{total:,} results recounted" + (f" ({parts})" if parts else "")
        if self.election_rounds:
            rounds = ", ".join(f"{poll} {kind}" for poll, kind in self.election_rounds)
            detail += f"; election rounds: {rounds}"
        return detail


def _round_type(definition: Mapping[str, Any]) -> str:
    """The election round a poll definition holds: ``round.type``, else ``first``."""
    election_round = definition.get("round")
    if isinstance(election_round, Mapping) and isinstance(election_round.get("type"), str):
        return str(election_round["type"])
    return "first"
