"""What each kind of client is shown: pure functions from a meeting's state to JSON objects.

Tablets and the hall display see the public view: attendance numbers, the agenda, the current
poll with its live count of ballots cast, and results once a poll is closed (an election's
only once the presidium has confirmed it, when the meeting holds election results). The chair console
also sees the roster with each deputy's attendance and device status. No view ever contains
the choices of an open poll, or any deputy's choice in a secret poll.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from voting.core import bodies
from voting.core.confirmation import held
from voting.core.encrypted import ballot_setup
from voting.core.proposal_state import proposals_view
from voting.core.records import Poll
from voting.core.speaking import queue_view
from voting.core.state import MeetingState
from voting.errors import CommandError


def attendance(state: MeetingState) -> dict[str, Any]:
    """应出席 / 实到 / 请假 and the quorum verdict (domain-rules §1)."""
    return {
        "electorate": state.electorate,
        "present": len(state.present),
        "leave": state.leave_count,
        "quorum_met": state.quorum_met,
    }


def poll_view(state: MeetingState, poll: Poll, *, votes: bool = True) -> dict[str, Any]:
    """A poll as shown: its definition, status and counts, the result once published, and
    with ``votes`` a closed named poll's votes by deputy (on request and in the console; the
    push to every tablet leaves them out: at a 3,000-seat plenary they would make each push to
    each tablet a few hundred kilobytes)."""
    view: dict[str, Any] = {
        "poll": poll.id,
        "item": poll.item,
        "kind": poll.definition["kind"],
        "mode": poll.mode,
        "change_policy": poll.change_policy,
        "definition": poll.definition,
        "status": poll.status,
        "present": len(poll.present),
        "cast": poll.cast_count,
        "closes_at": poll.closes_at,
        "announced": poll.announced,
    }
    if poll.status == "closed" and poll.result is not None and held(state, poll):
        view["result_held"] = True  # 选举结果待主席团确认: the chair's console alone sees it
    elif poll.status == "closed" and poll.result is not None:
        view["result"] = poll.result
        if poll.mode == "named" and votes:
            view["votes"] = {d: poll.votes[d] for d in sorted(poll.votes)}
    if poll.body == "presidium":
        view["body"] = "presidium"
    if poll.confirmed_by:
        view["confirmed_by"] = poll.confirmed_by
    if poll.void_reason is not None:
        view["void_reason"] = poll.void_reason
    if poll.confirmation is not None:
        view["confirmation"] = poll.confirmation
    if poll.encrypted is not None:
        view.update(encrypted_view(state, poll))
    return view


def encrypted_view(state: MeetingState, poll: Poll) -> dict[str, Any]:
    """An encrypted poll: while open, what a tablet builds its ballot with (``encryption``:
    shape, poll context, key); once closed, how far the decryption is (``decryption``)."""
    tally = poll.encrypted
    if tally is None:
        return {}
    if poll.status == "open":
        try:
            return {"encryption": ballot_setup(state, poll).view()}
        except CommandError:  # the sitting key changed: the poll cannot take ballots
            return {}
    if tally.aggregate is None:
        return {}
    key = state.sitting_key
    decryption: dict[str, Any] = {
        "aggregate": tally.aggregate["hash"],
        "shares": sorted(tally.share_sets),
        "needed": None if key is None else key.t,
        "decrypted": tally.totals is not None,
    }
    if tally.awaiting_mix:
        decryption["awaiting"] = "write-in-mix"  # 有另选他人：待监票人混洗后计票
    return {"decryption": decryption}


def item_view(state: MeetingState, item: str) -> dict[str, Any]:
    """An agenda item: its id, title, kind and status; ``body`` when the presidium votes it; for
    an oath taken, who led it and who swore (``oath``); its ``documents`` (title, file name,
    size and SHA-256 of each, in the order they were added) when it has any."""
    i = state.items[item]
    view: dict[str, Any] = {
        "item": i.id,
        "title": i.title,
        "kind": i.kind,
        "status": state.item_status(i.id),
    }
    if i.body == "presidium":
        view["body"] = "presidium"  # the plenary, the default, is not named
    if i.id in state.oaths:
        view["oath"] = state.oaths[i.id]
    if state.documents.get(i.id):
        view["documents"] = [
            {"sha256": sha256, **{k: v for k, v in doc.items() if k != "seq"}}
            for sha256, doc in state.documents[i.id].items()
        ]
    return view


def current_poll(state: MeetingState) -> Poll | None:
    """The open poll, else the newest poll of the current item."""
    if state.open_poll is not None:
        return state.open_poll
    polls = [p for p in state.polls.values() if p.item == state.current_item]
    return polls[-1] if polls else None


def bodies_view(state: MeetingState) -> dict[str, Any]:
    """What the plenary adopted: the presidium and its quorum rule, the election rules with the
    poll that adopted them, the scrutineers and tellers (the print sheets' signature lines);
    and the non-voting attendees (列席), listed apart."""
    rules = state.election_rules
    return {
        "presidium": bodies.presidium_view(state, state.presidium),
        "presidium_quorum": bodies.quorum_rule(state, "presidium"),
        "election_rules": None if rules is None else {"poll": rules[0], "rules": rules[1]},
        "scrutineers": bodies.scrutineer_view(state),
        "attendees": bodies.attendees(state),
    }


def public_view(state: MeetingState, *, votes: bool = False) -> dict[str, Any]:
    """What every tablet and the hall display are pushed: the meeting, attendance, agenda, the
    current poll (with a named poll's votes only if ``votes``), the bodies and the speaking
    queue with the speaker."""
    poll = current_poll(state)
    view: dict[str, Any] = {
        "seq": state.size,
        "meeting": state.meeting,
        "closed": state.closed,
        "attendance": attendance(state),
        "items": [item_view(state, i.id) for i in state.items.values()],
        "current_item": state.current_item,
        "poll": None if poll is None else poll_view(state, poll, votes=votes),
        "bodies": bodies_view(state),
        "speaking": queue_view(state),
    }
    if state.proposals:  # co-signed proposals, for tablets to co-sign and follow
        view["proposals"] = proposals_view(state.proposals, state.settings, state.electorate)
    if state.split_view_alarms:  # 日志不一致: tablets that were shown a split view
        view["split_view_alarms"] = list(state.split_view_alarms)
    if state.settings.get("simulated_scrutineers") is True:  # written only by the demo
        view["simulated_scrutineers"] = True
    return view


def deputy_view(state: MeetingState, deputy: str) -> dict[str, Any]:
    """What a tablet knows of its own deputy: status, attendance, and whether it took part."""
    d = state.roster[deputy]
    poll = state.open_poll
    took_part = poll is not None and (poll.took_part(deputy))
    own: dict[str, Any] = {
        "deputy": d.id,
        "name": d.name,
        "seat": d.seat,
        "status": d.status,
        "signed_in": deputy in state.signed_in,
        "poll": None if poll is None else poll.id,  # the open poll that ``took_part`` is about
        "took_part": took_part,
    }
    if poll is not None and poll.mode == "named" and deputy in poll.votes:
        own["choice"] = poll.votes[deputy]
    return own


def console_view(state: MeetingState, online: Set[str]) -> dict[str, Any]:
    """The chair's view: the public view plus the roster with attendance and devices."""
    view = public_view(state, votes=True)
    view["roster"] = [
        {
            "deputy": d.id,
            "name": d.name,
            "seat": d.seat,
            "status": d.status,
            "signed_in": d.id in state.signed_in,
            "leave": d.id in state.on_leave,
            "device": state.active_device.get(d.id),
            "online": state.active_device.get(d.id) in online,
        }
        for d in sorted(state.roster.values(), key=lambda d: d.seat)
    ]
    # Every poll in full, so the console can show any earlier result; a voided poll keeps
    # the result it had, for the chair's eyes only.
    view["polls"] = [{**poll_view(state, p), "result": p.result} for p in state.polls.values()]
    # The chair sees an election result the presidium has yet to confirm.
    if view["poll"] is not None and view["poll"].get("result_held"):
        view["poll"] = {**view["poll"], "result": state.polls[view["poll"]["poll"]].result}
    return view


def polls_view(state: MeetingState) -> dict[str, Any]:
    """Every poll of the meeting in order, as the public view shows one (printed minutes)."""
    return {"polls": [poll_view(state, p) for p in state.polls.values()]}
