"""The speaking queue (申请发言): deputies ask for the floor on their tablets, the chair grants it.

A deputy signed in and holding a seat asks with a signed ``speak_request`` body and may withdraw
with ``speak_withdraw``; each deputy is in the queue at most once, and the queue's order is the
log's order. The chair grants the floor to the head of the queue, or to a deputy of the queue
it names, for a time limit in minutes (the meeting setting ``speaking_minutes``, else 5); one
deputy has the floor at a time, until the chair ends it (``floor_ended`` with reason ``chair``)
or its time limit passes: the server's timer then ends it (reason ``time``, by ``timer``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from audit.entries import format_at
from voting.core.checks import require_open, seated
from voting.core.devices import SignedBody, Verdict, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.state import MeetingState
from voting.core.types import Entry
from voting.errors import CommandError, Conflict, Forbidden

#: The time limit when the meeting's settings give none (minutes).
DEFAULT_SPEAKING_MINUTES: Final = 5
#: The longest time limit the chair may grant (minutes).
MAX_SPEAKING_MINUTES: Final = 60


def speaking_minutes(state: MeetingState) -> int:
    """The meeting's default time limit: its ``speaking_minutes`` setting, else 5."""
    value = state.settings.get("speaking_minutes", DEFAULT_SPEAKING_MINUTES)
    return value if _valid_minutes(value) else DEFAULT_SPEAKING_MINUTES


def _valid_minutes(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_SPEAKING_MINUTES


def request_floor(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> list[Entry] | AlreadyRecorded:
    """申请发言: a signed-in deputy holding a seat joins the end of the queue, once."""
    require_open(state)
    device = authenticate(state, signed, verdict, expected="speak_request")
    if isinstance(device, AlreadyRecorded):
        return device
    deputy = device.deputy
    seated(state, deputy)
    if deputy not in state.signed_in:
        raise Forbidden("not-signed-in", "请先签到再申请发言", "sign in before asking to speak")
    if deputy in state.speaking_queue:
        raise Conflict("already-queued", "您已申请发言", f"deputy {deputy} is already in the queue")
    if state.speaker is not None and state.speaker["deputy"] == deputy:
        raise Conflict("has-floor", "您正在发言", f"deputy {deputy} has the floor")
    return [
        {
            "type": "speech_requested",
            "deputy": deputy,
            "by": f"device:{device.id}",
            "body": dict(signed.body),
            "sig": signed.sig,
        }
    ]


def withdraw_request(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> list[Entry] | AlreadyRecorded:
    """撤回申请: a deputy in the queue leaves it."""
    require_open(state)
    device = authenticate(state, signed, verdict, expected="speak_withdraw")
    if isinstance(device, AlreadyRecorded):
        return device
    if device.deputy not in state.speaking_queue:
        raise _not_queued(device.deputy)
    return [
        {
            "type": "speech_withdrawn",
            "deputy": device.deputy,
            "by": f"device:{device.id}",
            "body": dict(signed.body),
            "sig": signed.sig,
        }
    ]


def grant_floor(
    state: MeetingState, *, deputy: str | None, minutes: int | None, now: datetime, by: str
) -> list[Entry]:
    """准许发言: the chair gives the floor to the head of the queue, or to ``deputy`` of it,
    who must still be signed in, at ``now`` until ``ends_at`` (the hall display counts down to it)."""
    require_open(state)
    if state.speaker is not None:
        current = state.speaker["deputy"]
        raise Conflict("floor-taken", "请先结束当前发言", f"deputy {current} has the floor")
    if not state.speaking_queue:
        raise Conflict("queue-empty", "没有发言申请", "nobody is in the speaking queue")
    chosen = state.speaking_queue[0] if deputy is None else deputy
    if chosen not in state.speaking_queue:
        raise _not_queued(chosen)
    if chosen not in state.signed_in:  # asked, then left the hall
        raise Forbidden(
            "not-signed-in", "该代表已签退，不能准许发言", f"deputy {chosen} is not signed in"
        )
    limit = speaking_minutes(state) if minutes is None else minutes
    if not _valid_minutes(limit):
        raise CommandError(
            "invalid-minutes",
            f"发言时限须为1至{MAX_SPEAKING_MINUTES}分钟",
            f"the time limit must be 1 to {MAX_SPEAKING_MINUTES} minutes",
        )
    ends_at = format_at(now + timedelta(minutes=limit))
    return [
        {"type": "floor_granted", "deputy": chosen, "minutes": limit, "ends_at": ends_at, "by": by}
    ]


#: Why the floor ended: the chair ended it, or its time limit passed.
END_REASONS: Final = ("chair", "time")


def end_floor(state: MeetingState, *, by: str) -> list[Entry]:
    """结束发言: the chair ends the current speech."""
    require_open(state)
    if state.speaker is None:
        raise Conflict("no-speaker", "当前无人发言", "nobody has the floor")
    return [{"type": "floor_ended", "deputy": state.speaker["deputy"], "reason": "chair", "by": by}]


def end_floor_on_time(
    state: MeetingState, *, deputy: str, ends_at: str, now: datetime
) -> list[Entry]:
    """发言时间到: the server's timer ends the floor it was set for (``deputy`` until
    ``ends_at``) once ``now`` has reached ``ends_at``; nothing when that floor already ended."""
    require_open(state)
    speaker = state.speaker
    if speaker is None or (speaker["deputy"], speaker["ends_at"]) != (deputy, ends_at):
        return []  # the chair ended it first, or granted the floor anew
    if format_at(now) < ends_at:
        raise Conflict(
            "floor-time-left", "发言时间未到", f"the floor of {deputy} runs until {ends_at}"
        )
    return [{"type": "floor_ended", "deputy": deputy, "reason": "time", "by": "timer"}]


def _not_queued(deputy: str) -> Conflict:
    return Conflict("not-queued", "该代表不在发言队列中", f"deputy {deputy} is not in the queue")


def queue_view(state: MeetingState) -> dict[str, Any]:
    """The queue as the console, the display and the tablets see it: deputies in order with
    their names and seats, and the speaker with the time limit and when the floor was given."""
    roster = state.roster

    def who(deputy: str) -> dict[str, str]:
        d = roster.get(deputy)
        return {"deputy": deputy, "name": d.name if d else "", "seat": d.seat if d else ""}

    speaker = state.speaker
    return {
        "queue": [who(d) for d in state.speaking_queue],
        "speaker": None
        if speaker is None
        else {
            **who(speaker["deputy"]),
            "minutes": speaker["minutes"],
            "ends_at": speaker["ends_at"],
        },
        "default_minutes": speaking_minutes(state),
    }
