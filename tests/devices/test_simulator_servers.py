"""A simulated tablet given the addresses of two servers (a primary/standby pair) connects to
whichever answers and keeps to it, as the tablet page does (tests/e2e/test_failover.py has the
takeover itself)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from devices.simulator import ServerUnavailable, SimTablet, websocket_url
from tests.voting.live_server import live_server
from tests.voting.sitting import MEETING
from voting.cli.serve import bind


def closed_port_url() -> str:
    """The tablet WebSocket of a port nobody listens on (bound, then closed)."""
    with bind("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
    return websocket_url(f"http://127.0.0.1:{port}", MEETING)


def test_a_simulated_tablet_passes_over_a_dead_server_and_keeps_the_one_that_answers(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, 2) as server:
        tablet = server.pair("d01")
        live = websocket_url(server.url, MEETING)
        dead = closed_port_url()

        async def run() -> None:
            sim = SimTablet(tablet, [dead, live], open_timeout=5)
            assert sim.url == dead
            assert (await sim.connect())["type"] == "welcome"
            assert sim.url == live
            reply = await sim.request(tablet.sign_in())
            assert reply["type"] == "ack"
            await sim.drop()
            assert (await sim.connect())["type"] == "welcome"  # the live one, tried first
            assert (sim.url, sim.connections) == (live, 2)
            await sim.close()

            other_dead = closed_port_url()
            nowhere = SimTablet(tablet, [dead, other_dead], open_timeout=5)
            with pytest.raises(ServerUnavailable) as unavailable:
                await nowhere.connect()
            message = str(unavailable.value)
            assert message.startswith(f"{tablet.device}: no server answered: {dead}: ")
            assert f"; {other_dead}: " in message
            assert not nowhere.connected

        asyncio.run(run())


def test_a_simulated_tablet_needs_an_address() -> None:
    with pytest.raises(ValueError, match="at least one server address"):
        SimTablet(None, [])  # type: ignore[arg-type]
