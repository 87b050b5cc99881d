"""A tablet whose connection dies without a close frame is shown offline within seconds.

The server (a real ``congress serve`` process) pings every WebSocket; a tablet that stops
answering — its TCP connection still open, as when it leaves the Wi-Fi — is dropped after the
ping timeout, while an idle tablet that answers pings stays online.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from devices.tablet import Tablet
from tests.devices.processes import congress, environment, fetch, start_server, stop, wait_ready
from tests.voting.conftest import ORIGIN

MEETING = "m1"
#: The heartbeat of the server under test, lowered from the defaults (3 s and 3 s) to keep the
#: test short.
PING_INTERVAL_S = 1.0
PING_TIMEOUT_S = 1.0


class Operator:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def call(self, path: str, data: Any = None) -> Any:
        return fetch(f"{self.url}/api/meetings/{MEETING}{path}", data=data, token=self.token)

    def online(self) -> dict[str, bool]:
        return {d["device"]: d["online"] for d in self.call("/devices")["devices"]}


def set_up(url: str) -> tuple[Operator, list[Tablet]]:
    token = fetch(f"{url}/api/login", data={"username": "chief", "password": "chief-pass-1"})
    operator = Operator(url, token["token"])
    fetch(
        f"{url}/api/meetings",
        data={"meeting": MEETING, "origin": ORIGIN, "title": "心跳", "date": "2026-03-01"},
        token=operator.token,
    )
    roster = [{"deputy": f"d0{i}", "name": f"代表0{i}", "seat": f"0{i}"} for i in (1, 2)]
    put = urllib.request.Request(
        f"{url}/api/meetings/{MEETING}/roster",
        json.dumps({"deputies": roster}).encode(),
        {"content-type": "application/json", "authorization": f"Bearer {operator.token}"},
        method="PUT",
    )
    urllib.request.urlopen(put, timeout=5).close()
    operator.call("/open", {})
    tablets = []
    for deputy in ("d01", "d02"):
        code = operator.call(f"/deputies/{deputy}/pairing-code", {})["code"]
        tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
        fetch(f"{url}/api/meetings/{MEETING}/pair", data=tablet.pair_request(code))
        tablets.append(tablet)
    return operator, tablets


async def hello(url: str, tablet: Tablet) -> ClientConnection:
    ws = await connect(
        f"{url.replace('http', 'ws')}/ws/meetings/{MEETING}/tablet", ping_interval=None, proxy=None
    )
    challenge = json.loads(await ws.recv())
    await ws.send(json.dumps(tablet.hello(challenge["nonce"])))
    assert json.loads(await ws.recv())["type"] == "welcome"
    return ws


async def watch(url: str, operator: Operator, tablets: list[Tablet]) -> float:
    silent = await hello(url, tablets[0])
    idle = await hello(url, tablets[1])
    assert await asyncio.to_thread(operator.online) == {"tab-d01": True, "tab-d02": True}
    await silent.send(json.dumps({"type": "ping", "id": "k1"}))
    assert json.loads(await silent.recv())["type"] == "pong"
    # Stop reading: the server's pings go unanswered, no close frame is ever sent.
    silent.transport.pause_reading()
    started = time.monotonic()
    deadline = started + PING_INTERVAL_S + PING_TIMEOUT_S + 3
    while time.monotonic() < deadline:
        online = await asyncio.to_thread(operator.online)
        if not online["tab-d01"]:
            elapsed = time.monotonic() - started
            assert online["tab-d02"], "the idle tablet that answers pings stays online"
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the silent tablet is still shown online")
    roster = (await asyncio.to_thread(operator.call, ""))["roster"]
    assert [(r["deputy"], r["online"]) for r in roster] == [("d01", False), ("d02", True)]
    silent.transport.abort()
    await idle.close()
    return elapsed


def test_a_silent_tablet_is_shown_offline_within_seconds(tmp_path: Path) -> None:
    env = dict(
        environment(tmp_path / "data"),
        CONGRESS_PING_INTERVAL_S=str(PING_INTERVAL_S),
        CONGRESS_PING_TIMEOUT_S=str(PING_TIMEOUT_S),
    )
    init = congress("init", "--origin", ORIGIN, "--admin", "chief", env=env, stdin="chief-pass-1\n")
    assert init.returncode == 0, init.stderr
    server, port = start_server(env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, server, None)
        operator, tablets = set_up(url)
        elapsed = asyncio.run(watch(url, operator, tablets))
        devices = operator.call("/devices")["devices"]
    finally:
        stop(server)
    assert elapsed <= PING_INTERVAL_S + PING_TIMEOUT_S + 1
    # Both gone now (the idle one closed normally), each with the time it was last heard from.
    assert [(d["device"], d["online"]) for d in devices] == [("tab-d01", False), ("tab-d02", False)]
    assert all(d["last_seen"] is not None for d in devices)
