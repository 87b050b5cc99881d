"""Meetings: list, create, read, open and close."""

from __future__ import annotations

import functools
from typing import Any

from voting import core, protocol
from voting.core import views
from voting.core.stations import refuse_demo_settings
from voting.http.answers import MeetingCreated, MeetingList, MeetingOpened, MeetingView
from voting.http.endpoints import Call, Endpoints
from voting.service import Decision

ROUTES = Endpoints()


@ROUTES.route(
    "GET", "/api/meetings", permission="meeting.read", answer=MeetingList, summary="会议列表"
)
async def list_meetings(call: Call[None]) -> Any:
    """The meetings the caller may act on."""
    principal = call.principal
    assert principal is not None
    return {
        "meetings": [
            {
                "meeting": row.id,
                "origin": row.origin,
                "title": row.title,
                "date": row.date,
                "status": row.status,
            }
            for row in call.congress.meetings(call.congress.scope_of(principal))
        ]
    }


@ROUTES.route(
    "POST",
    "/api/meetings",
    permission="meeting.create",
    body=protocol.NewMeeting,
    answer=MeetingCreated,
    summary="创建会议 / create a meeting",
)
async def create_meeting(call: Call[protocol.NewMeeting]) -> Any:
    body = call.body
    refuse_demo_settings(body.settings)
    call.congress.create_meeting(
        meeting=body.meeting,
        origin=body.origin,
        title=body.title,
        date=body.date,
        settings=body.settings,
        creator=call.actor,
    )
    return {"meeting": body.meeting, "status": "draft"}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}",
    permission="meeting.read",
    answer=MeetingView,
    summary="会议状态 / meeting state",
)
async def get_meeting(call: Call[None]) -> Any:
    row = call.congress.meeting_row(call.meeting)
    if row.status == "draft":
        return {
            "meeting": {"id": row.id, "title": row.title, "date": row.date},
            "origin": row.origin,
            "status": "draft",
            "roster": [
                {"deputy": r.deputy, "name": r.name, "seat": r.seat, "status": r.status}
                for r in call.congress.roster(call.meeting)
            ],
        }
    service = call.service()
    assert call.principal is not None
    if call.principal.role == "display":
        view = views.public_view(service.state)
    else:
        view = views.console_view(service.state, call.runtime.hub.online_devices(call.meeting))
    view["status"] = "closed" if service.state.closed else "open"
    view["origin"] = service.origin
    view["log_key"] = service.log.vkey
    return view


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/open",
    permission="meeting.open",
    answer=MeetingOpened,
    summary="开始会议（创建审计日志）/ open the meeting",
)
async def open_meeting(call: Call[None]) -> Any:
    service = await call.congress.open_meeting(call.meeting, by=call.actor)
    return {"meeting": service.meeting_id, "status": "open", "log_key": service.log.vkey}


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/close",
    permission="meeting.close",
    summary="闭会 / close the meeting",
)
def close_meeting(call: Call[None]) -> Decision:
    return functools.partial(core.close_meeting, by=call.actor)
