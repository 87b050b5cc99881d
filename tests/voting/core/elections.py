"""Election meetings for the core's tests: offices with their 差额 rules, counted rounds.

The rounds are voted on paper (mode ``manual``): the rules of rounds do not depend on how a
ballot is cast, and paper results are counted from the ballots given here."""

from __future__ import annotations

from typing import Any

import ballots
from tests.voting.core.meetings import Meeting
from voting import core

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
        mode="manual",
        change_policy="last",
        by="chair",
    )
    return meeting.commit(entries)


def counted(meeting: Meeting, poll: str, choices: list[Any]) -> Meeting:
    """Enter the result of an open paper poll counted from these ballots, one issued to each
    voter."""
    totals = ballots.count_ballots(meeting.state.polls[poll].parsed(), choices)
    entries = core.enter_manual_result(
        meeting.state,
        poll=poll,
        issued=len(choices),
        ballot_counts={"cast": totals.cast, "valid": totals.valid, "void": totals.void},
        counts=totals.counts,
        write_ins=totals.write_ins,
        write_ins_ignored=totals.write_ins_ignored,
        confirmed_by=["监票人甲"],
        by="chair",
    )
    return meeting.commit(entries)


def vice_round(choices: list[Any], settings: dict[str, Any] | None = None) -> Meeting:
    """The 副镇长 election's first round p1, counted."""
    return counted(opened(sitting(settings), "p1", "vice", VICE), "p1", choices)
