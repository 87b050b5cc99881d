"""Polls: open, close and count, enter a manual result, announce, void, list."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from voting import core, protocol
from voting.core import views
from voting.http.answers import PollClosed, PollList, PollOpened, Written
from voting.http.endpoints import Call, Endpoints
from voting.service import Decision

ROUTES = Endpoints()


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls",
    permission="poll",
    body=protocol.NewPoll,
    answer=PollOpened,
    summary="开始表决 / open a poll",
)
async def open_poll(call: Call[protocol.NewPoll]) -> Any:
    body = call.body
    poll = body.poll or f"p{len(call.service().state.polls) + 1}"
    closes_at = None
    if body.duration_s is not None:
        closes_at = call.congress.now_at(timedelta(seconds=body.duration_s))
    decide = functools.partial(
        core.open_poll,
        poll=poll,
        item=body.item,
        definition=body.definition,
        mode=body.mode,
        change_policy=body.change_policy,
        closes_at=closes_at,
        by=call.actor,
    )
    result = await call.command(decide)
    if closes_at is not None:
        call.runtime.schedule_close(call.meeting, poll, closes_at)
    result["poll"] = poll
    return result


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/close",
    permission="poll",
    answer=PollClosed,
    summary="结束表决并计票 / close a poll and count",
)
async def close_poll(call: Call[None]) -> Any:
    written = await call.service().close_poll(call.params["poll"], by=call.actor)
    # An encrypted poll's result follows the scrutineers' decryption: none yet.
    result = next((e["result"] for e in written.entries if e["type"] == "result"), None)
    return {"seq": [e["seq"] for e in written.entries], "result": result}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/manual-result",
    permission="poll",
    body=protocol.ManualResult,
    answer=Written,
    summary="录入举手或纸质表决结果 / enter a manual result",
)
async def manual_result(call: Call[protocol.ManualResult]) -> Any:
    body = call.body
    decide = functools.partial(
        core.enter_manual_result,
        poll=call.params["poll"],
        issued=body.issued,
        ballot_counts=body.ballots.model_dump(),
        counts=body.counts,
        write_ins=body.write_ins,
        write_ins_ignored=body.write_ins_ignored,
        confirmed_by=body.confirmed_by,
        by=call.actor,
    )
    return await call.command(decide)


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/announce",
    permission="poll",
    summary="宣布结果 / announce the result",
)
def announce(call: Call[None]) -> Decision:
    return functools.partial(core.announce, poll=call.params["poll"], by=call.actor)


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/void",
    permission="poll",
    body=protocol.Reason,
    answer=Written,
    summary="宣布表决无效（须说明原因）/ void a poll with a reason",
)
async def void_poll(call: Call[protocol.Reason]) -> Any:
    written = await call.service().void_poll(
        call.params["poll"], reason=call.body.reason, by=call.actor
    )
    return {"seq": [e["seq"] for e in written.entries]}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/polls",
    permission="meeting.read",
    answer=PollList,
    summary="全部表决及结果（会议纪要）/ every poll with its result",
)
async def list_polls(call: Call[None]) -> Any:
    return views.polls_view(call.service().state)
