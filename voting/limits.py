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
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The largest request body the server reads: 1 MiB, as the API has always allowed.
MAX_BODY = 1024 * 1024
#: The largest body of a station's write-in mix post (a shuffle, or write-in decryption
#: shares): both grow with the ballots counted, about 2.4 MB for 3,000 ballots with three
#: write-in slots, so these two paths alone allow 16 MiB.
MAX_MIX_BODY = 16 * 1024 * 1024
#: The paths of the write-in mix posts.
MIX_POSTS = re.compile(r"^/api/meetings/[^/]+/polls/[^/]+/(shuffles|write-in-shares)$")
#: Document uploads: their endpoint limits them itself, by the installation's
#: ``max_document_bytes`` and with its own error code (``document-too-large``).
DOCUMENT_UPLOADS = re.compile(r"^/api/meetings/[^/]+/items/[^/]+/documents$")
#: The stable error code of the answer.
ERROR_CODE = "body-too-large"


def body_limit(path: str, limit: int = MAX_BODY) -> int:
    """The body limit of a request path: ``limit``, or :data:`MAX_MIX_BODY` for the mix posts."""
    return max(limit, MAX_MIX_BODY) if MIX_POSTS.match(path) else limit


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
        if scope["type"] != "http" or DOCUMENT_UPLOADS.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""), self.limit)
        length = declared_length(scope)
        if length is not None and length > limit:
            await self._refuse(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(f"request body passed {limit} bytes")
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
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = too_large_body(limit)
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
