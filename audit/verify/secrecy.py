"""Check 7: the ballots of every secret poll come right after its ``poll_closed``, sorted by
receipt, one per participation, and carry nothing that could link them to a deputy.

A ballot holds ``poll``, ``receipt`` and ``choice`` only (besides ``v``, ``seq``, ``type``): no
deputy, device, time, body, signature or actor, and no other field either. Receipts are 16
random bytes written as 32 lowercase hex digits, strictly ascending within a poll (so unique);
the order says nothing about who voted when.
"""

from __future__ import annotations

import re
from typing import Any, Final

from audit.entries import BALLOT_FORBIDDEN_FIELDS
from audit.verify.base import Check, Entry, show
from audit.verify.encrypted import EncryptedChecks
from audit.verify.state import Meeting, Poll

__all__ = ["BALLOT_FIELDS", "RECEIPT_PATTERN", "SecrecyCheck"]

#: A ballot receipt: 16 random bytes as 32 lowercase hex digits.
RECEIPT_PATTERN: Final = re.compile(r"[0-9a-f]{32}")

#: Every field a ballot entry may carry.
BALLOT_FIELDS: Final = frozenset({"v", "seq", "type", "poll", "receipt", "choice"})


class SecrecyCheck(Check):
    number = 7

    def __init__(
        self, *args: Any, meeting: Meeting, checkpoints: frozenset[str] = frozenset()
    ) -> None:
        """``checkpoints``: the texts of the bundle's signed checkpoints (decryption shares
        must be bound to one of them)."""
        super().__init__(*args)
        self.meeting = meeting
        self.ballots = 0
        self.secret_polls = 0
        # The secret poll whose ballots may follow, and the last receipt seen among them.
        self._run: Poll | None = None
        self._last_receipt: tuple[int, str] | None = None
        self.encrypted = EncryptedChecks(meeting, self.fail, checkpoints)

    def feed(self, seq: int, entry: Entry) -> None:
        kind = entry["type"]
        self.encrypted.feed(seq, entry)
        if kind == "ballot":
            self._ballot(seq, entry)
            return
        if self._run is not None:
            self._end_run(seq)
        if kind == "poll_closed":
            poll = self.meeting.polls.get(entry["poll"])
            if poll is not None and poll.mode == "secret" and poll.closed_at == seq:
                self._run, self._last_receipt = poll, None
                self.secret_polls += 1

    def finish(self, entries: int) -> None:
        if self._run is not None:
            self._end_run(entries)

    def _ballot(self, seq: int, entry: Entry) -> None:
        poll = self._run
        if poll is None:
            self.fail(
                seq,
                f"entry {seq}: ballot of poll {entry['poll']} does not directly follow the "
                "poll_closed of a secret poll",
            )
            return
        if entry["poll"] != poll.poll:
            self.fail(
                seq, f"entry {seq}: ballot of poll {entry['poll']} among the ballots of {poll.poll}"
            )
            return
        for name in sorted(entry.keys() - BALLOT_FIELDS):
            if name in BALLOT_FORBIDDEN_FIELDS:
                self.fail(
                    seq, f'entry {seq}: ballot carries "{name}", which could link it to a deputy'
                )
            else:
                self.fail(seq, f'entry {seq}: ballot carries unexpected field "{name}"')
        receipt = entry["receipt"]
        if not RECEIPT_PATTERN.fullmatch(receipt):
            self.fail(seq, f"entry {seq}: receipt {show(receipt)} is not 32 lowercase hex digits")
        last = self._last_receipt
        if last is not None:
            if receipt == last[1]:
                self.fail(seq, f"entry {seq}: receipt {receipt} repeats entry {last[0]}")
            elif receipt < last[1]:
                self.fail(
                    seq,
                    f"entry {seq}: ballots must be in ascending receipt order; receipt "
                    f"{receipt} comes after {last[1]} (entry {last[0]})",
                )
        self._last_receipt = (seq, receipt)
        poll.ballots.append((seq, entry["choice"]))
        self.ballots += 1

    def _end_run(self, seq: int) -> None:
        poll = self._run
        assert poll is not None
        self._run = None
        ballots, took_part = len(poll.ballots), len(poll.participations)
        if ballots != took_part:
            closed = poll.opened_at if poll.closed_at is None else poll.closed_at
            span = f"entries {closed + 1}–{seq - 1}" if ballots else "none"
            self.fail(
                closed,
                f"entry {closed}: poll {poll.poll} closed with {took_part} participations but "
                f"{ballots} ballots follow ({span})",
            )

    def detail(self) -> str:
        return f"{self.ballots:,} ballots in {self.secret_polls:,} secret polls"
