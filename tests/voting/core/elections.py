"""Election meetings for the core's tests: offices with their 差额 rules, counted rounds."""

from __future__ import annotations

from typing import Any

from tests.voting.core.meetings import Meeting
from voting import core
from voting.core.outcome import Sealed

#: 镇长 (one seat, 2 for 1 or 等额), 副镇长 (seats + 1), 主席 (deputies only may be written in).
OFFICES = [
    {"item": "head", "title": "选举镇长", "kind": "election", "rule": {"office": "head"}},
    {
        "item": "vice",
        "title": "选举副镇长",
        "kind": "election",
        "rule": {"office": "deputy", "extra": 1},
    },
    {
        "item": "chair",
        "title": "选举主席",
        "kind": "election",
        "rule": {"office": "head", "office_kind": "chair"},
    },
    {"item": "a", "title": "议案一", "kind": "motion"},
]
DEPUTIES = 5
VICE = {
    "kind": "election",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "王建国"},
        {"id": "c2", "name": "李秀英"},
        {"id": "c3", "name": "张伟"},
    ],
}
#: 5 ballots: c1 elected with 4, c2 and c3 tied at 3 for the last seat.
TIED = [
    {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
    {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
    {"marks": {"c1": "for", "c3": "for", "c2": "against"}},
    {"marks": {"c1": "for", "c3": "for", "c2": "against"}},
    {"marks": {"c1": "abstain", "c2": "for", "c3": "for"}},
]
#: 5 ballots: only c1 passes the threshold, one seat is left unfilled.
SHORT = [
    {"marks": {"c1": "for", "c2": "against", "c3": "against"}},
    {"marks": {"c1": "for", "c2": "against", "c3": "against"}},
    {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
    {"marks": {"c1": "against", "c2": "for", "c3": "for"}},
    {"marks": {"c1": "against", "c2": "against", "c3": "for"}},
]


def sitting(settings: dict[str, Any] | None = None) -> Meeting:
    """Five deputies, all present, and the election agenda."""
    meeting = Meeting(DEPUTIES)
    if settings is not None:
        meeting.state.settings = dict(settings)
    ids = [f"d0{i}" for i in range(1, DEPUTIES + 1)]
    return meeting.apply({"type": "agenda_set", "items": OFFICES}).sign_in(*ids)


def opened(meeting: Meeting, poll: str, item: str, definition: dict[str, Any]) -> Meeting:
    entries = core.open_poll(
        meeting.state,
        poll=poll,
        item=item,
        definition=definition,
        mode="secret",
        change_policy="last",
        by="chair",
    )
    return meeting.commit(entries)


def counted(meeting: Meeting, poll: str, choices: list[Any]) -> Meeting:
    """Close an open secret poll with these ballots, one per present deputy in order."""
    found = meeting.state.polls[poll]
    deputies = sorted(found.present)[: len(choices)]
    found.participants.update(deputies)
    sealed = [Sealed(poll, f"{i:032x}", choice, "t") for i, choice in enumerate(choices)]
    return meeting.commit(core.close_poll(meeting.state, poll=poll, sealed=sealed, by="chair"))


def vice_round(choices: list[Any], settings: dict[str, Any] | None = None) -> Meeting:
    """The 副镇长 election's first round p1, counted."""
    return counted(opened(sitting(settings), "p1", "vice", VICE), "p1", choices)
