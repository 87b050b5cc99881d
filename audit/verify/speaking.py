"""Part of check 6: the speaking queue replayed in log order.

A deputy asks to speak (``speech_requested``) only while signed in and not already queued or
speaking, and withdraws (``speech_withdrawn``) only while queued. The floor is granted
(``floor_granted``) only to a queued deputy still signed in, and only when nobody has it; ``floor_ended`` names
the deputy who has it and why it ended: ``chair`` (the chair ended it) or ``time`` (by the
server's ``timer``, no earlier than the granted ``ends_at``).
"""

from __future__ import annotations

from collections.abc import Callable

from audit.verify.base import Entry, show
from audit.verify.state import Meeting

__all__ = ["SpeakingReplay"]

Fail = Callable[[int, str], None]


class SpeakingReplay:
    """The queue and the speaker as the log builds them; each rule broken is one failure."""

    def __init__(self, meeting: Meeting, fail: Fail) -> None:
        self.meeting = meeting
        self.fail = fail
        self.queue: list[str] = []
        self.speaker: str | None = None
        self.ends_at = ""
        self.handlers = {
            "speech_requested": self._requested,
            "speech_withdrawn": self._withdrawn,
            "floor_granted": self._granted,
            "floor_ended": self._ended,
        }

    def _requested(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if deputy not in self.meeting.signed_in:
            self.fail(seq, f"entry {seq}: deputy {show(deputy)} asks to speak, not signed in")
        elif deputy in self.queue:
            self.fail(seq, f"entry {seq}: deputy {show(deputy)} asks to speak, already queued")
        elif deputy == self.speaker:
            self.fail(seq, f"entry {seq}: deputy {show(deputy)} asks to speak while speaking")
        else:
            self.queue.append(deputy)

    def _withdrawn(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if deputy not in self.queue:
            self.fail(seq, f"entry {seq}: deputy {show(deputy)} withdraws, but is not queued")
        else:
            self.queue.remove(deputy)

    def _granted(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if self.speaker is not None:
            self.fail(
                seq, f"entry {seq}: floor granted to {show(deputy)} while {self.speaker} has it"
            )
        if deputy not in self.queue:
            self.fail(seq, f"entry {seq}: floor granted to {show(deputy)}, who is not queued")
            return
        if deputy not in self.meeting.signed_in:
            self.fail(seq, f"entry {seq}: floor granted to {show(deputy)}, not signed in")
        self.queue.remove(deputy)
        self.speaker = deputy
        self.ends_at = entry["ends_at"]

    def _ended(self, seq: int, entry: Entry) -> None:
        deputy = entry["deputy"]
        if deputy != self.speaker:
            has = "nobody" if self.speaker is None else self.speaker
            self.fail(
                seq, f"entry {seq}: floor_ended names {show(deputy)}, but {has} has the floor"
            )
        reason = entry["reason"]
        if reason == "time":
            if entry["by"] != "timer":
                self.fail(
                    seq, f"entry {seq}: floor ended on time by {show(entry['by'])}, not timer"
                )
            elif self.speaker is not None and entry["at"] < self.ends_at:
                self.fail(
                    seq,
                    f"entry {seq}: floor ended on time at {entry['at']},"
                    f" before its limit {self.ends_at}",
                )
        elif reason != "chair":
            self.fail(seq, f'entry {seq}: floor_ended reason {show(reason)}, not "chair" or "time"')
        self.speaker = None
