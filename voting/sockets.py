"""WebSocket endpoints: tablets, the chair console and the hall display.

Every upgrade is checked for its ``Origin`` first: a browser page of another site may not open
a socket here (a cross-origin upgrade is refused before it is accepted); a page of this server,
or a client that sends no ``Origin`` (simulators, tools), may. A tablet connection then gets a
``challenge`` with a fresh nonce and must answer with a signed ``hello``; a watcher sends
``hello`` with its token. Afterwards the tablet's messages go through
:func:`voting.inbound.handle` and the reply is sent back; watchers may only ``ping``.

Each connection may send ``settings.rate_per_s`` messages a second on average and
``settings.rate_burst`` at once; more are answered with ``rate-limited``. A client that keeps
sending malformed, refused or rate-limited messages is closed with 1008. The close codes are
:class:`devices.hub.CloseCode`; the messages and their order are in ``docs/protocol.md``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from devices.hub import CloseCode, Peer, encode
from voting import inbound, protocol
from voting.auth import authorise
from voting.core import views
from voting.core.devices import authenticate_hello
from voting.errors import CommandError, TooManyAttempts, invalid_message
from voting.runtime import Runtime
from voting.settings import Settings
from voting.validation import validation_problem
from voting.websocket_protocol import SEND_NOW

log = logging.getLogger(__name__)

#: The largest client message, in bytes of UTF-8 (``congress serve`` sets uvicorn's frame limit to
#: the same size).
MAX_MESSAGE = 64 * 1024
#: The longest request ``id`` echoed in a reply (the protocol's limit).
MAX_ID = 64
#: Random bytes in a hello challenge's nonce.
NONCE_BYTES = 32


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


def _rate_limited(settings: Settings) -> CommandError:
    return TooManyAttempts(
        "rate-limited",
        "消息过于频繁，请稍后再发",
        f"more than {settings.rate_per_s:g} messages a second; slow down",
    )


def same_origin(websocket: WebSocket) -> bool:
    """Whether the upgrade may proceed: no ``Origin`` header (not a browser), an ``Origin``
    whose host and port are those the client addressed (``Host``), or the origin of the peer
    server of a primary/standby pair (a tablet page loaded from it whose socket moved here)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    host = websocket.headers.get("host", "")
    netloc = urlsplit(origin).netloc.lower()
    peer = getattr(websocket.app.state, "peer_url", None) if "app" in websocket.scope else None
    return (netloc == host.lower() and bool(host)) or (peer is not None and origin == peer)


def new_nonce() -> str:
    """base64url (no padding) of 32 random bytes: the nonce a tablet signs in its hello."""
    return base64.urlsafe_b64encode(secrets.token_bytes(NONCE_BYTES)).rstrip(b"=").decode()


async def _receive(websocket: WebSocket) -> str:
    """The next text frame; binary frames and oversized messages are refused."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise invalid_message("binary frames are not accepted")
    # Characters first: no need to encode a huge text to know it is too large.
    if len(text) > MAX_MESSAGE:
        raise invalid_message("message too large")
    try:
        size = len(text.encode())
    except UnicodeEncodeError:  # lone surrogates: only an in-process client can send them
        raise invalid_message("not UTF-8") from None
    if size > MAX_MESSAGE:
        raise invalid_message("message too large")
    return str(text)


async def _hello(websocket: WebSocket, model: type[BaseModel], timeout: float) -> Any:
    try:
        text = await asyncio.wait_for(_receive(websocket), timeout)
        return model.model_validate_json(text)
    except WebSocketDisconnect:  # gone before its hello: nothing to answer
        return None
    except (TimeoutError, ValidationError, CommandError) as error:
        if isinstance(error, TimeoutError):
            problem = "hello expected"
        elif isinstance(error, ValidationError):
            problem = validation_problem(error)[:200]
        else:
            problem = str(error)[:200]
        await _refuse(websocket, invalid_message(problem))
        return None


def send_now(websocket: WebSocket) -> Callable[[str], bool] | None:
    """The connection's synchronous ``send_text`` (:data:`voting.websocket_protocol.SEND_NOW`),
    when the server's protocol offers one (``congress serve``'s does; a test client's does not)."""
    extension = websocket.scope.get("extensions", {}).get(SEND_NOW)
    return None if extension is None else extension["send_text"]


def _runtime(websocket: WebSocket) -> Runtime:
    found: Runtime = websocket.app.state.runtime
    return found


async def _refuse(websocket: WebSocket, error: CommandError) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_text(encode(_error(error, None)))
        await websocket.close(CloseCode.POLICY_VIOLATION)


async def _upgrade(websocket: WebSocket) -> bool:
    """Accept the upgrade if :func:`same_origin`; else refuse it (HTTP 403, nothing accepted)."""
    if not same_origin(websocket):
        log.warning("refused a WebSocket from origin %s", websocket.headers.get("origin"))
        await websocket.close(CloseCode.POLICY_VIOLATION)
        return False
    await websocket.accept()
    return True


# Tablets ---------------------------------------------------------------------------------------


