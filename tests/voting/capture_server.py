"""A ``congress serve`` process made repeatable for the capture test
(``test_encrypted_capture.py``): its randomness drawn from a seed, its clock stopped, DEBUG
logging and the access log on; a read-only dump of its database; WebSocket frames recorded."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import devices.simulator
from tests.devices.processes import environment
from tests.voting.live_server import ADMIN, LiveServer
from voting.cli.serve import bind

#: ``congress serve`` with every source of randomness the server draws from (``os.urandom``,
#: hence ``secrets``) replaced by SHA-256 of a seed and a counter, its clock stopped at one
#: instant, at DEBUG level with the access log on.
LAUNCHER = """
import hashlib, os, random, sys
seed = os.environ["CAPTURE_SEED"].encode()
drawn = [0]
def urandom(n):
    out = b""
    while len(out) < n:
        out += hashlib.sha256(seed + drawn[0].to_bytes(8, "big")).digest()
        drawn[0] += 1
    return out[:n]
os.urandom = urandom
random._urandom = urandom
import datetime, functools
from voting.cli import serve
serve.create_app = functools.partial(serve.create_app, clock=lambda: datetime.datetime(
    2026, 3, 1, 9, 0, tzinfo=datetime.UTC
))
options = serve.uvicorn_options
serve.uvicorn_options = lambda settings=None: {
    **options(settings), "log_level": "debug", "access_log": True
}
from voting.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def dump_tables(database: Path) -> str:
    """Every row of every table of a read-only copy of the SQLite database, bytes in hex, the
    rows of each table sorted (some tables have no rowid)."""
    copy = database.with_name("capture.sqlite")
    with (
        sqlite3.connect(f"file:{database}?mode=ro", uri=True) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    lines = []
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for name in sorted(names):
            lines.append(f"== {name}")
            rows = db.execute(f'SELECT * FROM "{name}"')
            lines += sorted(repr(tuple(_readable(v) for v in row)) for row in rows)
    copy.unlink()
    return "\n".join(lines)


def _readable(value: Any) -> Any:
    """A column's value as text: bytes as UTF-8 where they are, else in hex."""
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.hex()


@contextmanager
def serve(data: Path, port: int, seed: str) -> Iterator[LiveServer]:
    env = dict(environment(data), CAPTURE_SEED=seed, PYTHONHASHSEED="0")
    log_path = data.parent / "server.log"
    with bind("127.0.0.1", port) as sock, log_path.open("wb") as log:
        fd = sock.fileno()
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, "serve", "--fd", str(fd)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
        )
    server = LiveServer(f"http://127.0.0.1:{port}", log_path, process)
    try:
        deadline = time.monotonic() + 60
        while not _up(server):
            assert process.poll() is None, server.log()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        login = {"username": ADMIN[0], "password": ADMIN[1]}
        server.token = server.api("POST", "/api/login", login)["token"]
        yield server
    finally:
        process.terminate()
        process.wait(timeout=15)


def _up(server: LiveServer) -> bool:
    try:
        return server.request("GET", "/healthz")[0] == 200
    except OSError:
        return False


def recording_connect(frames: list[tuple[str, str, str]]) -> Any:
    """``websockets`` connect for the simulator that records every text frame both ways."""
    original = devices.simulator.connect

    async def connect(url: str, **options: Any) -> Any:
        ws = await original(url, **options)
        send, recv = ws.send, ws.recv
        device = f"tablet{len({d for d, _, _ in frames})}"

        async def sending(text: str) -> None:
            frames.append((device, "sent", text))
            await send(text)

        async def receiving(*args: Any, **kwargs: Any) -> Any:
            text = await recv(*args, **kwargs)
            frames.append((device, "received", text))
            return text

        ws.send, ws.recv = sending, receiving
        return ws

    return connect
