"""Opening and closing a meeting, and when its log needs a checkpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from voting.core.checks import require_open
from voting.core.outcome import Change
from voting.core.state import MeetingState
from voting.core.types import Entry
from voting.errors import poll_open


def open_meeting(
    *,
    meeting: Mapping[str, str],
    origin: str,
    log_key: str,
    roster: Sequence[Mapping[str, str]],
    settings: Mapping[str, Any],
    by: str,
) -> list[Entry]:
    """Entry 0 of a meeting's log: the meeting, its log key and the roster as it is now.

    The settings are written with ``hold_election_results`` stated (default on), so that a
    verifier reading the log knows that election results wait for the presidium."""
    settings = {"hold_election_results": True, **settings}
    return [
        {
            "type": "meeting_opened",
            "meeting": dict(meeting),
            "origin": origin,
            "log_key": log_key,
            "roster": [dict(row) for row in roster],
            "settings": dict(settings),
            "by": by,
        }
    ]


def close_meeting(state: MeetingState, *, by: str) -> list[Entry]:
    require_open(state)
    if state.open_poll is not None:
        raise poll_open(state.open_poll.id)
    return [{"type": "meeting_closed", "by": by}]


def checkpoint_if_behind(state: MeetingState, *, signed_size: int) -> Change:
    """A checkpoint is signed at least every 60 s while entries are being added (audit-log.md
    §3): sign one if the log has grown since the newest (of ``signed_size`` entries)."""
    return Change(checkpoint=state.size > 0 and state.size != signed_size)