async def tablet_socket(websocket: WebSocket) -> None:
    if not await _upgrade(websocket):
        return
    rt = _runtime(websocket)
    settings = rt.settings
    meeting = websocket.path_params["meeting"]
    nonce = new_nonce()
    await websocket.send_text(encode({"type": "challenge", "nonce": nonce}))
    hello = await _hello(websocket, protocol.TabletHello, settings.hello_timeout_s)
    if hello is None:
        return
    try:
        # Loading a meeting reads the database: not on the event loop.
        service = await asyncio.to_thread(rt.congress.service, meeting)
        device = authenticate_hello(service.state, device=hello.device, nonce=nonce, sig=hello.sig)
    except CommandError as error:
        await _refuse(websocket, error)
        return
    link = inbound.TabletLink(service, device, rt.signatures)
    peer = Peer("tablet", websocket.send_text, websocket.close, device.id, device.deputy)
    peer.send_now = send_now(websocket)
    rt.hub.add(meeting, peer)
    rt.hub.send(peer, rt.live.welcome_tablet(service, peer))
    rt.live.schedule_watchers(service)
    strikes = 0
    bucket = TokenBucket(settings.rate_per_s, settings.rate_burst, rt.monotonic())
    try:
        while True:
            ref = None
            try:
                text = await _receive(websocket)
                rt.hub.seen(meeting, device.id)
                try:
                    # pydantic's parser refuses lone surrogates and nesting deeper than 200.
                    raw = from_json(text)
                except ValueError:
                    raise invalid_message("not JSON") from None
                ref = raw.get("id") if isinstance(raw, dict) else None
                if not bucket.take(rt.monotonic()):
                    raise _rate_limited(settings)
                reply = await inbound.handle(link, raw)
                strikes = 0
            except CommandError as error:
                strikes += 1
                echo = ref if isinstance(ref, str) and len(ref) <= MAX_ID else None
                reply = _error(error, echo)
                if strikes >= settings.max_strikes:
                    rt.hub.send(peer, reply)
                    await asyncio.sleep(0)
                    await websocket.close(CloseCode.POLICY_VIOLATION)
                    return
            rt.hub.send(peer, reply)
    except WebSocketDisconnect:
        pass
    finally:
        await rt.hub.remove(meeting, peer)
        rt.live.schedule_watchers(service)


# Chair console and hall display ----------------------------------------------------------------


async def watcher_socket(websocket: WebSocket) -> None:
    """The chair console (accounts) or the hall display (display token): read-only live views."""
    if not await _upgrade(websocket):
        return
    rt = _runtime(websocket)
    settings = rt.settings
    meeting = websocket.path_params["meeting"]
    hello = await _hello(websocket, protocol.ConsoleHello, settings.hello_timeout_s)
    if hello is None:
        return
    try:
        principal = await asyncio.to_thread(rt.congress.authenticate, hello.token)
        authorise(principal, "meeting.read")
        await asyncio.to_thread(rt.congress.check_scope, principal, meeting)
        service = await asyncio.to_thread(rt.congress.service, meeting)
    except CommandError as error:
        await _refuse(websocket, error)
        return
    channel = "display" if principal.role in {"display", "auditor"} else "console"
    peer = Peer(channel, websocket.send_text, websocket.close)
    peer.send_now = send_now(websocket)
    rt.hub.add(meeting, peer)
    online = rt.hub.online_devices(meeting)
    view = (
        views.console_view(service.state, online)
        if channel == "console"
        else views.public_view(service.state)
    )
    rt.hub.send(peer, {"type": "welcome", "role": principal.role, "state": view})
    strikes = 0
    bucket = TokenBucket(settings.rate_per_s, settings.rate_burst, rt.monotonic())
    try:
        while True:
            ref = None
            try:
                text = await _receive(websocket)
                ref = _request_id(text)
                if not bucket.take(rt.monotonic()):
                    raise _rate_limited(settings)
                ping = protocol.Ping.model_validate_json(text)
                rt.hub.send(peer, {"type": "pong", "id": ping.id, "seq": service.state.size})
                strikes = 0
            except (ValidationError, CommandError) as error:
                strikes += 1
                refusal = (
                    error
                    if isinstance(error, TooManyAttempts)
                    else invalid_message("only ping is accepted on this channel")
                )
                rt.hub.send(peer, _error(refusal, ref))
                if strikes >= settings.max_strikes:
                    await websocket.close(CloseCode.POLICY_VIOLATION)
                    return
    except WebSocketDisconnect:
        pass
    finally:
        await rt.hub.remove(meeting, peer)


def _request_id(text: str) -> str | None:
    """The ``id`` of a request, echoed in its error reply (when it is a short string)."""
    try:
        raw = from_json(text)
    except ValueError:
        return None
    ref = raw.get("id") if isinstance(raw, dict) else None
    return ref if isinstance(ref, str) and len(ref) <= MAX_ID else None


def routes() -> list[WebSocketRoute]:
    return [
        WebSocketRoute("/ws/meetings/{meeting}/tablet", tablet_socket),
        WebSocketRoute("/ws/meetings/{meeting}/watch", watcher_socket),
    ]
