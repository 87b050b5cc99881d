"""Tablets: one-time pairing codes and printable cards, pairing, revocation, the device list."""

from __future__ import annotations

import functools
from typing import Any

from starlette.responses import HTMLResponse

from devices import cards
from voting import core, protocol
from voting.core.types import SEATED_STATUSES
from voting.http.answers import DeviceList, Paired, PairingCode
from voting.http.endpoints import Call, Endpoints
from voting.service import Decision

ROUTES = Endpoints()


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/pairing-code",
    permission="device.pairing",
    answer=PairingCode,
    summary="生成一次性配对码 / issue a one-time pairing code",
)
async def pairing_code(call: Call[None]) -> Any:
    deputy = call.params["deputy"]
    code, expires_at = call.congress.issue_pairing_code(call.meeting, deputy)
    return {"deputy": deputy, "code": code, "expires_at": expires_at}


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/revoke-device",
    permission="device.pairing",
    summary="注销代表的平板 / revoke a deputy's tablet",
)
def revoke_device(call: Call[None]) -> Decision:
    return functools.partial(core.revoke_device, deputy=call.params["deputy"], by=call.actor)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/deputies/{deputy}/pairing-card",
    permission="device.pairing",
    media_type="text/html",
    summary="打印配对卡（新的一次性配对码）/ a printable pairing card with a fresh code (HTML)",
)
async def pairing_card(call: Call[None]) -> Any:
    card = _pairing_card(call, call.params["deputy"])
    return HTMLResponse(cards.card_page(card), headers=cards.PAGE_HEADERS)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/pairing-cards",
    permission="device.pairing",
    media_type="text/html",
    summary="打印全部未配对代表的配对卡（A4）/ printable cards of every unpaired deputy (HTML)",
)
async def pairing_cards(call: Call[None]) -> Any:
    state = call.service().state
    seated = sorted(
        (d for d in state.roster.values() if d.status in SEATED_STATUSES),
        key=lambda d: d.seat,
    )
    unpaired = [d.id for d in seated if d.id not in state.active_device]
    page = cards.cards_page(
        str(state.meeting.get("title", call.meeting)),
        [_pairing_card(call, deputy) for deputy in unpaired],
        already_paired=len(seated) - len(unpaired),
    )
    return HTMLResponse(page, headers=cards.PAGE_HEADERS)


def _pairing_card(call: Call[Any], deputy: str) -> cards.PairingCard:
    """A card with a fresh pairing code for ``deputy`` of the call's meeting."""
    code, expires_at = call.congress.issue_pairing_code(call.meeting, deputy)
    state = call.service().state
    who = state.roster[deputy]
    return cards.PairingCard(
        meeting_title=str(state.meeting.get("title", call.meeting)),
        deputy=deputy,
        name=who.name,
        seat=who.seat,
        url=cards.tablet_url(
            str(call.request.base_url),
            call.meeting,
            code,
            peer=call.request.app.state.peer_url,
        ),
        code=code,
        expires_at=expires_at,
    )


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/devices",
    permission="device.pairing",
    answer=DeviceList,
    summary="平板状态：在线、最后联系时间 / tablets: online, last seen",
)
async def list_devices(call: Call[None]) -> Any:
    state = call.service().state
    online = call.runtime.hub.online_devices(call.meeting)
    last_seen = call.runtime.hub.last_seen(call.meeting)
    return {
        "devices": [
            {
                "device": d.id,
                "deputy": d.deputy,
                "alg": d.alg,
                "active": d.active,
                "online": d.id in online,
                "last_seen": last_seen.get(d.id),
            }
            for d in sorted(state.devices.values(), key=lambda d: (d.deputy, d.id))
        ]
    }


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/pair",
    permission=None,
    body=protocol.Pair,
    answer=Paired,
    summary="平板以一次性配对码登记公钥 / a tablet registers its key with a pairing code",
)
async def pair(call: Call[protocol.Pair]) -> Any:
    body, meeting = call.body, call.meeting
    deputy = call.congress.check_pairing_code(meeting, body.code)
    decide = functools.partial(
        core.pair_device,
        deputy=deputy,
        device=body.device,
        alg=body.alg,
        public_key=body.public_key,
        by=f"pairing:{deputy}",
    )
    use_code = functools.partial(call.congress.use_pairing_code, meeting=meeting, code=body.code)
    result = await call.command(decide, also=use_code)
    service = call.service()
    # The log key lets the tablet pin the key that signs checkpoints and ballot acknowledgements.
    result.update(
        deputy=deputy, device=body.device, origin=service.origin, log_key=service.log.vkey
    )
    return result
