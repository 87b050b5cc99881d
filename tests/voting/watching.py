"""Test helpers for pushed WebSocket messages: read with a deadline, keep what was received.

Pushes to the chair console and the hall display are coalesced on a timer, so a test waits for
the state it expects instead of counting messages; the deadline turns a missing push into a
failure rather than a hung test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import anyio
from starlette.testclient import TestClient, WebSocketTestSession

from tests.voting.sitting import MEETING, TabletSession

DEADLINE_S = 5.0

Message = dict[str, Any]


def receive_within(ws: WebSocketTestSession, seconds: float = DEADLINE_S) -> Message:
    """The next ASGI message the server sent on ``ws``; TimeoutError after ``seconds``."""

    async def receive() -> Message:
        with anyio.fail_after(seconds):
            message: Message = await ws._send_rx.receive()
            return message

    return ws.portal.call(receive)


class Receiver:
    """Everything received on one socket, as sent (``texts``) and decoded (``messages``)."""

    def __init__(self, ws: WebSocketTestSession) -> None:
        self.ws = ws
        self.texts: list[str] = []
        self.messages: list[Message] = []

    def next(self) -> Message:
        raw = receive_within(self.ws)
        if raw["type"] == "websocket.close":
            return {"type": "closed", "code": raw.get("code")}
        text: str = raw["text"]
        self.texts.append(text)
        message: Message = json.loads(text)
        self.messages.append(message)
        return message

    def until(self, wanted: Callable[[Message], bool], *, limit: int = 200) -> Message:
        """Read until a message satisfies ``wanted``; fail after ``limit`` others."""
        for _ in range(limit):
            message = self.next()
            if wanted(message):
                return message
            assert message["type"] != "closed", message
        raise AssertionError(f"no wanted message among {limit}: last {self.messages[-1:]}")


class Watcher(Receiver):
    """A chair console or hall display on ``/ws/meetings/{meeting}/watch``."""

    def __init__(self, client: TestClient, token: str, meeting: str = MEETING) -> None:
        self._cm: AbstractContextManager[WebSocketTestSession] = client.websocket_connect(
            f"/ws/meetings/{meeting}/watch"
        )
        super().__init__(self._cm.__enter__())
        self.ws.send_json({"type": "hello", "token": token})
        self.welcome = self.next()

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


def tablet_push(session: TabletSession, wanted: Callable[[Message], bool]) -> Message:
    """The first message pushed to a tablet (kept from its requests, or read now) that
    satisfies ``wanted``."""
    for index, message in enumerate(session.pushed):
        if wanted(message):
            del session.pushed[: index + 1]
            return message
    session.pushed.clear()
    receiver = Receiver(session.ws)
    return receiver.until(wanted)


def is_state(wanted: Callable[[Message], bool]) -> Callable[[Message], bool]:
    """A predicate on the ``state`` of a ``state`` push."""
    return lambda message: message["type"] == "state" and wanted(message["state"])


def poll_is(status: str) -> Callable[[Message], bool]:
    """A ``state`` push whose current poll has ``status``."""
    return is_state(lambda state: state["poll"] is not None and state["poll"]["status"] == status)
