"""Live connections of a meeting and the fan-out of messages to them.

Every connection has its own bounded outgoing queue drained by its own task, so a slow tablet
never stalls the others: when its queue is full — by a broadcast or by a reply of its own — the
connection is dropped from the hub and closed with 1013 (try again later), and the tablet
resynchronises when it reconnects. A broadcast serialises its message once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: Messages waiting for one connection before it is considered stuck and closed.
QUEUE_LIMIT = 256


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


@dataclass(eq=False)
class Peer:
    """One live WebSocket: a tablet (``device`` set), a chair console or a hall display."""

    channel: str  # tablet | console | display
    send: Callable[[str], Awaitable[None]]
    close: Callable[[int], Awaitable[None]]
    device: str | None = None
    deputy: str | None = None
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    task: asyncio.Task[None] | None = None
    stuck: bool = False  # its queue overflowed; it is being closed

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None:
                return
            try:
                await self.send(text)
            except Exception:  # the socket went away; the receive loop will notice
                return

    def push(self, text: str) -> bool:
        """Queue ``text``; False if the peer is stuck (its queue is full)."""
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            return False
        return True

    async def stop(self) -> None:
        if self.task is not None:
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.put_nowait(None)
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


class Hub:
    """The peers of every meeting, by meeting id, and when each tablet was last heard from.

    ``clock`` gives the time recorded as a tablet's last sign of life (the log's time format).
    """

    def __init__(self, clock: Callable[[], str]) -> None:
        self._peers: dict[str, set[Peer]] = {}
        self._tablets: dict[str, dict[str, set[Peer]]] = {}  # meeting -> deputy -> tablets
        self._clock = clock
        self._last_seen: dict[str, dict[str, str]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def add(self, meeting: str, peer: Peer) -> None:
        self._peers.setdefault(meeting, set()).add(peer)
        if peer.deputy is not None:
            self._tablets.setdefault(meeting, {}).setdefault(peer.deputy, set()).add(peer)
        if peer.device is not None:
            self.seen(meeting, peer.device)
        peer.start()

    def seen(self, meeting: str, device: str) -> None:
        """Note that ``device`` was heard from now: it connected or sent a message (a ping too)."""
        self._last_seen.setdefault(meeting, {})[device] = self._clock()

    def last_seen(self, meeting: str) -> dict[str, str]:
        """When each device of ``meeting`` was last heard from, since the server started."""
        return dict(self._last_seen.get(meeting, {}))

    async def remove(self, meeting: str, peer: Peer) -> None:
        self._peers.get(meeting, set()).discard(peer)
        self._unindex(peer)
        await peer.stop()

    def _unindex(self, peer: Peer) -> None:
        if peer.deputy is None:
            return
        for tablets in self._tablets.values():
            own = tablets.get(peer.deputy)
            if own is not None and peer in own:
                own.discard(peer)
                if not own:
                    del tablets[peer.deputy]

    def peers(self, meeting: str, channels: frozenset[str] | None = None) -> list[Peer]:
        return [
            p for p in self._peers.get(meeting, ()) if channels is None or p.channel in channels
        ]

    def tablets_of(self, meeting: str, deputy: str) -> list[Peer]:
        """The connected tablets of ``deputy`` (normally one)."""
        return list(self._tablets.get(meeting, {}).get(deputy, ()))

    def online_devices(self, meeting: str) -> set[str]:
        return {p.device for p in self._peers.get(meeting, ()) if p.device is not None}

    def broadcast(
        self, meeting: str, message: dict[str, Any], channels: frozenset[str] | None = None
    ) -> None:
        """Send ``message`` to the meeting's peers on ``channels`` (all when None)."""
        text = encode(message)
        for peer in self.peers(meeting, channels):
            if not peer.push(text):
                self._drop_stuck(peer)

    def send(self, peer: Peer, message: dict[str, Any]) -> None:
        if not peer.push(encode(message)):
            self._drop_stuck(peer)

    def _drop_stuck(self, peer: Peer) -> None:
        """Forget a peer whose queue is full and close it with 1013, once."""
        if peer.stuck:
            return
        peer.stuck = True
        log.warning("closing a stuck %s connection (device %s)", peer.channel, peer.device)
        for peers in self._peers.values():
            peers.discard(peer)
        self._unindex(peer)
        task = asyncio.get_running_loop().create_task(_close_stuck(peer))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close_stuck(peer: Peer) -> None:
    await peer.stop()
    # The close frame goes out once the client reads what is already buffered (or never).
    with contextlib.suppress(Exception):
        await peer.close(1013)  # try again later
