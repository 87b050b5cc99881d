"""WebSocket endpoints: tablets, the chair console and the hall display.

A connection starts with ``hello``; then every client message is validated by a model in
:mod:`voting.protocol` and answered with ``ack``/``ballot_ack`` or ``error`` carrying the request's
``id``. Each connection may send :data:`RATE_PER_S` messages a second on average and
:data:`RATE_BURST` at once; more are answered with ``rate-limited``. A client that keeps sending
malformed, refused or rate-limited messages is closed with 1008 (policy violation). The message
types and their order are described in ``docs/protocol.md``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json
from starlette import status
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from voting import actions, protocol, views
from voting.actions import Duplicate
from voting.auth import authorise
from voting.errors import CommandError, TooManyAttempts
from voting.hub import Peer, encode
from voting.runtime import Runtime
from voting.service import MeetingService, ballot_hash
from voting.validation import validation_problem

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10.0
#: The largest client message, in bytes of UTF-8 (``congress serve`` sets uvicorn's frame limit to
#: the same size).
MAX_MESSAGE = 64 * 1024
#: Malformed, refused or rate-limited messages in a row before the connection is closed with 1008.
MAX_STRIKES = 20
#: Messages one connection may send: this many a second on average, and this many at once.
RATE_PER_S = 20.0
RATE_BURST = 40
#: The longest request ``id`` echoed in a reply (the protocol's limit).
MAX_ID = 64


class TokenBucket:
    """A rate limit: ``burst`` tokens at most, refilled at ``rate`` a second; a message takes one."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        """Take a token at time ``now`` (seconds, monotonic); False if none is left."""
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def _error(error: CommandError, ref: str | None) -> dict[str, Any]:
    return {"type": "error", "id": ref, **error.to_json()}


def _invalid(problem: str) -> CommandError:
    return CommandError(
        "invalid-message", f"消息格式错误：{problem}", f"invalid message: {problem}"
    )


def _rate_limited() -> CommandError:
    return TooManyAttempts(
        "rate-limited",
        "消息过于频繁，请稍后再发",
        f"more than {RATE_PER_S:g} messages a second; slow down",
    )


def _validation_problem(error: ValidationError) -> str:
    return validation_problem(error)


async def _receive(websocket: WebSocket) -> str:
    """The next text frame; binary frames and oversized messages are refused."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise _invalid("binary frames are not accepted")
    # Characters first: no need to encode a huge text to know it is too large.
    if len(text) > MAX_MESSAGE:
        raise _invalid("message too large")
    try:
        size = len(text.encode())
    except UnicodeEncodeError:  # lone surrogates: only an in-process client can send them
        raise _invalid("not UTF-8") from None
    if size > MAX_MESSAGE:
        raise _invalid("message too large")
    return str(text)


async def _hello(websocket: WebSocket, model: type[BaseModel]) -> Any:
    try:
        text = await asyncio.wait_for(_receive(websocket), HELLO_TIMEOUT_S)
        return model.model_validate_json(text)
    except (TimeoutError, ValidationError, CommandError) as error:
        problem = "hello expected" if isinstance(error, TimeoutError) else str(error)[:200]
        with contextlib.suppress(Exception):
            await websocket.send_text(encode(_error(_invalid(problem), None)))
            await websocket.close(status.WS_1008_POLICY_VIOLATION)
        return None


def _runtime(websocket: WebSocket) -> Runtime:
    found: Runtime = websocket.app.state.runtime
    return found


async def _refuse(websocket: WebSocket, error: CommandError) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(encode(_error(error, None)))
        await websocket.close(status.WS_1008_POLICY_VIOLATION)


# Tablets ---------------------------------------------------------------------------------------


async def tablet_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    rt = _runtime(websocket)
    meeting = websocket.path_params["meeting"]
    hello = await _hello(websocket, protocol.TabletHello)
    if hello is None:
        return
    try:
        service = rt.congress.service(meeting)
    except CommandError as error:
        await _refuse(websocket, error)
        return
    device = service.state.devices.get(hello.device)
    if device is None or not device.active:
        await _refuse(
            websocket,
            CommandError("unknown-device", "设备未配对或已注销", "this device is not paired"),
        )
        return
    peer = Peer("tablet", websocket.send_text, websocket.close, hello.device, device.deputy)
    rt.hub.add(meeting, peer)
    rt.hub.send(peer, rt.live.welcome_tablet(service, peer))
    rt.live.schedule_watchers(service)
    strikes = 0
    bucket = TokenBucket(RATE_PER_S, RATE_BURST, rt.monotonic())
    try:
        while True:
            ref = None
            try:
                text = await _receive(websocket)
                rt.hub.seen(meeting, hello.device)
                try:
                    # pydantic's parser refuses lone surrogates and nesting deeper than 200.
                    raw = from_json(text)
                except ValueError:
                    raise _invalid("not JSON") from None
                ref = raw.get("id") if isinstance(raw, dict) else None
                if not bucket.take(rt.monotonic()):
                    raise _rate_limited()
                try:
                    message = protocol.TABLET_MESSAGE.validate_python(raw)
                except ValidationError as error:
                    raise _invalid(_validation_problem(error)) from None
                reply = await _tablet_command(rt, service, peer, message)
                strikes = 0
            except CommandError as error:
                strikes += 1
                echo = ref if isinstance(ref, str) and len(ref) <= MAX_ID else None
                reply = _error(error, echo)
                if strikes >= MAX_STRIKES:
                    rt.hub.send(peer, reply)
                    await asyncio.sleep(0)
                    await websocket.close(status.WS_1008_POLICY_VIOLATION)
                    return
            rt.hub.send(peer, reply)
    except WebSocketDisconnect:
        pass
    finally:
        await rt.hub.remove(meeting, peer)
        rt.live.schedule_watchers(service)


