"""The poll life cycle: open, close (count), enter a manual result, announce, void.

Voting itself is in :mod:`voting.core.casting` (named votes) and :mod:`voting.core.encrypted`
(encrypted ballots).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ballots
from ballots.crypto.names import K_CLOSED, max_name_bytes
from voting.core import bodies, checks, documents, rounds
from voting.core.checks import item_not_withdrawn, known_item, known_poll, poll_is_open
from voting.core.confirmation import held
from voting.core.encrypted import key_for_opening
from voting.core.encrypted_tally import close_encrypted
from voting.core.outcome import Change
from voting.core.records import Poll
from voting.core.state import MeetingState
from voting.core.types import CHANGE_POLICIES, MODES, SEATED_STATUSES, VOTING_KINDS, Entry
from voting.errors import CommandError, Conflict, poll_open


def decided(poll: Poll) -> bool:
    """Whether a poll settled its item: counted, a valid round, and no seat left to a runoff
    or a further election (those follow as new polls of the same item)."""
    if poll.status != "closed" or poll.result is None or not poll.result.get("round_valid"):
        return False
    outcome = poll.result.get("outcome")
    follow_up = isinstance(outcome, Mapping) and (outcome.get("runoff") or outcome.get("unfilled"))
    return not follow_up


def _not_decided(state: MeetingState, item: str, definition: Mapping[str, Any]) -> None:
    """An item's deciding poll stands until it is voided with a recorded reason: only then may
    the item be put to the vote again. A runoff or further election that follows a result
    calling for it is the same election carried on, not a new vote: it passes (its round is
    checked in :func:`voting.core.rounds.check_round`)."""
    round_ = definition.get("round")
    if isinstance(round_, Mapping) and round_.get("type") in {"runoff", "further"}:
        earlier = state.polls.get(str(round_.get("follows")))
        if earlier is not None and rounds.calls_for(earlier, str(round_["type"])):
            return
    for poll in state.polls.values():
        if poll.item == item and decided(poll):
            raise Conflict(
                "item-decided",
                f"该议程已由表决 {poll.id} 作出决定，须先作废该表决并说明原因，才能重新表决",
                f"item {item} was decided by poll {poll.id}; void it with a reason first",
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
    checks.require_open(state)
    known_item(state, item)
    agenda_item = state.items[item]
    item_not_withdrawn(state, item)
    if poll in state.polls:
        raise Conflict("poll-exists", "表决编号已存在", f"poll {poll} already exists")
    if state.open_poll is not None:
        raise poll_open(state.open_poll.id)
    _not_decided(state, item, definition)
    if mode not in MODES:
        raise invalid_mode(mode)
    if change_policy not in CHANGE_POLICIES:
        raise CommandError("invalid-policy", "改票规则无效", f'unknown policy "{change_policy}"')
    key_id = key_for_opening(state, poll).key_id if mode == "encrypted" else None
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
    electorate, present, quorum = bodies.electorate_and_present(state, agenda_item)
    set_here = {"electorate", "present", "issued", "write_in_roster"}
    full = {k: v for k, v in definition.items() if k not in set_here}
    full["electorate"] = electorate
    full["present"] = len(present)
    if agenda_item.body == "presidium":
        full["quorum"] = quorum
    rules_poll = None
    if agenda_item.kind == "election":
        rules_poll, _ = bodies.bind_election(state, full)
    adopts = agenda_item.adopts or {}
    if "scrutineers" in adopts:
        bodies.refuse_ineligible(state, adopts["scrutineers"], bodies.candidate_names(state))
    round_ = full.get("round")
    runoff = isinstance(round_, Mapping) and round_.get("type") == "runoff"
    write_ins = full.get("write_ins", True) is True and not runoff  # a runoff takes none
    if full.get("kind") == "election" and write_ins and rounds.deputies_only(agenda_item):
        full["write_in_eligible"] = eligible_deputies(state)
        roster = write_in_roster(state)
        if roster is not None:
            full["write_in_roster"] = roster
    try:
        parsed = ballots.parse_poll(full)
    except ballots.InputError as error:
        raise CommandError(
            "invalid-definition", f"表决定义有误：{error}", f"invalid poll definition: {error}"
        ) from None
    documents.require_logged(state, item, full.get("documents", ()))
    if parsed.kind == "election":
        rounds.check_round(state, item, parsed)
        bodies.check_candidates_not_scrutineers(state, parsed)
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
    if agenda_item.body == "presidium":
        entry["voters"] = "presidium"
    if rules_poll is not None:
        entry["election_rules"] = rules_poll
    if closes_at is not None:
        entry["closes_at"] = closes_at
    if key_id is not None:
        entry["key_id"] = key_id  # the sitting key every ballot of the poll is encrypted to
    return [entry]


def invalid_mode(mode: str) -> CommandError:
    """``invalid-mode``, naming the modes there are (a secret poll on tablets is ``encrypted``)."""
    names = ", ".join(f'"{m}"' for m in sorted(MODES))
    return CommandError(
        "invalid-mode",
        f"表决方式“{mode}”无效：可选 encrypted（无记名（加密））、named（记名）、manual（手工计票）",
        f'unknown mode "{mode}": the modes are {names}',
    )


def eligible_deputies(state: MeetingState) -> list[str]:
    """组织法 Art 18: the names that may be written in for 主席/副主席/主席团 — the deputies who
    hold a seat, in seat order (a write-in naming anyone else is ignored when counted)."""
    seated = [d for d in state.roster.values() if d.status in SEATED_STATUSES and d.name.strip()]
    names = [d.name.strip() for d in sorted(seated, key=lambda d: d.seat)]
    return list(dict.fromkeys(names))


def write_in_roster(state: MeetingState) -> list[dict[str, str]] | None:
    """The deputies of :func:`eligible_deputies` as ``{"id", "name"}`` pairs, the first seat of
    each name: an encrypted closed-list ballot carries the picked deputy's id with k = 1
    (``docs/ballot-crypto.md`` §6). None when an id is longer than one name point holds (29
    bytes): the ballots then carry the names."""
    seated = [d for d in state.roster.values() if d.status in SEATED_STATUSES and d.name.strip()]
    pairs: dict[str, str] = {}
    for deputy in sorted(seated, key=lambda d: d.seat):
        pairs.setdefault(deputy.name.strip(), deputy.id)
    if any(len(ident.encode("utf-8")) > max_name_bytes(K_CLOSED) for ident in pairs.values()):
        return None
    return [{"id": ident, "name": name} for name, ident in pairs.items()]


def close_poll(state: MeetingState, *, poll: str, by: str) -> Change:
    """Close a named poll: count its votes and write the result. An encrypted poll's close
    writes its aggregate; its result follows the scrutineers' decryption."""
    checks.require_open(state)
    found = poll_is_open(state, poll)
    if found.mode == "manual":
        raise Conflict(
            "manual-poll", "手工计票的表决请录入结果", "enter the counts of a manual poll instead"
        )
    if found.mode == "encrypted":
        return close_encrypted(state, found, by=by)
    participants = sorted(found.votes)
    choices = [found.votes[d] for d in participants]
    issued = len(participants)
    definition = dict(found.definition, issued=issued)
    result = ballots.tally({"poll": definition, "ballots": choices})
    closed: Entry = {
        "type": "poll_closed",
        "poll": poll,
        "participants": participants,
        "issued": issued,
        "by": by,
    }
    entries = [closed, {"type": "result", "poll": poll, "result": result}]
    entries += bodies.adoption(state, poll, result)
    return Change(entries)


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
    write_ins_ignored: int = 0,
) -> list[Entry]:
    """A show-of-hands or paper result entered by the chair and confirmed by scrutineers.

    ``write_ins_ignored``: the write-ins on valid paper ballots the rules ignored (elections)."""
    checks.require_open(state)
    found = poll_is_open(state, poll)
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
            write_ins_ignored=write_ins_ignored,
        )
    except (KeyError, TypeError):
        raise CommandError(
            "invalid-counts", "票数不完整", "ballots needs cast, valid and void"
        ) from None
    except ballots.InputError as error:
        raise CommandError(
            "invalid-counts", f"票数有误：{error}", f"invalid counts: {error}"
        ) from None
    manual: Entry = {
        "type": "manual_result",
        "poll": poll,
        "ballots": {"cast": cast, "valid": valid, "void": void},
        "counts": dict(counts),
        "write_ins": dict(write_ins),
        "by": by,
        "confirmed_by": list(confirmed_by),
    }
    if write_ins_ignored:
        manual["write_ins_ignored"] = write_ins_ignored
    return [
        {"type": "poll_closed", "poll": poll, "participants": [], "issued": issued, "by": by},
        manual,
        {"type": "result", "poll": poll, "result": result},
        *bodies.adoption(state, poll, result),
    ]


