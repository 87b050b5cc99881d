"""The roster and attendance: import the roster of a draft meeting, change a deputy's status,
and the operator's 补签 (one deputy or several at once), sign-out and leave register."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError

from voting import core, protocol
from voting.core.state import MeetingState
from voting.errors import CommandError, Conflict
from voting.http.answers import RosterImported
from voting.http.endpoints import Call, Endpoints, invalid, read_raw_body
from voting.roster import decode, parse_roster
from voting.service import Decision
from voting.validation import validation_problem

ROUTES = Endpoints()


@ROUTES.route(
    "PUT",
    "/api/meetings/{meeting}/roster",
    permission="roster.set",
    body=protocol.Roster,
    parse_body=False,
    also_accepts=("text/csv",),
    answer=RosterImported,
    summary="导入代表名册（CSV 或 JSON）/ import the roster (CSV or JSON)",
)
async def put_roster(call: Call[None]) -> Any:
    data = await read_raw_body(call.request)
    if call.request.headers.get("content-type", "").startswith("text/csv"):
        lines = parse_roster(decode(data))
    else:
        try:
            roster = protocol.Roster.model_validate_json(data)
        except ValidationError as error:
            raise invalid(validation_problem(error)) from None
        text = "deputy,name,seat,status\n" + "".join(
            f"{_csv(d.deputy)},{_csv(d.name)},{_csv(d.seat)},{d.status}\n" for d in roster.deputies
        )
        lines = parse_roster(text)
    call.congress.set_roster(call.meeting, lines)
    return {"meeting": call.meeting, "deputies": len(lines)}


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/status",
    permission="roster.status",
    body=protocol.RosterStatus,
    summary="调整代表状态 / change a deputy's status",
)
def deputy_status(call: Call[protocol.RosterStatus]) -> Decision:
    return functools.partial(
        core.change_roster, deputy=call.params["deputy"], status=call.body.status, by=call.actor
    )


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/sign-in",
    permission="attendance",
    summary="补签 / sign a deputy in",
)
def operator_sign_in(call: Call[None]) -> Decision:
    return functools.partial(core.sign_in_by_operator, deputy=call.params["deputy"], by=call.actor)


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/attendance/sign-in",
    permission="attendance",
    body=protocol.SignInMany,
    summary="批量补签（全部成功或全部不变）/ sign several deputies in, all or none",
)
def operator_sign_in_many(call: Call[protocol.SignInMany]) -> Decision:
    return functools.partial(sign_in_many, deputies=call.body.deputies, by=call.actor)


def sign_in_many(state: MeetingState, *, deputies: list[str], by: str) -> list[dict[str, Any]]:
    """One ``signed_in`` entry per deputy, each by the rules of the single-seat 补签; the first
    deputy refused refuses the whole request, with the code of that refusal and the deputy
    named (``details.deputy``). A deputy listed twice is refused as already signed in."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for deputy in deputies:
        try:
            if deputy in seen:
                raise Conflict(
                    "already-signed-in", "该代表已签到", f"deputy {deputy} is already signed in"
                )
            entries.extend(core.sign_in_by_operator(state, deputy=deputy, by=by))
        except CommandError as error:
            raise type(error)(
                error.code,
                f"代表 {deputy}：{error.zh}",
                f"deputy {deputy}: {error.en}",
                **{**error.details, "deputy": deputy},
            ) from None
        seen.add(deputy)
    return entries


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/sign-out",
    permission="attendance",
    summary="中途退场 / sign a deputy out",
)
def operator_sign_out(call: Call[None]) -> Decision:
    return functools.partial(core.sign_out_by_operator, deputy=call.params["deputy"], by=call.actor)


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/leave",
    permission="attendance",
    body=protocol.Leave,
    summary="请假登记 / record leave",
)
def record_leave(call: Call[protocol.Leave]) -> Decision:
    return functools.partial(
        core.record_leave, deputy=call.params["deputy"], leave=call.body.leave, by=call.actor
    )
