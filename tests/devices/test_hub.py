"""The hub's peers by channel: the console and the display are found among thousands of
tablets without walking them, and a peer removed or dropped leaves every index."""

from __future__ import annotations

import asyncio

from devices.hub import CloseCode, Hub, Peer

CONSOLES = frozenset({"console"})
DISPLAYS = frozenset({"display"})
WATCHERS = CONSOLES | DISPLAYS
TABLETS = frozenset({"tablet"})


async def _send(_: str) -> None:
    return None


async def _close(_: int) -> None:
    return None


def peer(channel: str, deputy: str | None = None) -> Peer:
    device = None if deputy is None else f"tab-{deputy}"
    return Peer(channel, _send, _close, device, deputy)


async def test_peers_are_found_by_channel_and_leave_when_removed_or_dropped() -> None:
    hub = Hub(lambda: "2026-03-01T01:30:00Z")
    tablets = [peer("tablet", f"d{i:02}") for i in range(1, 4)]
    console, display, other = peer("console"), peer("display"), peer("console")
    for each in [*tablets, console, display]:
        hub.add("m1", each)
    hub.add("m2", other)
    assert hub.peers("m1", CONSOLES) == [console]
    assert hub.peers("m1", DISPLAYS) == [display]
    assert set(hub.peers("m1", WATCHERS)) == {console, display}
    assert set(hub.peers("m1", TABLETS)) == set(tablets)
    assert set(hub.peers("m1")) == {*tablets, console, display}
    assert hub.peers("m2", CONSOLES) == [other]
    assert hub.peers("m3", CONSOLES) == []

    await hub.remove("m1", console)
    assert hub.peers("m1", CONSOLES) == []
    assert hub.peers("m2", CONSOLES) == [other]
    hub.close_device("m1", "tab-d02", CloseCode.REVOKED)  # dropped at once, closed after
    assert set(hub.peers("m1", TABLETS)) == {tablets[0], tablets[2]}
    assert set(hub.peers("m1")) == {tablets[0], tablets[2], display}

    await asyncio.sleep(0)  # the dropped tablet's closing task runs
    for each in hub.peers("m1") + hub.peers("m2"):
        await hub.remove("m1" if each is not other else "m2", each)
    assert hub.peers("m1") == hub.peers("m1", WATCHERS | TABLETS) == []


class Socket:
    """What a peer sends to: ``send_now`` takes a message while ``ready``; ``send`` (the
    queue's path) always does."""

    def __init__(self) -> None:
        self.ready = True
        self.now: list[str] = []
        self.later: list[str] = []

    def send_now(self, text: str) -> bool:
        if self.ready:
            self.now.append(text)
        return self.ready

    async def send(self, text: str) -> None:
        self.later.append(text)


async def test_a_message_goes_to_the_socket_at_once_when_nothing_waits_before_it() -> None:
    socket = Socket()
    each = Peer("tablet", socket.send, _close, "tab-d01", "d01", send_now=socket.send_now)
    each.start()
    assert each.push("you") and each.push("ack")
    assert socket.now == ["you", "ack"] and each.queue.empty() and each.unsent == 0
    await each.stop()


async def test_once_a_message_waits_in_the_queue_the_next_ones_follow_it_in_order() -> None:
    socket = Socket()
    each = Peer("tablet", socket.send, _close, "tab-d01", "d01", send_now=socket.send_now)
    each.start()
    socket.ready = False  # the socket asks the sender to wait
    assert each.push("state 1")
    socket.ready = True
    assert each.push("state 2") and each.push("you")
    assert socket.now == [] and each.unsent == 3
    await asyncio.sleep(0)
    assert socket.later == ["state 1", "state 2", "you"] and each.unsent == 0
    assert each.push("ack")
    assert socket.now == ["ack"]
    await each.stop()


async def test_without_send_now_every_message_goes_through_the_queue() -> None:
    socket = Socket()
    each = Peer("tablet", socket.send, _close, "tab-d01", "d01")
    each.start()
    assert each.push("you") and each.push("ack")
    assert socket.now == [] and each.unsent == 2
    await asyncio.sleep(0)
    assert socket.later == ["you", "ack"] and each.unsent == 0
    await each.stop()
