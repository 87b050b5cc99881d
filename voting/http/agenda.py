"""The agenda: set it, make an item current, withdraw an item, record the constitution oath."""

from __future__ import annotations

import functools
from typing import Any

from voting import core, protocol
from voting.http.answers import Written
from voting.http.endpoints import Call, Endpoints
from voting.service import Decision

ROUTES = Endpoints()


@ROUTES.route(
    "PUT",
    "/api/meetings/{meeting}/agenda",
    permission="agenda",
    body=protocol.Agenda,
    answer=Written,
    summary="设置议程 / set the agenda",
)
async def put_agenda(call: Call[protocol.Agenda]) -> Any:
    items = [item.model_dump(exclude_none=True) for item in call.body.items]
    return await call.command(functools.partial(core.set_agenda, items=items))


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/items/{item}/current",
    permission="agenda",
    summary="推送当前议程 / make an item current",
)
def make_current(call: Call[None]) -> Decision:
    return functools.partial(core.make_current, item=call.params["item"], by=call.actor)


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/items/{item}/withdraw",
    permission="agenda",
    body=protocol.Reason,
    summary="撤回议程 / withdraw an item",
)
def withdraw_item(call: Call[protocol.Reason]) -> Decision:
    return functools.partial(
        core.withdraw_item, item=call.params["item"], reason=call.body.reason, by=call.actor
    )


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/items/{item}/oath",
    permission="agenda",
    body=protocol.OathTaken,
    summary="记录宪法宣誓 / record that the constitution oath took place",
)
def record_oath(call: Call[protocol.OathTaken]) -> Decision:
    return functools.partial(
        core.record_oath,
        item=call.params["item"],
        led_by=call.body.led_by,
        sworn=call.body.sworn,
        by=call.actor,
    )
