"""Voting in an open poll: who may vote, whether a choice is a well-formed ballot, a named vote.

Encrypted ballots are cast in :mod:`voting.core.encrypted`; they share :func:`eligible`."""

from __future__ import annotations

from typing import Any, Final

import orjson

import ballots
from voting.core import bodies
from voting.core.checks import poll_is_open, require_open
from voting.core.devices import SignedBody, Verdict, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.core.types import Entry, PollId
from voting.errors import Conflict, Forbidden, invalid_ballot

#: Distinct well-formed choices a poll remembers (a motion has three or four, a choice of 5
#: projects from 7 at most 120); beyond it, choices are counted every time.
REMEMBERED_CHOICES: Final = 4096


def check_choice(poll: Poll, choice: Any) -> None:
    """A named vote's choice must be a well-formed ballot of the tally format (a void one is
    allowed): it is counted, alone, by the rules of the poll's definition (parsed once per
    poll). Named polls are never elections, so a choice holds no write-in.

    A choice already found well-formed in this poll is not counted again: equal JSON values
    have equal compact sorted encodings, and distinct ones (``1``, ``1.0``, ``true``, ``"1"``)
    distinct encodings. (A value orjson cannot encode — an integer beyond 64 bits, nesting
    deeper than 255 — is counted and not remembered.)"""
    try:
        key: bytes | None = orjson.dumps(choice, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        key = None
    if key is not None and key in poll.well_formed:
        return
    try:
        ballots.count_ballots(poll.parsed(), [choice])
    except ballots.InputError as error:
        problem = str(error).removeprefix("ballots[0]").lstrip(".: ")
        raise invalid_ballot(f"选票格式有误：{problem}", f"invalid ballot: {problem}") from None
    if key is not None and len(poll.well_formed) < REMEMBERED_CHOICES:
        poll.well_formed.add(key)


def eligible(state: MeetingState, poll: Poll, deputy: str) -> None:
    """A deputy may vote in ``poll``: signed in, active, a member of its body, present at its
    opening."""
    if deputy not in state.signed_in:
        raise Forbidden("not-signed-in", "请先签到再表决", "sign in before voting")
    if state.roster[deputy].status != "active":
        raise Forbidden(
            "not-eligible", "您的代表职务暂停或已终止，不能表决", "this deputy may not vote"
        )
    bodies.check_member(poll, deputy)
    if deputy not in poll.present:
        raise Forbidden(
            "not-eligible",
            "表决开始时您尚未签到，不能参加本次表决",
            "this deputy was not present when the poll opened",
        )


def cast_named(
    state: MeetingState, signed: SignedBody, verdict: Verdict | None = None
) -> list[Entry] | AlreadyRecorded:
    """A named (记名) vote: the choice is in the signed body and in the log."""
    require_open(state)
    device = authenticate(state, signed, verdict, expected="vote")
    if isinstance(device, AlreadyRecorded):
        return device
    body = signed.body
    poll = poll_is_open(state, PollId(str(body.get("poll"))))
    if poll.mode != "named":
        raise Conflict("wrong-mode", "本次表决不是记名表决", f"poll {poll.id} is not a named vote")
    eligible(state, poll, device.deputy)
    if poll.change_policy == "first" and device.deputy in poll.votes:
        raise Conflict(
            "double-vote", "您已表决，按规则不能改票", "already voted (first press final)"
        )
    check_choice(poll, body.get("choice"))
    return [
        {
            "type": "vote",
            "poll": poll.id,
            "deputy": device.deputy,
            "device": device.id,
            "choice": body.get("choice"),
            "body": dict(body),
            "sig": signed.sig,
        }
    ]
