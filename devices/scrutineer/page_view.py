"""What the station's own page shows, as plain data: fed by the station's steps and events.

:class:`PageView` keeps the station's identity, the ceremony's progress (the round, who is
still to post, faults naming the culprit), the key id prefix, the backup card until the person
has copied it, the liveness answers, the polls waiting for a person's decision and those
decided, and the errors met (code, Chinese, English). :meth:`PageView.to_json` is the answer
of the page's ``api/state``. No I/O here: the caller passes what it saw; a lock makes the
view safe to read from the page's thread while the station's loop writes to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ballots.crypto.threshold.ceremony import Ceremony, Phase
from devices.scrutineer.local_state import LocalState
from devices.scrutineer.steps import Outgoing
from devices.scrutineer.tally import SMALL_COUNT, Offer

__all__ = ["KEY_PREFIX_CHARS", "PageView", "PendingOffer", "poll_titles", "waiting_for"]

#: How much of the key id the page shows (hex characters), as the command line does.
KEY_PREFIX_CHARS = 16
#: How many errors the page lists (the newest).
KEPT_ERRORS = 20


def waiting_for(ceremony: Ceremony) -> list[int]:
    """The scrutineers (indices) whose messages the current round still waits for."""
    return sorted({expected.scrutineer for expected in ceremony.status().missing})


def poll_titles(entries: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each poll's title: that of its agenda item, from the log's ``agenda_set`` entries."""
    items: dict[str, str] = {}
    titles: dict[str, str] = {}
    for entry in entries:
        if entry.get("type") == "agenda_set":
            items.update({str(i["item"]): str(i.get("title", "")) for i in entry["items"]})
        elif entry.get("type") == "poll_opened":
            titles[str(entry["poll"])] = items.get(str(entry["item"]), "")
    return titles


def _totals(entries: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
    return {
        str(e["poll"]): list(e["totals"]) for e in entries if e.get("type") == "decrypted_totals"
    }


@dataclass
class PendingOffer:
    """A poll the station offers to decrypt, waiting for the person's answer."""

    offer: Offer
    title: str
    checks: list[dict[str, str]]
    answer: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "poll": self.offer.poll,
            "title": self.title,
            "kind": self.offer.kind,
            "counted": self.offer.counted,
            "small": self.offer.counted < SMALL_COUNT,
            "checks": self.checks,
        }


@dataclass
class PageView:
    """The page's picture of one station (see the module's docstring)."""

    label: str = ""
    identity: dict[str, Any] = field(default_factory=dict)
    ceremony: dict[str, Any] = field(default_factory=dict)
    key_prefix: str | None = None
    card: str | None = None
    card_shown: bool = False
    liveness: list[str] = field(default_factory=list)
    offers: dict[str, PendingOffer] = field(default_factory=dict)
    done: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    #: From the newest verified log: the checks it passed, the poll titles, decrypted totals.
    checks: list[dict[str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    totals: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: Set when the person answers an offer (wakes the waiting station).
    answered: threading.Event = field(default_factory=threading.Event, repr=False)

    # Fed by the station's loop --------------------------------------------------------------

    def see_state(self, state: LocalState) -> None:
        """The station's identity and key, from its local state."""
        with self.lock:
            self.identity = {
                "meeting": state.meeting,
                "station": state.station,
                "deputy": state.deputy,
                "index": state.index,
                "t": state.t,
                "n": state.n,
            }
            if state.key_id is not None and state.secret_share is not None:
                self.key_prefix = state.key_id[:KEY_PREFIX_CHARS]

    def see_board(
        self, board: Mapping[str, Any], ceremony: Ceremony | None, faults: Sequence[Any]
    ) -> None:
        """The ceremony's progress: the run, its phase, who is still to post, the faults."""
        deputies = {int(j): who["deputy"] for j, who in board.get("scrutineers", {}).items()}
        phase = None if ceremony is None else ceremony.phase
        waiting = []
        if ceremony is not None and phase not in (Phase.COMPLETE, Phase.FAILED):
            waiting = [{"index": j, "deputy": deputies.get(j, "")} for j in waiting_for(ceremony)]
        with self.lock:
            self.ceremony = {
                "run": board.get("ceremony"),
                "phase": None if phase is None else str(phase),
                "waiting": waiting,
                "faults": [
                    {k: f.get(k) for k in ("index", "deputy", "code", "reason")} for f in faults
                ],
            }

    def show_card(self, card: str) -> None:
        """The backup card, shown on the page until the person says it is copied."""
        with self.lock:
            if not self.card_shown:
                self.card = card

    def card_copied(self) -> None:
        """The person copied or printed the card: the page no longer shows it."""
        with self.lock:
            self.card, self.card_shown = None, True

    def on_event(self, event: str, detail: Any) -> None:
        """The station's events (``Station.on_event``)."""
        with self.lock:
            if event == "posted" and isinstance(detail, Outgoing):
                if detail.endpoint == "liveness":
                    self.liveness.append(str(detail.fields["poll"]))
            elif event == "verified":
                self.checks = [{"zh": zh, "en": en} for zh, en in detail.checks]
                self.titles = poll_titles(detail.entries)
                self.totals = _totals(detail.entries)
            elif event in ("decrypted", "declined"):
                poll = detail.poll if isinstance(detail, Offer) else str(detail)
                pending = self.offers.pop(poll, None)
                offer = detail if isinstance(detail, Offer) else pending and pending.offer
                self.done.append(
                    {
                        "poll": poll,
                        "title": self.titles.get(poll, ""),
                        "decision": event,
                        "counted": offer.counted if offer else None,
                    }
                )

    def error(self, code: str, zh: str, en: str) -> None:
        """An error met, shown with its code and words (the newest last; the same error twice
        in a row is shown once; the :data:`KEPT_ERRORS` newest are kept)."""
        error = {"code": code, "zh": zh, "en": en}
        with self.lock:
            if not self.errors or self.errors[-1] != error:
                self.errors = [*self.errors, error][-KEPT_ERRORS:]

    # The person's decisions ---------------------------------------------------------------

    def offer(self, offer: Offer) -> PendingOffer:
        """Put ``offer`` before the person (from the newest verified log's checks)."""
        with self.lock:
            pending = PendingOffer(offer, self.titles.get(offer.poll, ""), list(self.checks))
            self.offers[offer.poll] = pending
            return pending

    def answer(self, poll: str, confirm: bool) -> bool:
        """The person's answer for ``poll``; False if no such poll waits for one."""
        with self.lock:
            pending = self.offers.get(poll)
            if pending is None or pending.answer is not None:
                return False
            pending.answer = confirm
        self.answered.set()
        return True

    def ask(self, offer: Offer, *, interval: float, meanwhile: Callable[[], None]) -> bool:
        """Show ``offer`` and wait for the person's answer (the page's ``Confirm``), calling
        ``meanwhile`` every ``interval`` seconds so that the station keeps answering."""
        pending = self.offer(offer)
        while True:
            with self.lock:
                if pending.answer is not None:
                    return pending.answer
            if not self.answered.wait(interval):
                meanwhile()
            self.answered.clear()

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "label": self.label,
                "identity": dict(self.identity),
                "ceremony": dict(self.ceremony),
                "key_prefix": self.key_prefix,
                "card": self.card,
                "liveness": list(self.liveness),
                "offers": [p.to_json() for p in self.offers.values() if p.answer is None],
                "done": [dict(d, totals=self.totals.get(d["poll"])) for d in self.done],
                "errors": list(self.errors),
                "small_count": SMALL_COUNT,
            }
