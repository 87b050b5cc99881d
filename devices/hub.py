"""Live connections of a meeting and the fan-out of messages to them.

Every connection has its own bounded outgoing queue drained by its own task, so a slow tablet
never stalls the others: when its queue is full — by a broadcast or by a reply of its own — the
connection is dropped from the hub and closed with 1013 (try again later), and the tablet
resynchronises when it reconnects. A broadcast serialises its message once. A connection that
can take a message at once (``send_now``: its server's protocol frames it into the socket's next
write) gets it at once while nothing of its own waits in the queue; otherwise, or when the socket
asks the sender to wait, the message goes through the queue, in order.

A device has at most one live connection: when it connects again, the newest connection wins
and the older one is closed with :attr:`CloseCode.REPLACED`. Revoking a device closes its
connection with :attr:`CloseCode.REVOKED`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import orjson
from starlette import status

log = logging.getLogger(__name__)

#: Messages waiting for one connection before it is considered stuck and closed.
QUEUE_LIMIT = 256


class CloseCode(IntEnum):
    """Why the server closed a WebSocket (documented in ``docs/protocol.md`` §8)."""

    POLICY_VIOLATION = status.WS_1008_POLICY_VIOLATION
    TRY_AGAIN_LATER = status.WS_1013_TRY_AGAIN_LATER  # the client did not keep up
    REPLACED = 4001  # the same device connected again; the newer connection took over
    REVOKED = 4003  # the device was revoked


def encode(message: dict[str, Any]) -> str:
    """A message as compact JSON text, non-ASCII unescaped: the text ``json.dumps(message,
    ensure_ascii=False, separators=(",", ":"))`` gives, written by orjson several times faster
    (every ballot's answer and every push goes through here). Messages are not signed or
    hashed: canonical bytes come from :mod:`audit.canonical`."""
    return orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()


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
    stuck: bool = False  # dropped from the hub (queue full, replaced, revoked); being closed
    #: Hands a message to the socket at once: True if it took it (see the module's docstring).
    send_now: Callable[[str], bool] | None = None
    unsent: int = 0  # messages queued and not yet handed to ``send``

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
            finally:
                self.unsent -= 1

    def push(self, text: str) -> bool:
        """Send ``text`` at once if the socket takes it and nothing queued waits before it, else
        queue it; False if the peer is stuck (its queue is full)."""
        if self.unsent == 0 and self.send_now is not None and self.send_now(text):
            return True
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            return False
        self.unsent += 1
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
        # meeting -> channel -> its peers: finding the one console among 3,000 tablets (every
        # coalesced push during a vote) does not walk the tablets
        self._channels: dict[str, dict[str, set[Peer]]] = {}
        self._tablets: dict[str, dict[str, set[Peer]]] = {}  # meeting -> deputy -> tablets
        self._by_device: dict[str, dict[str, Peer]] = {}  # meeting -> device -> its connection
        self._clock = clock
        self._last_seen: dict[str, dict[str, str]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def add(self, meeting: str, peer: Peer) -> None:
        """Add a live connection; an older connection of the same device is closed."""
        self._peers.setdefault(meeting, set()).add(peer)
        self._channels.setdefault(meeting, {}).setdefault(peer.channel, set()).add(peer)
        if peer.deputy is not None:
            self._tablets.setdefault(meeting, {}).setdefault(peer.deputy, set()).add(peer)
        if peer.device is not None:
            devices = self._by_device.setdefault(meeting, {})
            older = devices.get(peer.device)
            devices[peer.device] = peer
            if older is not None:
                self._drop(older, CloseCode.REPLACED)
            self.seen(meeting, peer.device)
        peer.start()

    def close_device(self, meeting: str, device: str, code: CloseCode) -> None:
        """Close the live connection of ``device``, if there is one, with ``code``."""
        peer = self._by_device.get(meeting, {}).get(device)
        if peer is not None:
            self._drop(peer, code)

    def seen(self, meeting: str, device: str) -> None:
        """Note that ``device`` was heard from now: it connected or sent a message (a ping too)."""
        self._last_seen.setdefault(meeting, {})[device] = self._clock()

    def last_seen(self, meeting: str) -> dict[str, str]:
        """When each device of ``meeting`` was last heard from, since the server started."""
        return dict(self._last_seen.get(meeting, {}))

    async def remove(self, meeting: str, peer: Peer) -> None:
        self._peers.get(meeting, set()).discard(peer)
        self._channels.get(meeting, {}).get(peer.channel, set()).discard(peer)
        self._unindex(peer)
        await peer.stop()

    def _unindex(self, peer: Peer) -> None:
        if peer.device is not None:
            for devices in self._by_device.values():
                if devices.get(peer.device) is peer:
                    del devices[peer.device]
        if peer.deputy is None:
            return
        for tablets in self._tablets.values():
            own = tablets.get(peer.deputy)
            if own is not None and peer in own:
                own.discard(peer)
                if not own:
                    del tablets[peer.deputy]

    def peers(self, meeting: str, channels: frozenset[str] | None = None) -> list[Peer]:
        """The meeting's live peers on ``channels`` (all when None)."""
        if channels is None:
            return list(self._peers.get(meeting, ()))
        by_channel = self._channels.get(meeting, {})
        return [p for channel in channels for p in by_channel.get(channel, ())]

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
        if not peer.stuck:
            log.warning("closing a stuck %s connection (device %s)", peer.channel, peer.device)
        self._drop(peer, CloseCode.TRY_AGAIN_LATER)

    def _drop(self, peer: Peer, code: CloseCode) -> None:
        """Forget ``peer`` at once and close it with ``code`` (once)."""
        if peer.stuck:
            return
        peer.stuck = True
        for peers in self._peers.values():
            peers.discard(peer)
        for by_channel in self._channels.values():
            by_channel.get(peer.channel, set()).discard(peer)
        self._unindex(peer)
        task = asyncio.get_running_loop().create_task(_close(peer, code))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close(peer: Peer, code: CloseCode) -> None:
    await peer.stop()
    # The close frame goes out once the client reads what is already buffered (or never).
    with contextlib.suppress(Exception):
        await peer.close(code)
