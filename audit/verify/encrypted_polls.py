"""Check 7: the encrypted polls, recomputed from the log alone.

Every ``encrypted_ballot``'s proofs and weeding, the counted set and the aggregate, every
decryption share and the decrypted totals (:class:`audit.verify.encrypted.EncryptedChecks`),
then the write-in mix: its input, every shuffle, the write-in shares and the counted names
(:class:`audit.verify.mix_checks.MixChecks`). Check 8 recounts the results from what this
check verified.
"""

from __future__ import annotations

from typing import Any

from audit.verify.base import Check, Entry
from audit.verify.encrypted import EncryptedChecks
from audit.verify.state import Meeting

__all__ = ["EncryptedPollCheck"]


class EncryptedPollCheck(Check):
    number = 7

    def __init__(
        self, *args: Any, meeting: Meeting, checkpoints: frozenset[str] = frozenset()
    ) -> None:
        """``checkpoints``: the texts of the bundle's signed checkpoints (decryption shares
        must be bound to one of them)."""
        super().__init__(*args)
        self.meeting = meeting
        self.encrypted = EncryptedChecks(meeting, self.fail, checkpoints)

    def feed(self, seq: int, entry: Entry) -> None:
        self.encrypted.feed(seq, entry)

    def detail(self) -> str:
        polls = sum(1 for poll in self.meeting.polls.values() if poll.mode == "encrypted")
        return f"{self.encrypted.ballots:,} encrypted ballots in {polls:,} encrypted polls"
