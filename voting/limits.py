"""Request bodies are limited before they are read: an ASGI middleware.

The API reads a request body whole before it parses it, so without a limit in front of it one
POST of 400 MiB to ``/api/login`` (no login needed) made the server hold 400 MiB.
:class:`BodyLimit` answers ``413`` with the API's error shape, and closes the connection:

* as soon as the request announces a ``Content-Length`` above the limit, before any of the body
  is read;
* as soon as a streamed body (chunked, or longer than it announced) passes the limit, having
  read at most the limit plus one chunk.

WebSocket and lifespan traffic passes through untouched (WebSocket messages have their own
limit, :data:`voting.sockets.MAX_MESSAGE`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The largest request body the server reads: 1 MiB, as the API has always allowed.
MAX_BODY = 1024 * 1024
#: The stable error code of the answer.
ERROR_CODE = "body-too-large"


class BodyTooLarge(Exception):
    """Raised into the application when a streamed body passes the limit."""


def too_large_body(limit: int) -> bytes:
    """The JSON of the 413 answer: the API's error shape, in Chinese and English."""
    document = {
        "error": ERROR_CODE,
        "message": f"请求体过大（上限 {limit} 字节）",
        "message_en": f"request body too large (limit {limit} bytes)",
    }
    return json.dumps(document, ensure_ascii=False).encode()


def declared_length(scope: Scope) -> int | None:
    """The request's ``Content-Length``, or None when it has none or it is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """ASGI middleware: HTTP request bodies of at most ``limit`` bytes reach ``app``."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(scope)
        if length is not None and length > self.limit:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(f"request body passed {self.limit} bytes")
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:  # the application answered before reading on; nothing to add
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = too_large_body(self.limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
