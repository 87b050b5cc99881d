"""The verifier's check 8 on the presidium's confirmation of election results: confirmed once,
after the result, only for an election; announced only once confirmed where the log's
``meeting_opened`` states ``hold_election_results``."""

from __future__ import annotations

from typing import Any

import pytest

from audit.verify.base import Gate
from audit.verify.recount import RecountCheck
from audit.verify.state import Meeting, Poll


def check_of(kind: str, *, hold: bool) -> RecountCheck:
    meeting = Meeting(vkey="k", origin="o", hold_election_results=hold)
    poll = Poll("p1", 3, {"kind": kind}, "encrypted", "last", frozenset())
    poll.result_at = 9
    meeting.polls["p1"] = poll
    return RecountCheck(Gate(), meeting=meeting)


def feed(check: RecountCheck, *entries: tuple[int, dict[str, Any]]) -> list[str]:
    for seq, entry in entries:
        check.feed(seq, {"poll": "p1", **entry})
    return check.failures.messages()


CONFIRMED = {"type": "result_confirmed", "decision": "主席团决定", "presidium": ["赵敏"], "by": "c"}
ANNOUNCED = {"type": "result_announced", "by": "c"}

CASES: list[tuple[str, str, bool, list[tuple[int, dict[str, Any]]], list[str]]] = [
    ("confirmed then announced", "election", True, [(10, CONFIRMED), (11, ANNOUNCED)], []),
    (
        "announced unconfirmed",
        "election",
        True,
        [(10, ANNOUNCED)],
        [
            "entry 10: election result of poll p1 announced before the presidium confirmed it"
            " (hold_election_results)"
        ],
    ),
    ("announced unconfirmed, not held", "election", False, [(10, ANNOUNCED)], []),
    ("a motion needs no confirmation", "motion", True, [(10, ANNOUNCED)], []),
    (
        "a motion is not confirmed",
        "motion",
        True,
        [(10, CONFIRMED)],
        ["entry 10: result_confirmed for poll p1, not an election"],
    ),
    (
        "confirmed twice",
        "election",
        True,
        [(10, CONFIRMED), (11, CONFIRMED)],
        ["entry 11: second result_confirmed for poll p1 (the first is entry 10)"],
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "hold", "entries", "failures"), CASES, ids=[c[0] for c in CASES]
)
def test_confirmations(
    case: str,
    kind: str,
    hold: bool,
    entries: list[tuple[int, dict[str, Any]]],
    failures: list[str],
) -> None:
    assert feed(check_of(kind, hold=hold), *entries) == failures


def test_a_confirmation_before_the_result_fails() -> None:
    check = check_of("election", hold=True)
    check.meeting.polls["p1"].result_at = None
    assert feed(check, (5, CONFIRMED)) == ["entry 5: result of poll p1 confirmed before it exists"]
