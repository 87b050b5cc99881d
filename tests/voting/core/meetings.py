"""Meeting states for the core's tests, built by applying entries: no database, no event loop."""

from __future__ import annotations

from typing import Any

import pytest

from devices.tablet import Tablet
from voting.core.outcome import Change
from voting.core.state import MeetingState
from voting.errors import CommandError

ORIGIN = "xinzhou.congress.local/2026-3"
AGENDA = [
    {"item": "a", "title": "议案一", "kind": "motion"},
    {"item": "e", "title": "选举副镇长", "kind": "election"},
    {"item": "r", "title": "工作报告", "kind": "report"},
]


class Meeting:
    """A meeting state and the tablets of its deputies; ``apply`` appends entries in order."""

    def __init__(self, deputies: int = 3) -> None:
        self.state = MeetingState(origin=ORIGIN)
        self.tablets: dict[str, Tablet] = {}
        roster = [
            {"deputy": f"d0{i}", "name": f"代表0{i}", "seat": f"0{i}", "status": "active"}
            for i in range(1, deputies + 1)
        ]
        self.apply(
            {
                "type": "meeting_opened",
                "meeting": {"id": "m1", "title": "镇人代会", "date": "2026-03-01"},
                "origin": ORIGIN,
                "log_key": "k",
                "roster": roster,
                "settings": {},
                "by": "admin",
            }
        )

    def apply(self, *entries: dict[str, Any]) -> Meeting:
        for entry in entries:
            self.state.apply(dict(entry, v=1, seq=self.state.size))
        return self

    def commit(self, decided: Change | list[dict[str, Any]]) -> Meeting:
        """Apply what a decision returned, as the service does after deciding."""
        entries = decided.entries if isinstance(decided, Change) else decided
        return self.apply(*entries)

    def pair(self, deputy: str) -> Tablet:
        tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
        self.tablets[deputy] = tablet
        self.apply(
            {
                "type": "device_paired",
                "deputy": deputy,
                "device": tablet.device,
                "alg": tablet.alg,
                "public_key": tablet.public_key,
                "by": "op",
            }
        )
        return tablet

    def sign_in(self, *deputies: str) -> Meeting:
        for deputy in deputies:
            self.apply({"type": "signed_in", "deputy": deputy, "method": "operator", "by": "op"})
        return self

    def agenda(self) -> Meeting:
        return self.apply({"type": "agenda_set", "items": AGENDA})

    def poll(self, poll: str = "p1", *, mode: str = "named", policy: str = "last") -> Meeting:
        present = sorted(self.state.present)
        definition = {"kind": "motion", "electorate": self.state.electorate}
        return self.apply(
            {
                "type": "poll_opened",
                "poll": poll,
                "item": "a",
                "definition": dict(definition, present=len(present)),
                "mode": mode,
                "change_policy": policy,
                "present": present,
                "by": "chair",
            }
        )


def refused(code: str, decide: Any, *args: Any, **kwargs: Any) -> CommandError:
    """Run a decision that must be refused with ``code``; return the error."""
    with pytest.raises(CommandError) as caught:
        decide(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value
