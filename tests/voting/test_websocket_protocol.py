"""The server's WebSocket protocol keeps reading a connection while its messages wait for the
application, and pauses only when READ_AHEAD of them do (uvicorn paused after every message);
the messages sent to a connection in one round of the event loop go out in one write; a client
is pinged only when it has sent nothing for the ping interval."""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.server import ServerState
from websockets.datastructures import Headers
from websockets.http11 import Request
from websockets.protocol import State

from voting.websocket_protocol import READ_AHEAD, SEND_NOW, HallWebSocketProtocol

#: The ping interval and timeout of these protocols (``congress serve``'s defaults).
PING_S = 3.0


class CountingTransport:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


async def _noop_app(scope: object, receive: object, send: object) -> None:
    return None


def protocol() -> tuple[HallWebSocketProtocol, CountingTransport]:
    config = uvicorn.Config(
        _noop_app, ws=HallWebSocketProtocol, ws_ping_interval=PING_S, ws_ping_timeout=PING_S
    )
    config.load()
    made = HallWebSocketProtocol(config, ServerState(), {}, asyncio.get_running_loop())
    transport = CountingTransport()
    made.transport = transport  # type: ignore[assignment]
    return made, transport


def arrive(made: HallWebSocketProtocol, text: str) -> None:
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


def opened() -> tuple[HallWebSocketProtocol, CountingTransport]:
    """A protocol whose handshake is done: its connection is open for data."""
    made, transport = protocol()
    made.conn.state = State.OPEN
    made.handshake_complete = True
    return made, transport


def frames_of(data: bytes) -> list[str]:
    """The text of each unmasked server frame in ``data`` (short frames only)."""
    texts = []
    while data:
        assert data[0] == 0x81 and data[1] < 126  # FIN, text; unmasked, length under 126
        length = data[1]
        texts.append(data[2 : 2 + length].decode())
        data = data[2 + length :]
    return texts


async def turns(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_messages_sent_in_one_round_go_out_in_one_write_in_order() -> None:
    made, transport = opened()
    await made.send({"type": "websocket.send", "text": '{"type":"you"}'})
    await made.send({"type": "websocket.send", "text": '{"type":"ack","seq":7}'})
    assert transport.written == []
    await turns(3)
    assert len(transport.written) == 1
    assert frames_of(transport.written[0]) == ['{"type":"you"}', '{"type":"ack","seq":7}']


async def test_a_message_sent_a_turn_later_joins_the_same_write() -> None:
    made, transport = opened()
    await made.send({"type": "websocket.send", "text": "you"})
    await turns(1)
    await made.send({"type": "websocket.send", "text": "ack"})
    await turns(3)
    assert [frames_of(data) for data in transport.written] == [["you", "ack"]]


async def test_a_close_writes_what_waits_before_the_close_frame() -> None:
    made, transport = opened()
    await made.send({"type": "websocket.send", "text": "refused"})
    await made.send({"type": "websocket.close", "code": 1008})
    assert frames_of(transport.written[0]) == ["refused"]
    assert transport.written[1][0] == 0x88  # the close frame, after the message
    await turns(3)
    assert len(transport.written) == 2
    assert made.close_timer is not None
    made.close_timer.cancel()


async def test_nothing_is_written_once_the_connection_is_closing() -> None:
    made, transport = opened()
    await made.send({"type": "websocket.send", "text": "late"})
    transport.closing = True
    await turns(3)
    assert transport.written == []


def pinged(written: list[bytes]) -> int:
    """How many ping frames (opcode 9) were written."""
    return sum(data[0] == 0x89 for data in written)


async def test_a_silent_connection_is_pinged_and_given_the_timeout_to_answer() -> None:
    made, transport = opened()
    made.send_keepalive_ping()
    assert pinged(transport.written) == 1 and len(transport.written) == 1
    assert made.pong_timer is not None and made.ping_timer is None
    assert made.pending_ping_payload is not None
    made.pong_timer.cancel()


async def test_a_connection_heard_from_within_the_interval_is_pinged_that_long_after() -> None:
    made, transport = opened()
    arrive(made, "a vote")
    heard = made.loop.time()
    made._heard_at = heard - 1.0  # the message arrived a second ago
    made.send_keepalive_ping()
    assert transport.written == []
    assert made.pong_timer is None and made.pending_ping_payload is None
    assert made.ping_timer is not None
    assert abs(made.ping_timer.when() - (heard + PING_S - 1.0)) < 0.05
    made._heard_at = made.loop.time() - PING_S  # silent for the whole interval since
    made.ping_timer.cancel()
    made.send_keepalive_ping()
    assert pinged(transport.written) == 1
    assert made.pong_timer is not None
    made.pong_timer.cancel()


async def test_a_message_arriving_is_noted_as_the_last_sign_of_life() -> None:
    made, _ = opened()
    before = made.loop.time()
    arrive(made, "sign_in")
    assert before <= made._heard_at <= made.loop.time()


async def test_a_message_sent_now_joins_the_waiting_write_in_order() -> None:
    made, transport = opened()
    assert made.send_text_now('{"type":"you"}') is True
    await made.send({"type": "websocket.send", "text": '{"type":"ack","seq":7}'})
    assert made.send_text_now('{"type":"state"}') is True
    assert transport.written == []
    await turns(3)
    assert [frames_of(data) for data in transport.written] == [
        ['{"type":"you"}', '{"type":"ack","seq":7}', '{"type":"state"}']
    ]


async def test_send_now_refuses_before_the_handshake_after_a_close_while_paused() -> None:
    made, transport = protocol()
    assert made.send_text_now("too early") is False
    made, transport = opened()
    made.pause_writing()  # the transport's buffer is full: the sender must wait
    assert made.send_text_now("wait") is False
    made.resume_writing()
    assert made.send_text_now("\ud800") is False  # not UTF-8: not sendable as text
    assert made.send_text_now("now") is True
    made.close_sent = True
    assert made.send_text_now("after the close") is False
    await turns(3)
    assert [frames_of(data) for data in transport.written] == [["now"]]


async def test_an_accepted_connection_offers_send_now_in_its_scope() -> None:
    made, _ = protocol()
    request = Request("/ws/meetings/m1/tablet", Headers(UPGRADE_HEADERS))
    made.handle_connect(request)
    extension = made.scope["extensions"][SEND_NOW]
    assert extension == {"send_text": made.send_text_now}
    for task in made.tasks:
        task.cancel()


UPGRADE_HEADERS = {
    "Host": "127.0.0.1",
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}
