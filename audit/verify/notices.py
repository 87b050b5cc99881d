"""Check 8 (continued): public notices (公告) replayed in log order.

A ``notice_issued`` entry's ``sha256`` is the SHA-256 of its published fields
(:func:`audit.notices.notice_digest`), its number is one more than the meeting's notice before
it, and it cites only what is public at that point: a ``result`` or ``projects`` notice one
poll whose result was announced (``result_announced``, not voided since) — a selection for
``projects`` — and a ``proposals`` notice proposals the presidium decided or whose answer was
recorded.
"""

from __future__ import annotations

from audit.notices import NOTICE_KINDS, notice_digest
from audit.verify.base import Check, Entry, Gate, show
from audit.verify.report import Failures

__all__ = ["NoticeCheck"]


class NoticeCheck(Check):
    number = 8

    def __init__(self, gate: Gate, *, failures: Failures) -> None:
        super().__init__(gate)
        self.failures = failures
        self.issued = 0
        self.kinds: dict[str, str] = {}  # poll -> its definition's kind
        self.announced: set[str] = set()
        self.handled: set[str] = set()  # proposals decided or answered
        self._handlers = {
            "poll_opened": self._opened,
            "result_announced": self._announced,
            "poll_voided": self._voided,
            "proposal_decided": self._handled,
            "suggestion_answered": self._handled,
            "notice_issued": self._notice,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        handler = self._handlers.get(entry["type"])
        if handler is not None:
            handler(seq, entry)

    def _opened(self, seq: int, entry: Entry) -> None:
        self.kinds[entry["poll"]] = entry["definition"].get("kind")

    def _announced(self, seq: int, entry: Entry) -> None:
        self.announced.add(entry["poll"])

    def _voided(self, seq: int, entry: Entry) -> None:
        self.announced.discard(entry["poll"])

    def _handled(self, seq: int, entry: Entry) -> None:
        self.handled.add(entry["proposal"])

    def _notice(self, seq: int, entry: Entry) -> None:
        number, kind, sources = entry["notice"], entry["kind"], entry["sources"]
        if number != self.issued + 1:
            self.fail(seq, f"entry {seq}: notice {show(number)} follows notice {self.issued}")
        self.issued = number if isinstance(number, int) else self.issued + 1
        digest = notice_digest(entry)
        if entry["sha256"] != digest:
            self.fail(seq, f"entry {seq}: sha256 is not the notice's SHA-256 {digest}")
        if kind not in NOTICE_KINDS:
            self.fail(seq, f"entry {seq}: notice kind {show(kind)} is none of {NOTICE_KINDS}")
        elif kind == "proposals":
            for proposal in sources:
                if proposal not in self.handled:
                    self.fail(seq, f"entry {seq}: notice cites proposal {proposal}, not handled")
        elif len(sources) != 1:
            self.fail(seq, f"entry {seq}: a {kind} notice cites one poll, not {show(sources)}")
        else:
            self._cites_poll(seq, kind, sources[0])

    def _cites_poll(self, seq: int, kind: str, poll: str) -> None:
        if poll not in self.announced:
            self.fail(seq, f"entry {seq}: notice cites poll {poll}, whose result is not announced")
        elif kind == "projects" and self.kinds.get(poll) != "selection":
            self.fail(seq, f"entry {seq}: projects notice cites poll {poll}, not a selection")
