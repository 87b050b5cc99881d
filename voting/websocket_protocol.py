"""uvicorn's WebSocket protocol (websockets, sans-I/O) with two changes for a hall of tablets.

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

Pass :class:`HallWebSocketProtocol` as uvicorn's ``ws`` setting.
"""

from __future__ import annotations

from typing import Final

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.protocol import State

__all__ = ["READ_AHEAD", "HallWebSocketProtocol"]

#: Messages of one connection waiting for the application before reading it pauses.
READ_AHEAD: Final = 16
#: Turns of the event loop a frame waits for others before it is written: the ``you`` push is
#: queued as a transaction commits, the answer when its handler resumes a turn later.
_WRITE_AFTER_TURNS: Final = 2


class HallWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with steady reading and one write per round."""

    _waiting: list[bytes] | None = None

    def send_receive_event_to_app(self) -> None:
        paused = self.read_paused
        self.read_paused = True  # the base class pauses reading unless it already has
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not self.read_paused and self.queue.qsize() >= READ_AHEAD:
            self.read_paused = True
            self.transport.pause_reading()

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
        frames = self.conn.data_to_send()
        if self._waiting is None:
            self._waiting = list(frames)
            self.loop.call_soon(self._write_later, _WRITE_AFTER_TURNS - 1)
        else:
            self._waiting.extend(frames)

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
