"""What each command does to a meeting: check it against the state, then return the entries.

Each function takes the current :class:`~voting.state.MeetingState` and the command's
arguments, raises a :class:`~voting.errors.CommandError` when the command is refused, and
otherwise returns the audit entries to write (without ``v``, ``seq`` or ``at``, which the log
adds). Nothing here reads a clock, a socket or the database; the service writes the entries in
one transaction and applies them to the state only after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ballots
from audit.tablet import DeviceKey, TabletSignatureError
from voting.errors import CommandError, Conflict, Forbidden, NotFound
from voting.state import SEATED_STATUSES, Device, MeetingState, Poll

Entry = dict[str, Any]

VOTING_KINDS = {"motion", "election", "selection", "evaluation"}
ITEM_KINDS = VOTING_KINDS | {"report", "oath"}
MAX_REASON = 500


@dataclass(frozen=True)
class Sealed:
    """A secret ballot to keep sealed until the poll closes: no deputy, no device, no time."""

    poll: str
    receipt: str
    choice: Any
    token_hash: str


class Duplicate(Exception):
    """The tablet re-sent a message the server already accepted; answer as before."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        super().__init__("message already accepted")
        self.body = body


# Meeting -------------------------------------------------------------------------------------


def require_open(state: MeetingState) -> None:
    if not state.opened:
        raise Conflict("meeting-not-open", "会议尚未开始", "the meeting has not been opened")
    if state.closed:
        raise Conflict("meeting-closed", "会议已闭会", "the meeting is closed")


def close_meeting(state: MeetingState, *, by: str) -> list[Entry]:
    require_open(state)
    if state.open_poll is not None:
        raise Conflict(
            "poll-open",
            f"表决 {state.open_poll.id} 尚未结束",
            f"poll {state.open_poll.id} is still open",
        )
    return [{"type": "meeting_closed", "by": by}]


# Roster and attendance -----------------------------------------------------------------------


def _deputy(state: MeetingState, deputy: str) -> None:
    if deputy not in state.roster:
        raise NotFound("unknown-deputy", f"代表 {deputy} 不在名册中", f"no deputy {deputy}")


def change_roster(state: MeetingState, *, deputy: str, status: str, by: str) -> list[Entry]:
    require_open(state)
    _deputy(state, deputy)
    if status not in {"active", "suspended", "ended"}:
        raise CommandError(
            "invalid-status", f"无效的代表状态“{status}”", f'invalid deputy status "{status}"'
        )
    if state.roster[deputy].status == status:
        raise Conflict("no-change", "代表状态未改变", f"deputy {deputy} is already {status}")
    return [{"type": "roster_changed", "deputy": deputy, "status": status, "by": by}]


