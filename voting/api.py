"""The HTTP JSON API of the chair, operators, the hall display and auditors.

Every handler follows the same order: authenticate (401), authorise by role (403), validate the
body against its model (400), then run the command (404/409 when it does not fit the state).
Errors are JSON ``{"error": code, "message": 中文, "message_en": English}``; a refused command
changes nothing. The OpenAPI document is served at ``/openapi.json``.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from devices import cards
from devices.qr import qr_svg
from voting import core, protocol
from voting.auth import authorise
from voting.congress import Principal
from voting.core import views
from voting.core.types import SEATED_STATUSES
from voting.errors import (
    CommandError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
    storage_failed,
)
from voting.roster import decode, parse_roster
from voting.runtime import Runtime
from voting.service import Decision

MAX_BODY = 1024 * 1024

log = logging.getLogger(__name__)

Handler = Callable[[Request, Principal | None, Any], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    """One API route, with what the OpenAPI document says of it."""

    method: str
    path: str
    permission: str | None
    body: type[BaseModel] | None
    summary: str
    handler: Handler


ENDPOINTS: list[Endpoint] = []


def endpoint(
    method: str, path: str, *, permission: str | None, body: type[BaseModel] | None, summary: str
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ENDPOINTS.append(Endpoint(method, path, permission, body, summary, handler))
        return handler

    return register


#: A command endpoint's decision, from the path parameters, the actor and the request body.
DecisionFor = Callable[[dict[str, str], str, Any], Decision]


def command(
    method: str,
    path: str,
    *,
    name: str,
    permission: str,
    body: type[BaseModel] | None,
    summary: str,
    decide: DecisionFor,
) -> None:
    """Register an endpoint that runs one decision of :mod:`voting.core` on an open meeting
    and answers ``{"seq": [...]}`` once it is committed."""

    async def handler(request: Request, who: Principal | None, payload: Any) -> Any:
        params = dict(request.path_params)
        return await runtime(request).command(params["meeting"], decide(params, _who(who), payload))

    handler.__name__ = handler.__qualname__ = name
    ENDPOINTS.append(Endpoint(method, path, permission, body, summary, handler))


def invalid(problem: str) -> CommandError:
    return CommandError(
        "invalid-message", f"请求格式错误：{problem}", f"invalid request: {problem}"
    )


async def read_body(request: Request, model: type[BaseModel]) -> Any:
    data = await request.body()
    if len(data) > MAX_BODY:
        raise invalid("body too large")
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise invalid(f"{where}: {first['msg']}") from None


def principal_of(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated("not-logged-in", "请先登录", "authentication required")
    return runtime(request).congress.authenticate(header.removeprefix("Bearer ").strip())


def runtime(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def make_route(spec: Endpoint) -> Route:
    async def handle(request: Request) -> Response:
        try:
            principal = None
            if spec.permission is not None:
                principal = principal_of(request)
                authorise(principal, spec.permission)
            body = await read_body(request, spec.body) if spec.body is not None else None
            try:
                result = await spec.handler(request, principal, body)
            except SQLAlchemyError as failure:
                # Writes outside a meeting's log (tokens, pairing codes, accounts) that the
                # database refused: locked past its busy timeout, or a full disk.
                log.error("%s %s: the database failed: %s", spec.method, spec.path, failure)
                raise storage_failed() from None
        except CommandError as error:
            headers = {}
            if "retry_after" in error.details:
                headers["Retry-After"] = str(error.details["retry_after"])
            return JSONResponse(error.to_json(), status_code=error.status, headers=headers)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return Route(spec.path, handle, methods=[spec.method], name=spec.handler.__name__)


def _who(principal: Principal | None) -> str:
    assert principal is not None
    return principal.actor


def _path(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    return value


# Accounts --------------------------------------------------------------------------------


@endpoint("POST", "/api/login", permission=None, body=protocol.Login, summary="登录 / log in")
async def login(request: Request, _: Principal | None, body: protocol.Login) -> Any:
    rt = runtime(request)
    client = request.client.host if request.client else "?"
    key = f"{body.username}@{client}"
    now = rt.monotonic()
    wait = rt.throttle.wait_time(key, now)
    if wait > 0:
        seconds = math.ceil(wait)
        raise TooManyAttempts(
            "too-many-attempts",
            f"登录失败次数过多，请{seconds}秒后再试",
            f"too many failed logins; try again in {seconds} s",
            retry_after=seconds,
        )
    try:
        token, role = rt.congress.login(body.username, body.password)
    except Unauthenticated:
        rt.throttle.failed(key, now)
        raise
    rt.throttle.succeeded(key)
    return {"token": token, "role": role, "username": body.username}


@endpoint(
    "POST",
    "/api/accounts",
    permission="account.create",
    body=protocol.NewAccount,
    summary="创建账户 / create an account",
)
async def create_account(request: Request, _: Principal | None, body: protocol.NewAccount) -> Any:
    runtime(request).congress.create_account(body.username, body.role, body.password)
    return {"username": body.username, "role": body.role}


@endpoint(
    "POST",
    "/api/tokens",
    permission="token.create",
    body=protocol.NewToken,
    summary="签发大屏或审计只读令牌 / issue a display or auditor token",
)
async def create_token(request: Request, who: Principal | None, body: protocol.NewToken) -> Any:
    token = runtime(request).congress.issue_token(body.role, f"{body.role}:{body.label}")
    return {"token": token, "role": body.role}


# Meetings --------------------------------------------------------------------------------


@endpoint("GET", "/api/meetings", permission="meeting.read", body=None, summary="会议列表")
async def list_meetings(request: Request, _: Principal | None, __: None) -> Any:
    rows = runtime(request).congress.meetings()
    return {
        "meetings": [
            {
                "meeting": r.id,
                "origin": r.origin,
                "title": r.title,
                "date": r.date,
                "status": r.status,
            }
            for r in rows
        ]
    }


@endpoint(
    "POST",
    "/api/meetings",
    permission="meeting.create",
    body=protocol.NewMeeting,
    summary="创建会议 / create a meeting",
)
async def create_meeting(request: Request, _: Principal | None, body: protocol.NewMeeting) -> Any:
    runtime(request).congress.create_meeting(
        meeting=body.meeting,
        origin=body.origin,
        title=body.title,
        date=body.date,
        settings=body.settings,
    )
    return {"meeting": body.meeting, "status": "draft"}


@endpoint(
    "GET",
    "/api/meetings/{meeting}",
    permission="meeting.read",
    body=None,
    summary="会议状态 / meeting state",
)
async def get_meeting(request: Request, who: Principal | None, _: None) -> Any:
    rt = runtime(request)
    meeting = _path(request, "meeting")
    row = rt.congress.meeting_row(meeting)
    if row.status == "draft":
        return {
            "meeting": {"id": row.id, "title": row.title, "date": row.date},
            "origin": row.origin,
            "status": "draft",
            "roster": [
                {"deputy": r.deputy, "name": r.name, "seat": r.seat, "status": r.status}
                for r in rt.congress.roster(meeting)
            ],
        }
    service = rt.congress.service(meeting)
    assert who is not None
    if who.role in {"display"}:
        view = views.public_view(service.state)
    else:
        view = views.console_view(service.state, rt.hub.online_devices(meeting))
    view["status"] = "closed" if service.state.closed else "open"
    view["origin"] = service.origin
    view["log_key"] = service.log.vkey
    return view


@endpoint(
    "PUT",
    "/api/meetings/{meeting}/roster",
    permission="roster.set",
    body=None,
    summary="导入代表名册（CSV 或 JSON）/ import the roster (CSV or JSON)",
)
async def put_roster(request: Request, _: Principal | None, __: None) -> Any:
    meeting = _path(request, "meeting")
    data = await request.body()
    if len(data) > MAX_BODY:
        raise invalid("body too large")
    if request.headers.get("content-type", "").startswith("text/csv"):
        lines = parse_roster(decode(data))
    else:
        try:
            roster = protocol.Roster.model_validate_json(data)
        except ValidationError as error:
            first = error.errors()[0]
            raise invalid(".".join(str(p) for p in first["loc"]) + ": " + first["msg"]) from None
        text = "deputy,name,seat,status\n" + "".join(
            f"{_csv(d.deputy)},{_csv(d.name)},{_csv(d.seat)},{d.status}\n" for d in roster.deputies
        )
        lines = parse_roster(text)
    runtime(request).congress.set_roster(meeting, lines)
    return {"meeting": meeting, "deputies": len(lines)}


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@endpoint(
    "POST",
    "/api/meetings/{meeting}/open",
    permission="meeting.open",
    body=None,
    summary="开始会议（创建审计日志）/ open the meeting",
)
async def open_meeting(request: Request, who: Principal | None, _: None) -> Any:
    rt = runtime(request)
    service = await rt.congress.open_meeting(_path(request, "meeting"), by=_who(who))
    return {"meeting": service.meeting_id, "status": "open", "log_key": service.log.vkey}


command(
    "POST",
    "/api/meetings/{meeting}/close",
    name="close_meeting",
    permission="meeting.close",
    body=None,
    summary="闭会 / close the meeting",
    decide=lambda p, who, _: lambda s: core.close_meeting(s, by=who),
)


# Roster, attendance, devices ---------------------------------------------------------------


command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/status",
    name="deputy_status",
    permission="roster.status",
    body=protocol.RosterStatus,
    summary="调整代表状态 / change a deputy's status",
    decide=lambda p, who, body: (
        lambda s: core.change_roster(s, deputy=p["deputy"], status=body.status, by=who)
    ),
)


command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/sign-in",
    name="operator_sign_in",
    permission="attendance",
    body=None,
    summary="补签 / sign a deputy in",
    decide=lambda p, who, _: lambda s: core.sign_in_by_operator(s, deputy=p["deputy"], by=who),
)


command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/sign-out",
    name="operator_sign_out",
    permission="attendance",
    body=None,
    summary="中途退场 / sign a deputy out",
    decide=lambda p, who, _: lambda s: core.sign_out_by_operator(s, deputy=p["deputy"], by=who),
)


command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/leave",
    name="record_leave",
    permission="attendance",
    body=protocol.Leave,
    summary="请假登记 / record leave",
    decide=lambda p, who, body: (
        lambda s: core.record_leave(s, deputy=p["deputy"], leave=body.leave, by=who)
    ),
)


@endpoint(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/pairing-code",
    permission="device.pairing",
    body=None,
    summary="生成一次性配对码 / issue a one-time pairing code",
)
async def pairing_code(request: Request, _: Principal | None, __: None) -> Any:
    rt = runtime(request)
    meeting, deputy = _path(request, "meeting"), _path(request, "deputy")
    code, expires_at = rt.congress.issue_pairing_code(meeting, deputy)
    return {"deputy": deputy, "code": code, "expires_at": expires_at}


command(
    "POST",
    "/api/meetings/{meeting}/deputies/{deputy}/revoke-device",
    name="revoke_device",
    permission="device.pairing",
    body=None,
    summary="注销代表的平板 / revoke a deputy's tablet",
    decide=lambda p, who, _: lambda s: core.revoke_device(s, deputy=p["deputy"], by=who),
)


@endpoint(
    "GET",
    "/api/meetings/{meeting}/deputies/{deputy}/pairing-card",
    permission="device.pairing",
    body=None,
    summary="打印配对卡（新的一次性配对码）/ a printable pairing card with a fresh code (HTML)",
)
async def pairing_card(request: Request, _: Principal | None, __: None) -> Any:
    card = _pairing_card(request, _path(request, "meeting"), _path(request, "deputy"))
    return HTMLResponse(cards.card_page(card), headers=cards.PAGE_HEADERS)


@endpoint(
    "GET",
    "/api/meetings/{meeting}/pairing-cards",
    permission="device.pairing",
    body=None,
    summary="打印全部未配对代表的配对卡（A4）/ printable cards of every unpaired deputy (HTML)",
)
async def pairing_cards(request: Request, _: Principal | None, __: None) -> Any:
    meeting = _path(request, "meeting")
    state = runtime(request).congress.service(meeting).state
    seated = sorted(
        (d for d in state.roster.values() if d.status in SEATED_STATUSES),
        key=lambda d: d.seat,
    )
    unpaired = [d.id for d in seated if d.id not in state.active_device]
    page = cards.cards_page(
        str(state.meeting.get("title", meeting)),
        [_pairing_card(request, meeting, deputy) for deputy in unpaired],
        already_paired=len(seated) - len(unpaired),
    )
    return HTMLResponse(page, headers=cards.PAGE_HEADERS)


def _pairing_card(request: Request, meeting: str, deputy: str) -> cards.PairingCard:
    rt = runtime(request)
    code, expires_at = rt.congress.issue_pairing_code(meeting, deputy)
    state = rt.congress.service(meeting).state
    who = state.roster[deputy]
    return cards.PairingCard(
        meeting_title=str(state.meeting.get("title", meeting)),
        deputy=deputy,
        name=who.name,
        seat=who.seat,
        url=cards.tablet_url(str(request.base_url), meeting, code),
        code=code,
        expires_at=expires_at,
    )


@endpoint(
    "GET",
    "/api/meetings/{meeting}/devices",
    permission="device.pairing",
    body=None,
    summary="平板状态：在线、最后联系时间 / tablets: online, last seen",
)
async def list_devices(request: Request, _: Principal | None, __: None) -> Any:
    rt = runtime(request)
    meeting = _path(request, "meeting")
    state = rt.congress.service(meeting).state
    online = rt.hub.online_devices(meeting)
    last_seen = rt.hub.last_seen(meeting)
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


@endpoint(
    "POST",
    "/api/meetings/{meeting}/pair",
    permission=None,
    body=protocol.Pair,
    summary="平板以一次性配对码登记公钥 / a tablet registers its key with a pairing code",
)
async def pair(request: Request, _: Principal | None, body: protocol.Pair) -> Any:
    rt = runtime(request)
    meeting = _path(request, "meeting")
    deputy = rt.congress.check_pairing_code(meeting, body.code)
    result = await rt.command(
        meeting,
        lambda s: core.pair_device(
            s,
            deputy=deputy,
            device=body.device,
            alg=body.alg,
            public_key=body.public_key,
            by=f"pairing:{deputy}",
        ),
        also=lambda session: rt.congress.use_pairing_code(session, meeting, body.code),
    )
    service = rt.congress.service(meeting)
    # The log key lets the tablet pin the key that signs checkpoints and ballot receipts.
    result.update(
        deputy=deputy, device=body.device, origin=service.origin, log_key=service.log.vkey
    )
    return result


# Agenda and polls ------------------------------------------------------------------------


@endpoint(
    "PUT",
    "/api/meetings/{meeting}/agenda",
    permission="agenda",
    body=protocol.Agenda,
    summary="设置议程 / set the agenda",
)
async def put_agenda(request: Request, _: Principal | None, body: protocol.Agenda) -> Any:
    items = [item.model_dump(exclude_none=True) for item in body.items]
    return await runtime(request).command(
        _path(request, "meeting"), lambda s: core.set_agenda(s, items=items)
    )


command(
    "POST",
    "/api/meetings/{meeting}/items/{item}/current",
    name="make_current",
    permission="agenda",
    body=None,
    summary="推送当前议程 / make an item current",
    decide=lambda p, who, _: lambda s: core.make_current(s, item=p["item"], by=who),
)


command(
    "POST",
    "/api/meetings/{meeting}/items/{item}/withdraw",
    name="withdraw_item",
    permission="agenda",
    body=protocol.Reason,
    summary="撤回议程 / withdraw an item",
    decide=lambda p, who, body: (
        lambda s: core.withdraw_item(s, item=p["item"], reason=body.reason, by=who)
    ),
)


@endpoint(
    "POST",
    "/api/meetings/{meeting}/polls",
    permission="poll",
    body=protocol.NewPoll,
    summary="开始表决 / open a poll",
)
async def open_poll(request: Request, who: Principal | None, body: protocol.NewPoll) -> Any:
    rt = runtime(request)
    meeting = _path(request, "meeting")
    service = rt.congress.service(meeting)
    poll = body.poll or f"p{len(service.state.polls) + 1}"
    closes_at = None
    if body.duration_s is not None:
        closes_at = rt.congress.now_at(timedelta(seconds=body.duration_s))
    result = await rt.command(
        meeting,
        lambda s: core.open_poll(
            s,
            poll=poll,
            item=body.item,
            definition=body.definition,
            mode=body.mode,
            change_policy=body.change_policy,
            closes_at=closes_at,
            by=_who(who),
        ),
    )
    if closes_at is not None:
        rt.schedule_close(meeting, poll, closes_at)
    result["poll"] = poll
    return result


@endpoint(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/close",
    permission="poll",
    body=None,
    summary="结束表决并计票 / close a poll and count",
)
async def close_poll(request: Request, who: Principal | None, _: None) -> Any:
    rt = runtime(request)
    meeting, poll = _path(request, "meeting"), _path(request, "poll")
    service = rt.congress.service(meeting)
    written = await service.close_poll(poll, by=_who(who))
    return {"seq": [e["seq"] for e in written.entries], "result": written.entries[-1]["result"]}


@endpoint(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/manual-result",
    permission="poll",
    body=protocol.ManualResult,
    summary="录入举手或纸质表决结果 / enter a manual result",
)
async def manual_result(
    request: Request, who: Principal | None, body: protocol.ManualResult
) -> Any:
    poll = _path(request, "poll")
    result = await runtime(request).command(
        _path(request, "meeting"),
        lambda s: core.enter_manual_result(
            s,
            poll=poll,
            issued=body.issued,
            ballot_counts=body.ballots.model_dump(),
            counts=body.counts,
            write_ins=body.write_ins,
            confirmed_by=body.confirmed_by,
            by=_who(who),
        ),
    )
    return result


command(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/announce",
    name="announce",
    permission="poll",
    body=None,
    summary="宣布结果 / announce the result",
    decide=lambda p, who, _: lambda s: core.announce(s, poll=p["poll"], by=who),
)


@endpoint(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/void",
    permission="poll",
    body=protocol.Reason,
    summary="宣布表决无效（须说明原因）/ void a poll with a reason",
)
async def void_poll(request: Request, who: Principal | None, body: protocol.Reason) -> Any:
    rt = runtime(request)
    meeting, poll = _path(request, "meeting"), _path(request, "poll")
    service = rt.congress.service(meeting)
    written = await service.void_poll(poll, reason=body.reason, by=_who(who))
    return {"seq": [e["seq"] for e in written.entries]}


@endpoint(
    "GET",
    "/api/meetings/{meeting}/polls",
    permission="meeting.read",
    body=None,
    summary="全部表决及结果（会议纪要）/ every poll with its result",
)
async def list_polls(request: Request, _: Principal | None, __: None) -> Any:
    return views.polls_view(runtime(request).congress.service(_path(request, "meeting")).state)


# The log: checkpoints and proofs are public, entries are for auditors ----------------------


def _int_param(request: Request, name: str, default: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise invalid(f"missing query parameter {name}")
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise invalid(f"query parameter {name} must be a whole number")
    return int(raw)


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in items]


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/checkpoint",
    permission=None,
    body=None,
    summary="最新签名检查点 / the newest signed checkpoint",
)
async def checkpoint(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    note = service.log.latest_checkpoint()
    if note is None:
        raise NotFound("no-checkpoint", "尚无签名检查点", "no checkpoint has been signed yet")
    return PlainTextResponse(note)


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/checkpoint.svg",
    permission=None,
    body=None,
    summary="最新签名检查点的二维码 / the newest checkpoint as a QR code (SVG)",
)
async def checkpoint_qr(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    note = service.log.latest_checkpoint()
    if note is None:
        raise NotFound("no-checkpoint", "尚无签名检查点", "no checkpoint has been signed yet")
    return Response(qr_svg(note), media_type="image/svg+xml")


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/proof/inclusion",
    permission=None,
    body=None,
    summary="包含证明 / inclusion proof (?seq=&size=)",
)
async def inclusion(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    size = _int_param(request, "size", service.log.size)
    seq = _int_param(request, "seq")
    if not 0 <= seq < size <= service.log.size:
        raise invalid("need 0 ≤ seq < size ≤ log size")
    return {"seq": seq, "size": size, "proof": _b64(service.log.inclusion_proof(seq, size))}


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/proof/consistency",
    permission=None,
    body=None,
    summary="一致性证明 / consistency proof (?from=&to=)",
)
async def consistency(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    first = _int_param(request, "from")
    second = _int_param(request, "to", service.log.size)
    # RFC 9162 defines no proof from the empty tree.
    if not 0 < first <= second <= service.log.size:
        raise invalid("need 0 < from ≤ to ≤ log size")
    return {
        "from": first,
        "to": second,
        "proof": _b64(service.log.consistency_proof(first, second)),
    }


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/ballots/{receipt}",
    permission=None,
    body=None,
    summary="按回执查找选票条目 / find a ballot entry by receipt",
)
async def ballot_by_receipt(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    seq = service.state.ballot_seq.get(_path(request, "receipt"))
    if seq is None:
        raise NotFound(
            "unknown-receipt", "未找到该回执（表决结束后才会公开）", "no such receipt yet"
        )
    return {"seq": seq, "entry": json.loads(service.log.entry(seq))}


@endpoint(
    "GET",
    "/api/meetings/{meeting}/log/entries",
    permission="log.read",
    body=None,
    summary="日志条目（JSON Lines）/ log entries as JSON Lines (?start=&end=)",
)
async def entries(request: Request, _: Principal | None, __: None) -> Any:
    service = runtime(request).congress.service(_path(request, "meeting"))
    start = _int_param(request, "start", 0)
    end = _int_param(request, "end", service.log.size)
    if not 0 <= start <= end <= service.log.size:
        raise invalid("need 0 ≤ start ≤ end ≤ log size")
    data = b"".join(e + b"\n" for e in service.log.entries(start, end))
    return Response(data, media_type="application/jsonl")


def routes() -> list[Route]:
    return [make_route(spec) for spec in ENDPOINTS]
