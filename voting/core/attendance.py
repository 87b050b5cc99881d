"""The roster and attendance: deputies' status, sign-in (by tablet or operator), leave."""

from __future__ import annotations

from voting.core.checks import known_deputy, require_open, seated
from voting.core.devices import SignedBody, Verdict, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.state import MeetingState
from voting.core.types import DEPUTY_STATUSES, Entry
from voting.errors import CommandError, Conflict


def change_roster(state: MeetingState, *, deputy: str, status: str, by: str) -> list[Entry]:
    require_open(state)
    known_deputy(state, deputy)
    if status not in DEPUTY_STATUSES:
        raise CommandError(
            "invalid-status", f"无效的代表状态“{status}”", f'invalid deputy status "{status}"'
        )
    if state.roster[deputy].status == status:
        raise Conflict("no-change", "代表状态未改变", f"deputy {deputy} is already {status}")
    return [{"type": "roster_changed", "deputy": deputy, "status": status, "by": by}]


def sign_in_by_operator(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    """补签: an operator signs a deputy in."""
    require_open(state)
    known_deputy(state, deputy)
    seated(state, deputy)
    if deputy in state.signed_in:
        raise Conflict("already-signed-in", "该代表已签到", f"deputy {deputy} is already signed in")
    return [{"type": "signed_in", "deputy": deputy, "method": "operator", "by": by}]


def sign_out_by_operator(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    require_open(state)
    known_deputy(state, deputy)
    if deputy not in state.signed_in:
        raise Conflict("not-signed-in", "该代表尚未签到", f"deputy {deputy} is not signed in")
    return [{"type": "signed_out", "deputy": deputy, "method": "operator", "by": by}]


def record_leave(state: MeetingState, *, deputy: str, leave: bool, by: str) -> list[Entry]:
    require_open(state)
    known_deputy(state, deputy)
    if (deputy in state.on_leave) == leave:
        raise Conflict("no-change", "请假登记未改变", "the leave register already says so")
    return [{"type": "leave_recorded", "deputy": deputy, "leave": leave, "by": by}]


def sign_in_by_tablet(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> list[Entry] | AlreadyRecorded:
    """A deputy signs in on their tablet with a signed ``sign_in`` body."""
    require_open(state)
    device = authenticate(state, signed, verdict, expected="sign_in")
    if isinstance(device, AlreadyRecorded):
        return device
    seated(state, device.deputy)
    if device.deputy in state.signed_in:
        raise Conflict("already-signed-in", "您已签到", "already signed in")
    return [
        {
            "type": "signed_in",
            "deputy": device.deputy,
            "method": "tablet",
            "by": f"device:{device.id}",
            "body": dict(signed.body),
            "sig": signed.sig,
        }
    ]
