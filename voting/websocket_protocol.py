"""uvicorn's WebSocket protocol (websockets, sans-I/O) with four changes for a hall of tablets.

* **Steady reading.** uvicorn pauses reading a connection after every message and resumes it
  when the application has taken it: two system calls (epoll) per message, some 8 % of the
  server's time in a burst of ballots. Here reading pauses only when :data:`READ_AHEAD`
  messages of the connection wait for the application; a tablet sends one message and waits
  for its answer, and a client that floods is still held to :data:`READ_AHEAD` messages in
  memory (and to the rate limit of :mod:`voting.sockets`). Reading resumes, as in uvicorn, when
  the application has taken every waiting message.
* **One write per round.** The messages sent to one connection within the same round of the
  event loop go to its socket in one write: a ballot's answer and the deputy's own view
  (``you``), queued one after the other, cost one system call instead of two. The frames are
  written two turns of the loop later, in the order they were sent; anything else uvicorn sends
  (a close, the handshake) first writes what is waiting. Once the connection is closing, waiting
  frames are dropped, as uvicorn refuses to send after a close.
* **Pings for the silent only.** uvicorn pings every connection every ``ws_ping_interval``
  seconds and closes one whose pong does not come within ``ws_ping_timeout``. A message from
  the client shows as well as a pong that it is there: a ping falls due only ``ws_ping_interval``
  after the client's last message (or the last ping), so a connection that died is still closed
  at most interval + timeout after its last sign of life, while a hall voting at once is not
  also pinged (with 3,000 tablets and 3 s, a thousand pings, pongs and timers a second).
* **Sending without a turn of the loop.** The application may also hand a text message to the
  connection synchronously: the scope's extension :data:`SEND_NOW` holds ``send_text``, which
  frames the message into the same waiting write and answers True, or answers False when the
  connection is not open for data or its transport asks the sender to wait (then the message
  must go through the ASGI ``send``, which waits). The hub's peers use it
  (:class:`devices.hub.Peer`): a ballot's answer and ``you`` skip a queue, a task switch and
  Starlette's send per message.

Pass :class:`HallWebSocketProtocol` as uvicorn's ``ws`` setting.
"""

from __future__ import annotations

from typing import Final

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.http11 import Request
from websockets.protocol import State

__all__ = ["READ_AHEAD", "SEND_NOW", "HallWebSocketProtocol"]

#: Messages of one connection waiting for the application before reading it pauses.
READ_AHEAD: Final = 16
#: The scope's extension (``scope["extensions"]``) that holds ``send_text``: ``str → bool``.
SEND_NOW: Final = "congress.send_now"
#: Turns of the event loop a frame waits for others before it is written: the ``you`` push is
#: queued as a transaction commits, the answer when its handler resumes a turn later.
_WRITE_AFTER_TURNS: Final = 2


class HallWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with steady reading, one write per round, pings for
    the silent only and a synchronous ``send_text``."""

    _waiting: list[bytes] | None = None
    #: ``loop.time()`` when the client's last message arrived.
    _heard_at: float = float("-inf")

    def send_receive_event_to_app(self) -> None:
        self._heard_at = self.loop.time()
        paused = self.read_paused
        self.read_paused = True  # the base class pauses reading unless it already has
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not self.read_paused and self.queue.qsize() >= READ_AHEAD:
            self.read_paused = True
            self.transport.pause_reading()

    def send_keepalive_ping(self) -> None:
        """Ping the client, unless it sent a message within the ping interval: then the ping
        falls due that long after the message."""
        assert self.ping_interval is not None  # only ever scheduled with an interval
        quiet_for = self.loop.time() - self._heard_at
        if quiet_for < self.ping_interval and not self.close_sent:
            delay = self.ping_interval - quiet_for
            self.ping_timer = self.loop.call_later(delay, self.send_keepalive_ping)
            return
        super().send_keepalive_ping()

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if not self.close_sent:  # accepted: the application runs with this scope
            self.scope["extensions"][SEND_NOW] = {"send_text": self.send_text_now}

    def send_text_now(self, text: str) -> bool:
        """Frame ``text`` into the waiting write at once; False (nothing sent) when the
        connection is not open for data or its transport asks the sender to wait."""
        if not self._open_for_data() or not self.writable.is_set():
            return False
        try:
            self.conn.send_text(text.encode())
        except (InvalidState, UnicodeEncodeError):  # closing, or not sendable as text
            return False
        self._wait(self.conn.data_to_send())
        return True

    def _wait(self, frames: list[bytes]) -> None:
        """Add ``frames`` to the waiting write (scheduled with the first of them)."""
        if self._waiting is None:
            self._waiting = list(frames)
            self.loop.call_soon(self._write_later, _WRITE_AFTER_TURNS - 1)
        else:
            self._waiting.extend(frames)

    async def send(self, message: ASGISendEvent) -> None:
        if message["type"] != "websocket.send" or not self._open_for_data():
            self._write_waiting()
            await super().send(message)
            return
        await self.writable.wait()
        if self.disconnected:
            raise ClientDisconnected()
        data, text = message.get("bytes"), message.get("text")
        try:
            if data is not None:
                self.conn.send_binary(data)
            elif text is not None:
                self.conn.send_text(text.encode())
        except InvalidState:
            raise ClientDisconnected() from None
        self._wait(self.conn.data_to_send())

    def _open_for_data(self) -> bool:
        return (
            self.handshake_complete
            and not self.close_sent
            and self.initial_response is None
            and not self.disconnected
        )

    def _write_later(self, turns: int) -> None:
        if turns > 0:
            self.loop.call_soon(self._write_later, turns - 1)
        else:
            self._write_waiting()

    def _write_waiting(self) -> None:
        waiting, self._waiting = self._waiting, None
        if not waiting:
            return
        if self.conn.state is not State.OPEN or self.transport.is_closing():
            return  # closing: no data frame may follow a close frame
        self.transport.write(b"".join(waiting))