async def _tablet_command(
    rt: Runtime, service: MeetingService, peer: Peer, message: Any
) -> dict[str, Any]:
    if isinstance(message, protocol.Ping):
        return {"type": "pong", "id": message.id, "seq": service.state.size}
    if isinstance(message, protocol.ReplaceMessage):
        ballot = message.ballot.model_dump()
        await service.replace_ballot(
            poll=ballot["poll"],
            receipt=ballot["receipt"],
            token=message.replace_token,
            choice=ballot["choice"],
        )
        return _ballot_ack(service, message.id, ballot)
    body, sig = message.body, message.sig
    await rt.signatures.check_ahead(service.state, body, sig)
    if isinstance(message, protocol.BallotMessage):
        ballot = message.ballot.model_dump()
        token = message.replace_token_hash
        try:
            written = await service.submit(
                lambda state: actions.cast_secret(
                    state, body=body, sig=sig, ballot=ballot, token_hash=token
                )
            )
        except Duplicate:
            if service.sealed_choice(ballot["poll"], ballot["receipt"]) != ballot["choice"]:
                raise CommandError(
                    "replayed-message", "重复提交的选票与原选票不符", "re-sent ballot differs"
                ) from None
            return _ballot_ack(service, message.id, ballot, duplicate=True)
        return _ballot_ack(service, message.id, ballot, seq=written.entries[0]["seq"])
    decide = actions.sign_in_by_tablet if message.type == "sign_in" else actions.cast_named
    try:
        written = await service.submit(lambda state: decide(state, body=body, sig=sig))
    except Duplicate:
        return {"type": "ack", "id": message.id, "duplicate": True}
    return {"type": "ack", "id": message.id, "seq": written.entries[0]["seq"]}


def _ballot_ack(
    service: MeetingService,
    ref: str | None,
    ballot: dict[str, Any],
    *,
    seq: int | None = None,
    duplicate: bool = False,
) -> dict[str, Any]:
    """The signed promise: the log key's signature over SHA-256 of the ballot's bytes."""
    digest = ballot_hash(ballot)
    reply: dict[str, Any] = {
        "type": "ballot_ack",
        "id": ref,
        "poll": ballot["poll"],
        "receipt": ballot["receipt"],
        "ballot_hash": base64.b64encode(digest).decode(),
        "signature": service.acknowledge(digest),
        "log_key": service.log.vkey,
    }
    if seq is not None:
        reply["seq"] = seq
    if duplicate:
        reply["duplicate"] = True
    return reply


# Chair console and hall display ----------------------------------------------------------------


async def watcher_socket(websocket: WebSocket) -> None:
    """The chair console (accounts) or the hall display (display token): read-only live views."""
    await websocket.accept()
    rt = _runtime(websocket)
    meeting = websocket.path_params["meeting"]
    hello = await _hello(websocket, protocol.ConsoleHello)
    if hello is None:
        return
    try:
        principal = rt.congress.authenticate(hello.token)
        authorise(principal, "meeting.read")
        service = rt.congress.service(meeting)
    except CommandError as error:
        await _refuse(websocket, error)
        return
    channel = "display" if principal.role in {"display", "auditor"} else "console"
    peer = Peer(channel, websocket.send_text, websocket.close)
    rt.hub.add(meeting, peer)
    online = rt.hub.online_devices(meeting)
    view = (
        views.console_view(service.state, online)
        if channel == "console"
        else views.public_view(service.state)
    )
    rt.hub.send(peer, {"type": "welcome", "role": principal.role, "state": view})
    strikes = 0
    bucket = TokenBucket(RATE_PER_S, RATE_BURST, rt.monotonic())
    try:
        while True:
            try:
                text = await _receive(websocket)
                if not bucket.take(rt.monotonic()):
                    raise _rate_limited()
                ping = protocol.Ping.model_validate_json(text)
                rt.hub.send(peer, {"type": "pong", "id": ping.id, "seq": service.state.size})
                strikes = 0
            except (ValidationError, CommandError) as error:
                strikes += 1
                refusal = (
                    error
                    if isinstance(error, TooManyAttempts)
                    else _invalid("only ping is accepted on this channel")
                )
                rt.hub.send(peer, _error(refusal, None))
                if strikes >= MAX_STRIKES:
                    await websocket.close(status.WS_1008_POLICY_VIOLATION)
                    return
    except WebSocketDisconnect:
        pass
    finally:
        await rt.hub.remove(meeting, peer)


def routes() -> list[WebSocketRoute]:
    return [
        WebSocketRoute("/ws/meetings/{meeting}/tablet", tablet_socket),
        WebSocketRoute("/ws/meetings/{meeting}/watch", watcher_socket),
    ]
