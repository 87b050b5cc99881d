"""Checks that many commands share: the meeting is open, a deputy, item or poll exists."""

from __future__ import annotations

from typing import Any

from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, SEATED_STATUSES
from voting.errors import (
    Conflict,
    Forbidden,
    NotFound,
    item_withdrawn,
    meeting_not_open,
    poll_closed,
    reason_required,
    unknown_deputy,
    unknown_poll,
)


def require_open(state: MeetingState) -> None:
    """The meeting has been opened and is not closed."""
    if not state.opened:
        raise meeting_not_open()
    if state.closed:
        raise Conflict("meeting-closed", "会议已闭会", "the meeting is closed")


def known_deputy(state: MeetingState, deputy: str) -> None:
    if deputy not in state.roster:
        raise unknown_deputy(deputy)


def seated(state: MeetingState, deputy: str) -> None:
    """The deputy still holds a seat (active or suspended)."""
    if state.roster[deputy].status not in SEATED_STATUSES:
        raise Forbidden("seat-ended", "该代表资格已终止", f"deputy {deputy} no longer holds a seat")


def known_item(state: MeetingState, item: str) -> None:
    if item not in state.items:
        raise NotFound("unknown-item", f"议程 {item} 不存在", f"no agenda item {item}")


def item_not_withdrawn(state: MeetingState, item: str) -> None:
    if state.items[item].withdrawn:
        raise item_withdrawn(item)


def known_poll(state: MeetingState, poll: str) -> Poll:
    found = state.polls.get(poll)
    if found is None:
        raise unknown_poll(poll)
    return found


def poll_is_open(state: MeetingState, poll: str) -> Poll:
    found = known_poll(state, poll)
    if found.status != "open":
        raise poll_closed(poll)
    return found


def reason(text: Any) -> str:
    """A recorded reason: 1 to 500 characters, not only spaces; returned stripped."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_REASON:
        raise reason_required()
    return text.strip()
