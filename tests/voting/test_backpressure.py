"""A client that stops reading does not stall the others, and is closed with 1013.

A real ``congress serve`` process. One tablet's connection is a raw socket with a small receive
buffer that, after its hello and a burst of pings, never reads again; three other tablets read
normally. Operators
then make a few hundred changes that every tablet must hear of (leave records). Each change
reaches the reading tablets promptly all along; the stuck connection's queue of 256 messages
fills, the server drops it from the hub (the device shows offline) and closes it with 1013 —
which the stuck client finds, after everything buffered before it, once it reads again. (Pushes of changes committed together are sent once, so it takes more changes
than queue places.)
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from devices.hub import QUEUE_LIMIT
from devices.tablet import Tablet
from tests.conftest import Figures
from tests.voting.live_server import LiveServer, live_server
from tests.voting.rawsocket import RawSocket
from tests.voting.sitting import MEETING
from voting.settings import Settings

RATE_BURST = Settings().rate_burst

DEPUTIES = 12
READERS = ("d02", "d03", "d04")
WORKERS = 6  # operators recording leave at once, each for a deputy of their own
#: Changes every tablet hears of are made in batches of this many, until the stuck connection
#: is dropped (its queue of QUEUE_LIMIT messages and the socket buffers full), or at most
#: MAX_CHANGES.
BATCH = 120
MAX_CHANGES = 40 * QUEUE_LIMIT
LARGE_AGENDA = [
    {"item": f"i{n}", "title": f"{n}号议案：" + "关于本镇公共事务的决议" * 44, "kind": "motion"}
    for n in range(40)
]
#: A push reaches a reading tablet within this many seconds of the change's answer.
PROMPT_S = 2.0


class Reader:
    """A tablet that reads every push and notes when each log size was first seen."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: dict[int, float] = {}
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            message = json.loads(text)
            if message.get("type") == "state":
                self.seen.setdefault(message["state"]["seq"], time.monotonic())

    def delay(self, seq: int, answered: float) -> float:
        """Seconds from a change's answer until this tablet saw a state covering it."""
        times = [t for s, t in self.seen.items() if s > seq]
        return max(0.0, min(times) - answered) if times else float("inf")


async def hello(server: LiveServer, tablet: Tablet) -> ClientConnection:
    ws = await connect(f"{server.ws_base}/ws/meetings/{MEETING}/tablet", proxy=None)
    challenge = json.loads(await ws.recv())
    await ws.send(json.dumps(tablet.hello(challenge["nonce"])))
    assert json.loads(await ws.recv())["type"] == "welcome"
    return ws


def toggle_leave(server: LiveServer, deputy: str, times: int) -> list[tuple[int, float]]:
    """Record leave and its end, ``times`` changes in all; each change's seq and answer time."""
    answers = []
    for index in range(times):
        seq = server.meeting("POST", f"/deputies/{deputy}/leave", {"leave": index % 2 == 0})
        answers.append((seq["seq"][0], time.monotonic()))
    return answers


def online(server: LiveServer) -> dict[str, bool]:
    return {d["device"]: d["online"] for d in server.meeting("GET", "/devices")["devices"]}


async def run(server: LiveServer, tablets: dict[str, Tablet]) -> dict[str, Any]:
    port = int(server.url.rsplit(":", 1)[1])
    readers = [Reader(await hello(server, tablets[d])) for d in READERS]
    # The stuck client connects last, right before the changes begin.
    stuck = RawSocket.connect(
        "127.0.0.1", port, f"/ws/meetings/{MEETING}/tablet", receive_buffer=4096
    )
    _, challenge = stuck.receive()
    stuck.send_text(json.dumps(tablets["d01"].hello(json.loads(challenge)["nonce"])))
    # Its own pings, answered into its own queue (within the rate limit's burst).
    for n in range(RATE_BURST):
        stuck.send_text(json.dumps({"type": "ping", "id": f"p{n}"}))
    everyone = {f"tab-d0{i}": True for i in (1, 2, 3, 4)}
    deadline = time.monotonic() + 5
    while await asyncio.to_thread(online, server) != everyone:  # the stuck client's hello
        assert time.monotonic() < deadline, "the four tablets are not all online"
        await asyncio.sleep(0.02)
    started = time.monotonic()  # the stuck client has not read since its hello
    deputies = [f"d{i:02}" for i in range(DEPUTIES - WORKERS + 1, DEPUTIES + 1)]
    answers: list[tuple[int, float]] = []
    now_online = {"tab-d01": True}
    while now_online["tab-d01"] and len(answers) < MAX_CHANGES:
        batches = await asyncio.gather(
            *(asyncio.to_thread(toggle_leave, server, d, BATCH // WORKERS) for d in deputies)
        )
        answers.extend(answer for batch in batches for answer in batch)
        now_online = await asyncio.to_thread(online, server)
    elapsed = time.monotonic() - started
    last = max(seq for seq, _ in answers)
    deadline = time.monotonic() + PROMPT_S
    while not all(any(s > last for s in r.seen) for r in readers):  # the last pushes arrive
        if time.monotonic() > deadline:
            break  # the delays computed below are then infinite, and the test says so
        await asyncio.sleep(0.01)
    delays = sorted(r.delay(seq, at) for r in readers for seq, at in answers)
    for reader in readers:
        await reader.ws.close()
        reader.task.cancel()
    # The stuck client reads again: what was buffered, then the close frame.
    stuck.sock.settimeout(10)
    code, frames = await asyncio.to_thread(stuck.receive_close_code)
    stuck.close()
    return {
        "changes": len(answers),
        "seconds": round(elapsed, 2),
        "push_delay_p95_s": round(delays[int(0.95 * (len(delays) - 1))], 3),
        "push_delay_max_s": round(delays[-1], 3),
        "stuck_online": now_online["tab-d01"],
        "readers_online": [now_online[f"tab-{d}"] for d in READERS],
        "stuck_close_code": code,
        "stuck_frames_before_close": frames,
    }


def test_a_client_that_never_reads_is_closed_and_stalls_no_one(
    tmp_path: Path, figures: Figures
) -> None:
    # The heartbeat is slowed down: the stuck client must be closed for its full queue (1013),
    # not first for pings it never answered (1011), however slowly the machine runs.
    slow_heartbeat = {"CONGRESS_PING_INTERVAL_S": "30", "CONGRESS_PING_TIMEOUT_S": "30"}
    with live_server(tmp_path, DEPUTIES, slow_heartbeat) as server:
        tablets = {deputy: server.pair(deputy) for deputy in ("d01", *READERS)}
        # Large pushes fill the socket buffers in fewer messages.
        server.meeting("PUT", "/agenda", {"items": LARGE_AGENDA})
        found = asyncio.run(run(server, tablets))
        found["server_errors"] = server.errors()
    figures("backpressure", found)
    assert found["push_delay_max_s"] < PROMPT_S, found
    assert found["readers_online"] == [True, True, True]
    assert found["stuck_online"] is False
    assert found["stuck_close_code"] == 1013, found
    assert found["server_errors"] == 0
