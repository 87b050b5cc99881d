"""The server's WebSocket protocol keeps reading a connection while its messages wait for the
application, and pauses only when READ_AHEAD of them do (uvicorn paused after every message)."""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.server import ServerState

from voting.transport import READ_AHEAD, SteadyWebSocketProtocol


class CountingTransport:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


async def _noop_app(scope: object, receive: object, send: object) -> None:
    return None


def protocol() -> tuple[SteadyWebSocketProtocol, CountingTransport]:
    config = uvicorn.Config(_noop_app, ws=SteadyWebSocketProtocol)
    config.load()
    made = SteadyWebSocketProtocol(config, ServerState(), {}, asyncio.get_running_loop())
    transport = CountingTransport()
    made.transport = transport  # type: ignore[assignment]
    return made, transport


def arrive(made: SteadyWebSocketProtocol, text: str) -> None:
    """A whole text message parsed from the socket, as uvicorn hands it on."""
    made.curr_msg_data_type = "text"
    made.frames = [text.encode()]
    made.send_receive_event_to_app()


async def test_one_message_at_a_time_never_pauses_reading() -> None:
    made, transport = protocol()
    for n in range(50):
        arrive(made, f"m{n}")
        assert await made.receive() == {"type": "websocket.receive", "text": f"m{n}"}
    assert transport.calls == []
    assert made.read_paused is False


async def test_reading_pauses_at_read_ahead_and_resumes_when_all_are_taken() -> None:
    made, transport = protocol()
    for n in range(READ_AHEAD - 1):
        arrive(made, f"m{n}")
    assert transport.calls == []
    arrive(made, "last")
    assert transport.calls == ["pause"] and made.read_paused is True
    arrive(made, "one more, already read from the socket")  # no second pause
    assert transport.calls == ["pause"]
    taken = [await made.receive() for _ in range(READ_AHEAD)]
    assert [m["text"] for m in taken] == [  # type: ignore[typeddict-item]
        *(f"m{n}" for n in range(READ_AHEAD - 1)),
        "last",
    ]
    assert transport.calls == ["pause"]
    await made.receive()
    assert transport.calls == ["pause", "resume"] and made.read_paused is False
