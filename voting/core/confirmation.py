"""Election results the presidium confirms before they are announced (domain-rules §3).

With the meeting setting ``hold_election_results`` (default on), an election poll's counted
result is shown to the chair but not to the hall or the tablets, and cannot be announced, until
the presidium's decision confirming it (「主席团第N次会议决定…」) is logged as a
``result_confirmed`` entry naming the presidium members who took it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voting.core import checks
from voting.core.checks import known_poll
from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, Entry
from voting.errors import CommandError, Conflict

MAX_NAMES = 100


def holds_results(state: MeetingState) -> bool:
    """The meeting setting ``hold_election_results``: true unless set to false."""
    return state.settings.get("hold_election_results", True) is not False


def held(state: MeetingState, poll: Poll) -> bool:
    """Whether this poll's result waits for the presidium: an election, not yet confirmed."""
    return (
        poll.definition.get("kind") == "election"
        and holds_results(state)
        and poll.confirmation is None
    )


def confirm_result(
    state: MeetingState, *, poll: str, decision: Any, presidium: Any, by: str
) -> list[Entry]:
    """Log the presidium's decision confirming an election poll's result."""
    checks.require_open(state)
    found = known_poll(state, poll)
    if found.definition.get("kind") != "election":
        raise Conflict(
            "not-election", "只有选举结果须经主席团确认", f"poll {poll} is not an election"
        )
    if found.status != "closed" or found.result is None:
        raise Conflict("poll-not-closed", "表决尚未结束计票", f"poll {poll} is not counted")
    if found.confirmation is not None:
        raise Conflict(
            "already-confirmed", "该选举结果已经主席团确认", f"poll {poll} is already confirmed"
        )
    if not isinstance(decision, str) or not decision.strip() or len(decision) > MAX_REASON:
        raise CommandError(
            "decision-required",
            f"须写明主席团的决定（1至{MAX_REASON}字）",
            f"the presidium's decision is required (1 to {MAX_REASON} characters)",
        )
    names = _names(presidium)
    return [
        {
            "type": "result_confirmed",
            "poll": poll,
            "decision": decision.strip(),
            "presidium": names,
            "by": by,
        }
    ]


def _names(presidium: Any) -> list[str]:
    ok = (
        isinstance(presidium, Sequence)
        and not isinstance(presidium, str)
        and 0 < len(presidium) <= MAX_NAMES
        and all(isinstance(n, str) and n.strip() and len(n) <= MAX_REASON for n in presidium)
    )
    names = [n.strip() for n in presidium] if ok else []
    if not ok or len(set(names)) != len(names):
        raise CommandError(
            "presidium-required",
            "须列出作出决定的主席团成员姓名，不得重复",
            "name the presidium members who took the decision, each once",
        )
    return names