def sign_in_by_operator(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    require_open(state)
    _deputy(state, deputy)
    _check_seated(state, deputy)
    if deputy in state.signed_in:
        raise Conflict("already-signed-in", "该代表已签到", f"deputy {deputy} is already signed in")
    return [{"type": "signed_in", "deputy": deputy, "method": "operator", "by": by}]


def sign_out_by_operator(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    require_open(state)
    _deputy(state, deputy)
    if deputy not in state.signed_in:
        raise Conflict("not-signed-in", "该代表尚未签到", f"deputy {deputy} is not signed in")
    return [{"type": "signed_out", "deputy": deputy, "method": "operator", "by": by}]


def record_leave(state: MeetingState, *, deputy: str, leave: bool, by: str) -> list[Entry]:
    require_open(state)
    _deputy(state, deputy)
    if (deputy in state.on_leave) == leave:
        raise Conflict("no-change", "请假登记未改变", "the leave register already says so")
    return [{"type": "leave_recorded", "deputy": deputy, "leave": leave, "by": by}]


def _check_seated(state: MeetingState, deputy: str) -> None:
    if state.roster[deputy].status not in SEATED_STATUSES:
        raise Forbidden("seat-ended", "该代表资格已终止", f"deputy {deputy} no longer holds a seat")


# Devices and signed tablet messages ----------------------------------------------------------


def pair_device(
    state: MeetingState, *, deputy: str, device: str, alg: str, public_key: str, by: str
) -> list[Entry]:
    """Register a tablet's public key. A deputy has at most one active device: a second one is
    refused until an operator revokes the first (lost or broken tablet)."""
    require_open(state)
    _deputy(state, deputy)
    _check_seated(state, deputy)
    if device in state.devices:
        raise Conflict("device-exists", "该设备编号已被使用", f"device {device} already exists")
    if alg not in {"ed25519", "p256"}:
        raise CommandError("invalid-key", "不支持的设备密钥算法", f'unsupported algorithm "{alg}"')
    try:
        DeviceKey.parse(alg, public_key)
    except TabletSignatureError as error:
        raise CommandError("invalid-key", "设备公钥格式错误", str(error)) from None
    if deputy in state.active_device:
        raise Conflict(
            "device-active",
            "该代表已有配对的平板，请先注销原平板再重新配对",
            f"deputy {deputy} already has an active device; revoke it first",
        )
    return [
        {
            "type": "device_paired",
            "deputy": deputy,
            "device": device,
            "alg": alg,
            "public_key": public_key,
            "by": by,
        }
    ]


def revoke_device(state: MeetingState, *, deputy: str, by: str) -> list[Entry]:
    require_open(state)
    _deputy(state, deputy)
    device = state.active_device.get(deputy)
    if device is None:
        raise Conflict("no-device", "该代表没有已配对的设备", f"deputy {deputy} has no device")
    return [{"type": "device_revoked", "deputy": deputy, "device": device, "by": by}]


def check_tablet_message(
    state: MeetingState, body: Mapping[str, Any], sig: str, *, expected_type: str
) -> Device:
    """Authenticate a signed tablet message: device, signature, then counter.

    Raises :class:`Duplicate` when the message repeats the device's last accepted message
    exactly (a re-send after a dropped connection).
    """
    if not isinstance(body, Mapping):
        raise CommandError("invalid-message", "消息格式错误", "the body must be an object")
    device_id = body.get("device")
    device = state.devices.get(device_id) if isinstance(device_id, str) else None
    if device is None:
        raise Forbidden("unknown-device", "设备未配对", f"device {device_id!r} is not paired")
    if not device.active:
        raise Forbidden("device-revoked", "设备已被注销", f"device {device.id} has been revoked")
    try:
        device.key().verify(body, sig)
    except TabletSignatureError as error:
        raise Forbidden(
            "bad-signature", "签名验证失败", f"signature from device {device.id}: {error}"
        ) from None
    if body.get("origin") != state.origin:
        raise Forbidden("wrong-meeting", "消息不属于本次会议", "the message is for another meeting")
    if body.get("deputy") != device.deputy:
        raise Forbidden(
            "wrong-deputy", "设备与代表不符", f"device {device.id} belongs to another deputy"
        )
    if body.get("type") != expected_type:
        raise CommandError(
            "invalid-message", "消息类型错误", f'expected a "{expected_type}" message'
        )
    counter = body.get("n")
    if not isinstance(counter, int) or isinstance(counter, bool) or counter < 0:
        raise CommandError("invalid-message", "消息计数器无效", "n must be a non-negative integer")
    if counter <= device.counter:
        if device.last_body is not None and dict(body) == dict(device.last_body):
            raise Duplicate(body)
        raise Forbidden(
            "replayed-message",
            "消息计数器重复或倒退，已拒绝",
            f"counter {counter} from device {device.id} is not above {device.counter}",
        )
    return device


def sign_in_by_tablet(state: MeetingState, *, body: Mapping[str, Any], sig: str) -> list[Entry]:
    require_open(state)
    device = check_tablet_message(state, body, sig, expected_type="sign_in")
    _check_seated(state, device.deputy)
    if device.deputy in state.signed_in:
        raise Conflict("already-signed-in", "您已签到", "already signed in")
    return [
        {
            "type": "signed_in",
            "deputy": device.deputy,
            "method": "tablet",
            "by": f"device:{device.id}",
            "body": dict(body),
            "sig": sig,
        }
    ]


# Agenda --------------------------------------------------------------------------------------


def set_agenda(state: MeetingState, *, items: Sequence[Mapping[str, Any]]) -> list[Entry]:
    """Replace the agenda. Items that already have polls must stay."""
    require_open(state)
    rows: list[Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id, title, kind = item.get("item"), item.get("title"), item.get("kind")
        where = f"items[{index}]"
        if not isinstance(item_id, str) or not item_id or item_id in seen:
            raise CommandError(
                "invalid-agenda", f"{where}: 议程编号缺失或重复", f"{where}: missing or repeated id"
            )
        if not isinstance(title, str) or not title.strip():
            raise CommandError("invalid-agenda", f"{where}: 缺少标题", f"{where}: missing title")
        if kind not in ITEM_KINDS:
            raise CommandError(
                "invalid-agenda", f"{where}: 议程类型无效", f"{where}: unknown kind {kind!r}"
            )
        seen.add(item_id)
        row: Entry = {"item": item_id, "title": title.strip(), "kind": kind}
        if item.get("rule") is not None:
            row["rule"] = _check_rule_shape(item["rule"], where)
        rows.append(row)
    for poll in state.polls.values():
        if poll.item not in seen:
            raise Conflict(
                "item-has-polls",
                f"议程 {poll.item} 已有表决，不能删除",
                f"item {poll.item} has polls and cannot be removed",
            )
    return [{"type": "agenda_set", "items": rows}]


def _check_rule_shape(rule: Any, where: str) -> dict[str, Any]:
    """An election rule: ``{"office": "head"}`` (主席/镇长: 2 for 1 or 等额) or
    ``{"office": "deputy", "extra": k}`` with k in 1..3 (副职: candidates = seats + k)."""
    if isinstance(rule, Mapping) and rule.get("office") == "head" and set(rule) == {"office"}:
        return {"office": "head"}
    if (
        isinstance(rule, Mapping)
        and rule.get("office") == "deputy"
        and set(rule) == {"office", "extra"}
        and rule["extra"] in (1, 2, 3)
        and not isinstance(rule["extra"], bool)
    ):
        return {"office": "deputy", "extra": rule["extra"]}
    raise CommandError(
        "invalid-agenda",
        f"{where}.rule: 差额规则无效",
        f'{where}.rule: expected {{"office": "head"}} or {{"office": "deputy", "extra": 1..3}}',
    )


def _item(state: MeetingState, item: str) -> None:
    if item not in state.items:
        raise NotFound("unknown-item", f"议程 {item} 不存在", f"no agenda item {item}")


def make_current(state: MeetingState, *, item: str, by: str) -> list[Entry]:
    require_open(state)
    _item(state, item)
    if state.items[item].withdrawn:
        raise Conflict("item-withdrawn", "该议程已撤回", f"item {item} was withdrawn")
    if state.open_poll is not None:
        raise Conflict("poll-open", "请先结束当前表决", "close the open poll first")
    return [{"type": "item_current", "item": item, "by": by}]


def withdraw_item(state: MeetingState, *, item: str, reason: str, by: str) -> list[Entry]:
    require_open(state)
    _item(state, item)
    _check_reason(reason)
    if state.items[item].withdrawn:
        raise Conflict("item-withdrawn", "该议程已撤回", f"item {item} was withdrawn")
    if any(p.item == item and p.status != "voided" for p in state.polls.values()):
        raise Conflict(
            "item-has-polls",
            "已表决的议程不能撤回",
            f"item {item} has been put to the vote and cannot be withdrawn",
        )
    return [{"type": "item_withdrawn", "item": item, "reason": reason.strip(), "by": by}]


def _check_reason(reason: str) -> None:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise CommandError(
            "reason-required",
            "必须填写原因（500字以内）",
            "a reason of at most 500 characters is required",
        )


# Polls ---------------------------------------------------------------------------------------


def check_rule(rule: Mapping[str, Any] | None, seats: int, candidates: int) -> None:
    """组织法 Art 27: 差额 elections. ``head``: one extra candidate or 等额; ``deputy``: seats + k."""
    if rule is None:
        return
    if rule["office"] == "head":
        allowed = {seats, seats + 1}
        text_zh, text_en = f"{seats}或{seats + 1}名", f"{seats} or {seats + 1}"
    else:
        allowed = {seats + rule["extra"]}
        text_zh, text_en = f"{seats + rule['extra']}名", str(seats + rule["extra"])
    if candidates not in allowed:
        raise CommandError(
            "candidate-count",
            f"候选人数应为{text_zh}，现为{candidates}名",
            f"this office needs {text_en} candidates for {seats} seats, got {candidates}",
        )


def open_poll(
    state: MeetingState,
    *,
    poll: str,
    item: str,
    definition: Mapping[str, Any],
    mode: str,
    change_policy: str,
    by: str,
    closes_at: str | None = None,
) -> list[Entry]:
    """Open a vote on an agenda item, with the present deputies snapshotted.

    The server fills ``electorate`` and ``present``; ``issued`` is known only at close.
    """
    require_open(state)
    _item(state, item)
    agenda_item = state.items[item]
    if agenda_item.withdrawn:
        raise Conflict("item-withdrawn", "该议程已撤回", f"item {item} was withdrawn")
    if poll in state.polls:
        raise Conflict("poll-exists", "表决编号已存在", f"poll {poll} already exists")
    if state.open_poll is not None:
        raise Conflict(
            "poll-open", "另一项表决尚未结束", f"poll {state.open_poll.id} is still open"
        )
    if mode not in {"secret", "named", "manual"}:
        raise CommandError("invalid-mode", "表决方式无效", f'unknown mode "{mode}"')
    if change_policy not in {"last", "first"}:
        raise CommandError("invalid-policy", "改票规则无效", f'unknown policy "{change_policy}"')
    if agenda_item.kind not in VOTING_KINDS or definition.get("kind") != agenda_item.kind:
        raise CommandError(
            "kind-mismatch",
            "表决类型与议程类型不符",
            f"item {item} is a {agenda_item.kind}, the poll a {definition.get('kind')}",
        )
    if agenda_item.kind == "election" and mode == "named":
        raise CommandError(
            "election-secret",
            "选举必须采用无记名投票",
            "elections are always secret (组织法 Art 28)",
        )
    if not state.quorum_met:
        raise Conflict(
            "no-quorum",
            f"出席代表{len(state.present)}名，不足应出席{state.electorate}名的三分之二，不能表决",
            f"{len(state.present)} of {state.electorate} present: no quorum",
        )
    present = sorted(state.present)
    full = {k: v for k, v in definition.items() if k not in {"electorate", "present", "issued"}}
    full["electorate"] = state.electorate
    full["present"] = len(present)
    try:
        parsed = ballots.parse_poll(full)
    except ballots.InputError as error:
        raise CommandError(
            "invalid-definition", f"表决定义有误：{error}", f"invalid poll definition: {error}"
        ) from None
    if parsed.kind == "election":
        check_rule(agenda_item.rule, parsed.seat_count, len(parsed.candidates))
    entry: Entry = {
        "type": "poll_opened",
        "poll": poll,
        "item": item,
        "definition": full,
        "mode": mode,
        "change_policy": change_policy,
        "present": present,
        "by": by,
    }
    if closes_at is not None:
        entry["closes_at"] = closes_at
    return [entry]


def _poll(state: MeetingState, poll: str) -> Poll:
    found = state.polls.get(poll)
    if found is None:
        raise NotFound("unknown-poll", f"表决 {poll} 不存在", f"no poll {poll}")
    return found


def _open(state: MeetingState, poll: str) -> Poll:
    found = _poll(state, poll)
    if found.status != "open":
        raise Conflict("poll-closed", "表决已结束", f"poll {poll} is not open")
    return found


def check_choice(poll: Poll, choice: Any) -> None:
    """A choice must be a well-formed ballot of the tally format (a void one is allowed): it is
    counted, alone, by the rules of the poll's definition (parsed once per poll)."""
    try:
        ballots.count_ballots(poll.parsed(), [choice])
    except ballots.InputError as error:
        problem = str(error).removeprefix("ballots[0]").lstrip(".: ")
        raise CommandError(
            "invalid-ballot", f"选票格式有误：{problem}", f"invalid ballot: {problem}"
        ) from None


def _eligible(state: MeetingState, poll: Poll, deputy: str) -> None:
    if deputy not in state.signed_in:
        raise Forbidden("not-signed-in", "请先签到再表决", "sign in before voting")
    if state.roster[deputy].status != "active":
        raise Forbidden(
            "not-eligible", "您的代表职务暂停或已终止，不能表决", "this deputy may not vote"
        )
    if deputy not in poll.present:
        raise Forbidden(
            "not-eligible",
            "表决开始时您尚未签到，不能参加本次表决",
            "this deputy was not present when the poll opened",
        )


def cast_named(state: MeetingState, *, body: Mapping[str, Any], sig: str) -> list[Entry]:
    """A named (记名) vote: the choice is in the signed body and in the log."""
    require_open(state)
    device = check_tablet_message(state, body, sig, expected_type="vote")
    poll = _open(state, str(body.get("poll")))
    if poll.mode != "named":
        raise Conflict("wrong-mode", "本次表决不是记名表决", f"poll {poll.id} is not a named vote")
    _eligible(state, poll, device.deputy)
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
            "sig": sig,
        }
    ]


def cast_secret(
    state: MeetingState,
    *,
    body: Mapping[str, Any],
    sig: str,
    ballot: Mapping[str, Any],
    token_hash: str,
) -> tuple[list[Entry], Sealed]:
    """A secret (无记名) ballot: the signed participation is logged, the ballot is sealed.

    ``ballot`` is ``{"poll", "receipt", "choice"}``, unsigned; ``token_hash`` is the hash of the
    tablet's secret replace-token. Nothing returned links the two except this call itself.
    """
    require_open(state)
    device = check_tablet_message(state, body, sig, expected_type="participation")
    poll = _open(state, str(body.get("poll")))
    if poll.mode != "secret":
        raise Conflict("wrong-mode", "本次表决不是无记名投票", f"poll {poll.id} is not secret")
    _eligible(state, poll, device.deputy)
    if device.deputy in poll.participants:
        raise Conflict("double-vote", "您已投票", "this deputy has already taken part")
    receipt = check_ballot_shape(ballot, poll)
    check_choice(poll, ballot["choice"])
    entry = {
        "type": "participation",
        "poll": poll.id,
        "deputy": device.deputy,
        "device": device.id,
        "body": dict(body),
        "sig": sig,
    }
    return [entry], Sealed(poll.id, receipt, ballot["choice"], token_hash)


def check_ballot_shape(ballot: Mapping[str, Any], poll: Poll) -> str:
    """A sealed ballot is ``{"poll", "receipt", "choice"}``; the receipt is 32 lowercase hex."""
    if not isinstance(ballot, Mapping) or set(ballot) != {"poll", "receipt", "choice"}:
        raise CommandError(
            "invalid-ballot", "选票格式有误", 'a ballot is {"poll", "receipt", "choice"}'
        )
    if ballot["poll"] != poll.id:
        raise CommandError("invalid-ballot", "选票与表决不符", "the ballot names another poll")
    receipt = ballot["receipt"]
    if (
        not isinstance(receipt, str)
        or len(receipt) != 32
        or any(c not in "0123456789abcdef" for c in receipt)
    ):
        raise CommandError(
            "invalid-ballot", "回执编号无效", "the receipt must be 32 lowercase hex digits"
        )
    return receipt


def close_poll(state: MeetingState, *, poll: str, sealed: Sequence[Sealed], by: str) -> list[Entry]:
    """Close a secret or named poll: reveal sealed ballots in receipt order, then the result."""
    require_open(state)
    found = _open(state, poll)
    if found.mode == "manual":
        raise Conflict(
            "manual-poll", "手工计票的表决请录入结果", "enter the counts of a manual poll instead"
        )
    if found.mode == "secret":
        participants = sorted(found.participants)
        if len(sealed) != len(participants):
            raise RuntimeError(
                f"poll {poll}: {len(sealed)} sealed ballots for "
                f"{len(found.participants)} participations"
            )
        ordered = sorted(sealed, key=lambda s: s.receipt)
        choices = [s.choice for s in ordered]
        ballot_entries: list[Entry] = [
            {"type": "ballot", "poll": poll, "receipt": s.receipt, "choice": s.choice}
            for s in ordered
        ]
    else:
        participants = sorted(found.votes)
        choices = [found.votes[d] for d in participants]
        ballot_entries = []
    issued = len(participants)
    definition = dict(found.definition, issued=issued)
    result = ballots.tally({"poll": definition, "ballots": choices})
    return [
        {
            "type": "poll_closed",
            "poll": poll,
            "participants": participants,
            "issued": issued,
            "by": by,
        },
        *ballot_entries,
        {"type": "result", "poll": poll, "result": result},
    ]


def enter_manual_result(
    state: MeetingState,
    *,
    poll: str,
    issued: int,
    ballot_counts: Mapping[str, int],
    counts: Mapping[str, Any],
    write_ins: Mapping[str, int],
    confirmed_by: Sequence[str],
    by: str,
) -> list[Entry]:
    """A show-of-hands or paper result entered by the chair and confirmed by scrutineers."""
    require_open(state)
    found = _open(state, poll)
    if found.mode != "manual":
        raise Conflict("not-manual", "该表决不是手工计票", f"poll {poll} is not a manual poll")
    if not confirmed_by or len(set(confirmed_by)) != len(confirmed_by):
        raise CommandError(
            "scrutineers-required",
            "须由监票人确认",
            "at least one distinct scrutineer must confirm",
        )
    for name in confirmed_by:
        if not isinstance(name, str) or not name.strip():
            raise CommandError("scrutineers-required", "监票人姓名无效", "invalid scrutineer name")
    if not isinstance(issued, int) or isinstance(issued, bool) or issued < 0:
        raise CommandError("invalid-counts", "发出票数无效", "issued must be a whole number")
    definition = dict(found.definition, issued=issued)
    try:
        cast, valid, void = (ballot_counts[k] for k in ("cast", "valid", "void"))
        result = ballots.decide(
            ballots.parse_poll(definition),
            cast=cast,
            valid=valid,
            void=void,
            counts=dict(counts),
            write_ins=dict(write_ins),
        )
    except (KeyError, TypeError):
        raise CommandError(
            "invalid-counts", "票数不完整", "ballots needs cast, valid and void"
        ) from None
    except ballots.InputError as error:
        raise CommandError(
            "invalid-counts", f"票数有误：{error}", f"invalid counts: {error}"
        ) from None
    return [
        {"type": "poll_closed", "poll": poll, "participants": [], "issued": issued, "by": by},
        {
            "type": "manual_result",
            "poll": poll,
            "ballots": {"cast": cast, "valid": valid, "void": void},
            "counts": dict(counts),
            "write_ins": dict(write_ins),
            "by": by,
            "confirmed_by": list(confirmed_by),
        },
        {"type": "result", "poll": poll, "result": result},
    ]


def announce(state: MeetingState, *, poll: str, by: str) -> list[Entry]:
    require_open(state)
    found = _poll(state, poll)
    if found.status != "closed":
        raise Conflict("poll-not-closed", "表决尚未结束", f"poll {poll} is not closed")
    if found.announced:
        raise Conflict("already-announced", "结果已宣布", f"poll {poll} was already announced")
    return [{"type": "result_announced", "poll": poll, "by": by}]


def void_poll(state: MeetingState, *, poll: str, reason: str, by: str) -> list[Entry]:
    """Void a poll with a recorded reason; it is re-run as a new poll. Both stay in the log."""
    require_open(state)
    found = _poll(state, poll)
    _check_reason(reason)
    if found.status == "voided":
        raise Conflict("poll-voided", "该表决已作废", f"poll {poll} is already void")
    if found.announced:
        raise Conflict("already-announced", "结果已宣布，不能作废", f"poll {poll} was announced")
    return [{"type": "poll_voided", "poll": poll, "reason": reason.strip(), "by": by}]