def announce(state: MeetingState, *, poll: str, by: str) -> list[Entry]:
    checks.require_open(state)
    found = known_poll(state, poll)
    if found.status != "closed":
        raise Conflict("poll-not-closed", "表决尚未结束", f"poll {poll} is not closed")
    if found.announced:
        raise Conflict("already-announced", "结果已宣布", f"poll {poll} was already announced")
    if found.result is None:
        raise Conflict(
            "result-pending",
            "加密投票的结果尚待监票人解密",
            f"poll {poll} has no result yet: its totals await the scrutineers' decryption",
        )
    if held(state, found):
        raise Conflict(
            "result-unconfirmed",
            "选举结果须经主席团确认后才能宣布",
            f"the election result of poll {poll} must be confirmed by the presidium first",
        )
    return [{"type": "result_announced", "poll": poll, "by": by}]


def void_poll(state: MeetingState, *, poll: str, reason: str, by: str) -> list[Entry]:
    """Void a poll with a recorded reason; its item may then be put to the vote again as a new
    poll. Both stay in the log."""
    checks.require_open(state)
    found = known_poll(state, poll)
    why = checks.reason(reason)
    if found.status == "voided":
        raise Conflict("poll-voided", "该表决已作废", f"poll {poll} is already void")
    if found.announced:
        raise Conflict("already-announced", "结果已宣布，不能作废", f"poll {poll} was announced")
    return [{"type": "poll_voided", "poll": poll, "reason": why, "by": by}]
