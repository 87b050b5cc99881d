"""Voting in an open poll: who may vote, whether a choice is a well-formed ballot, a named vote.

Encrypted ballots are cast in :mod:`voting.core.encrypted`; they share :func:`eligible`."""

from __future__ import annotations

import re
from typing import Any

import ballots
from voting.core import bodies
from voting.core.checks import poll_is_open, require_open
from voting.core.devices import SignedBody, Verdict, authenticate
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.core.types import Entry, PollId
from voting.errors import CommandError, Conflict, Forbidden, invalid_ballot


def check_choice(poll: Poll, choice: Any) -> None:
    """A choice must be a well-formed ballot of the tally format (a void one is allowed): it is
    counted, alone, by the rules of the poll's definition (parsed once per poll). A write-in
    that is no name (control or format characters, too long) is refused as ``invalid-write-in``
    naming the candidate it replaces."""
    try:
        ballots.count_ballots(poll.parsed(), [choice])
    except ballots.InputError as error:
        problem = str(error).removeprefix("ballots[0]").lstrip(".: ")
        refused = _write_in_refused(poll, error)
        if refused is not None:
            raise refused from None
        raise invalid_ballot(f"选票格式有误：{problem}", f"invalid ballot: {problem}") from None


#: An error inside one write-in: ``write_ins.c2`` (keyed) or ``write_ins[0]`` (a list).
_WRITE_IN_PATH = re.compile(r"ballots\[0\]\.write_ins(?:\.([^.\[]+)|\[(\d+)\])")


def _write_in_refused(poll: Poll, error: ballots.InputError) -> CommandError | None:
    """``invalid-write-in`` naming the candidate replaced, if the error is in a written name."""
    match = _WRITE_IN_PATH.fullmatch(error.path)
    if match is None:
        return None
    names = {c.id: c.name or c.id for c in poll.parsed().candidates}
    rule_zh = f"不得含控制字符或不可见字符，且不超过{ballots.MAX_NAME_LENGTH}字"
    key = match.group(1)
    if key is not None:
        if key not in names:
            return None  # not a candidate of this poll: a malformed ballot
        zh = f"替换候选人“{names[key]}”的另选人姓名无效（{rule_zh}）"
        en = f"the write-in replacing candidate {names[key]} ({key}) is invalid: {error.problem}"
        return CommandError("invalid-write-in", zh, en, candidate=key)
    index = int(match.group(2))
    zh = f"第{index + 1}个另选人姓名无效（{rule_zh}）"
    en = f"write-in {index + 1} is invalid: {error.problem}"
    return CommandError("invalid-write-in", zh, en, write_in=index)


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
