"""The station's own page: a small web application on 127.0.0.1, served by the station itself.

Every path is under ``/{secret}/``, a random secret drawn per run and printed with the address,
so that another user of the laptop cannot drive the station; any other path is refused with
403. Nothing is fetched from the meeting server: the page, its script and styles are the
package's own files (``devices/scrutineer/static/``; the language core ``i18n.js`` is the
project's shared one, passed in as ``i18n_file``), under ``Content-Security-Policy:
default-src 'self'``. Routes, relative to ``/{secret}/``::

    GET  ""                 the page (station.html)
    GET  static/{file}      its script, words and styles
    GET  common/i18n.js     the shared language core
    GET  api/state          what the page shows (:meth:`PageView.to_json`)
    POST api/decide         {"poll": …, "confirm": true|false}: the person's answer to an offer
    POST api/card-copied    the backup card was copied or printed: stop showing it

``/favicon.ico`` (asked for by browsers) gets an empty 204.

:class:`PageServer` runs uvicorn in a thread beside the station's synchronous loop.
"""

from __future__ import annotations

import hmac
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devices.scrutineer.page_view import PageView

__all__ = ["HEADERS", "STATIC_DIR", "PageServer", "create_page_app"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

#: The page loads only its own files and talks only to the station.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _with_headers(send: Send) -> Send:
    """``send`` adding :data:`HEADERS` to every response (the files' included)."""
    extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name for name, _ in extra}
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": [*kept, *extra]}
        await send(message)

    return sending


def _refusal(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": zh, "message_en": en}, status_code=status)


class SecretPath:
    """Pass requests under ``/{secret}/`` on to ``app`` (as its root path); 403 otherwise."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app, self.prefix = app, f"/{secret}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no WebSocket, no lifespan: nothing else is served
        path: str = scope["path"]
        send = _with_headers(send)
        if path == "/favicon.ico":  # the browser asks for it by itself: there is none
            await Response(status_code=204)(scope, receive, send)
            return
        head, slash, _ = path[1:].partition("/")
        known = hmac.compare_digest(f"/{head}".encode(), self.prefix.encode())
        if known and not slash:  # the address typed without its final slash
            await RedirectResponse(f"{self.prefix}/")(scope, receive, send)
            return
        if not known:
            response = _refusal(
                403,
                "wrong-secret",
                "地址不对：请使用监票终端打印的完整地址",
                "wrong address: use the full address the station printed",
            )
            await response(scope, receive, send)
            return
        # Starlette routes the path after root_path: the page's routes see "/", "/api/state"…
        await self.app(dict(scope, root_path=self.prefix), receive, send)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def create_page_app(view: PageView, secret: str, *, i18n_file: Path) -> ASGIApp:
    """The page's application over ``view``, reachable under ``/{secret}/`` only."""

    async def page(_: Request) -> Response:
        return FileResponse(STATIC_DIR / "station.html", media_type="text/html; charset=utf-8")

    async def i18n(_: Request) -> Response:
        return FileResponse(i18n_file, media_type="text/javascript")

    async def state(_: Request) -> Response:
        return JSONResponse(view.to_json())

    async def decide(request: Request) -> Response:
        body = await _json_body(request)
        poll, confirm = body.get("poll"), body.get("confirm")
        if not isinstance(poll, str) or not isinstance(confirm, bool):
            return _refusal(
                400,
                "bad-decision",
                "应为 {poll: 表决编号, confirm: true 或 false}",
                "expected {poll: a poll id, confirm: true or false}",
            )
        if not view.answer(poll, confirm):
            return _refusal(
                409,
                "no-offer",
                f"表决 {poll} 没有等待确认的解密",
                f"no decryption of poll {poll} waits for an answer",
            )
        return JSONResponse({"poll": poll, "confirm": confirm})

    async def card_copied(_: Request) -> Response:
        view.card_copied()
        return JSONResponse({"card": None})

    inner = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/common/i18n.js", i18n, methods=["GET"]),
            Route("/api/state", state, methods=["GET"]),
            Route("/api/decide", decide, methods=["POST"]),
            Route("/api/card-copied", card_copied, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="station-static"),
        ]
    )
    return SecretPath(inner, secret)


class PageServer:
    """uvicorn serving ``app`` on 127.0.0.1:``port`` (0: a free port) in a daemon thread."""

    def __init__(self, app: ASGIApp, *, port: int = 0) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.socket.listen(16)
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self, *, timeout: float = 10) -> None:
        """Start serving; returns once uvicorn listens."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise OSError(f"the station's page did not start on 127.0.0.1:{self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
