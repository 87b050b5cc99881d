"""The speaking queue on the console: grant the floor (准许发言) and end it (结束发言).

Deputies ask to speak and withdraw on their tablets (signed ``speak_request`` and
``speak_withdraw`` messages, :mod:`voting.inbound`); the queue itself is in the meeting's
views and pushes.
"""

from __future__ import annotations

import functools

from voting import core, protocol
from voting.http.endpoints import Call, Endpoints
from voting.service import Decision

ROUTES = Endpoints()


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/floor/grant",
    permission="speaking",
    body=protocol.FloorGrant,
    summary="准许发言 / grant the floor to the head of the queue or a queued deputy",
)
def grant_floor(call: Call[protocol.FloorGrant]) -> Decision:
    return functools.partial(
        core.grant_floor,
        deputy=call.body.deputy,
        minutes=call.body.minutes,
        now=call.congress.clock(),
        by=call.actor,
    )


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/floor/end",
    permission="speaking",
    summary="结束发言 / end the current speech",
)
def end_floor(call: Call[None]) -> Decision:
    return functools.partial(core.end_floor, by=call.actor)
