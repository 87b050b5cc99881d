"""A meeting server on a standby database: it waits, refuses everyone, and serves once promoted.

In the two-machine set-up (``docs/operations.md`` §14) the second server runs against a
PostgreSQL hot standby, a read-only replica that ``pg_is_in_recovery()``. Such a server must not
write (it cannot: creating tables fails on a replica) and must not serve a view that may be
behind. :func:`database_in_recovery` tells ``congress serve`` whether its database is such a
replica; if so it serves a :class:`StandbyGate` instead of the application:

- every HTTP request, ``/healthz`` included, is answered ``503`` with the error ``standby``
  (「备用服务器待命中」) and ``Retry-After: 1``;
- every WebSocket is accepted, sent that error and closed with 1013 (try again later), so that a
  tablet moves on to the other address of its pairing instead of giving up;
- every :data:`POLL_S` seconds it asks the database again. Once the operator has promoted the
  standby (``congress promote``, ``pg_ctl promote`` or ``SELECT pg_promote()``), the gate builds
  the application (which creates nothing that replication did not bring), loads every open
  meeting from the replicated log and from then on hands every request to it. If that fails,
  the server says why and stops.

Promotion is never automatic: the gate only notices it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)

#: Seconds between two questions to the database while it is in recovery.
POLL_S = 0.2
#: The error of every request refused while waiting.
STANDBY_ERROR = {
    "error": "standby",
    "message": "备用服务器待命中",
    "message_en": "standby server: its database is a read-only replica until it is promoted",
}
#: WebSocket close code while waiting: 1013, try again later (elsewhere).
STANDBY_CLOSE = 1013


def database_in_recovery(database_url: str) -> bool:
    """Whether ``database_url`` names a PostgreSQL server in recovery (a hot standby). Other
    databases never are. Raises the driver's error if the server cannot be reached."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return False
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one())
    finally:
        engine.dispose()


class StandbyGate:
    """An ASGI application that refuses every request until ``in_recovery()`` turns false, then
    builds the real application with ``build()``, starts it (its lifespan) and passes every
    request to it. ``promoted`` is set once the application serves."""

    def __init__(
        self,
        build: Callable[[], Starlette],
        in_recovery: Callable[[], bool],
        *,
        poll_s: float = POLL_S,
        prepare: Callable[[], Awaitable[None]] | None = None,
        release: Callable[[], Awaitable[None]] | None = None,
        on_failure: Callable[[Exception], None] = lambda _: _stop_this_process(),
    ) -> None:
        self.build = build
        self.in_recovery = in_recovery
        self.poll_s = poll_s
        #: Work done while waiting, so that serving starts sooner (the signature workers), and
        #: its undoing if the server stops before the promotion.
        self.prepare = prepare
        self.release = release
        #: Called if the application cannot be built after the promotion (``congress serve``
        #: then stops, as it does when it cannot start on a primary).
        self.on_failure = on_failure
        self.app: Starlette | None = None
        self.promoted = asyncio.Event()
        self._stopping = asyncio.Event()
        self._waiter: asyncio.Task[None] | None = None
        self._unreachable = False  # the last question to the database failed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await _refuse_http(send)
        elif scope["type"] == "websocket":
            await _refuse_websocket(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._waiter = asyncio.get_running_loop().create_task(self._wait_and_serve())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def stop(self) -> None:
        """Stop waiting, or stop the application (its lifespan's shutdown)."""
        self._stopping.set()
        if self._waiter is not None:
            if not self.promoted.is_set():
                self._waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waiter
        if not self.promoted.is_set() and self.release is not None:
            await self.release()

    async def _wait_and_serve(self) -> None:
        if self.prepare is not None:
            await self.prepare()
        while not await self._promoted():
            await asyncio.sleep(self.poll_s)
        noticed = time.monotonic()
        try:
            app = await asyncio.to_thread(self.build)
        except Exception as error:
            log.exception("the promoted database could not be served")
            print(
                f"数据库已提升，但服务器无法启动：{error}"
                f" The database was promoted but the server cannot start: {error}",
                file=sys.stderr,
                flush=True,
            )
            self.on_failure(error)
            return
        async with app.router.lifespan_context(app):
            self.app = app
            self.promoted.set()
            took = time.monotonic() - noticed
            print(
                f"数据库已提升为主库，开始服务（加载用时 {took:.2f} 秒）。"
                f" The database was promoted: serving (loaded in {took:.2f} s).",
                flush=True,
            )
            await self._stopping.wait()

    async def _promoted(self) -> bool:
        try:
            promoted = not await asyncio.to_thread(self.in_recovery)
        except Exception as error:  # unreachable for a moment: ask again, say so once
            if not self._unreachable:
                log.warning("cannot ask the standby database whether it was promoted: %s", error)
            self._unreachable = True
            return False
        self._unreachable = False
        return promoted


def _stop_this_process() -> None:
    """Ask the server to shut down (SIGTERM, which uvicorn handles)."""
    os.kill(os.getpid(), signal.SIGTERM)


async def _refuse_http(send: Send) -> None:
    body = json.dumps(STANDBY_ERROR, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"1"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _refuse_websocket(receive: Receive, send: Send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    error = {"type": "error", "id": None, **STANDBY_ERROR}
    await send({"type": "websocket.send", "text": json.dumps(error, ensure_ascii=False)})
    await send({"type": "websocket.close", "code": STANDBY_CLOSE})
