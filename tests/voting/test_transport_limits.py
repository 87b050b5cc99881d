"""Transport abuse against a real ``congress serve`` process: huge bodies, slow headers, and many
half-open connections from one address (voting/limits.py, voting/transport.py).

The figures these tests hold the server to are in docs/security.md.
"""

from __future__ import annotations

import asyncio
import functools
import json
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

import devices.simulator
from devices.simulator import HttpClient, SimTablet, websocket_url
from devices.tablet import Tablet
from tests.devices.processes import congress, environment, wait_listening
from tests.voting.conftest import ORIGIN
from voting.cli.serve import bind, listening_url
from voting.limits import MAX_BODY

ADMIN = ("chief", "chief-pass-1")
HUGE = 400 * 1024 * 1024
CHUNK = 64 * 1024
#: The server may not grow by this much while refusing a huge body.
RSS_GROWTH_LIMIT_KB = 10 * 1024


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def rss_kb(self) -> int:
        """The server process's resident memory (VmRSS), in kB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line")


@contextmanager
def server(tmp_path: Path, *options: str, open_files: int | None = None) -> Iterator[Served]:
    """``congress serve --fd`` with ``options``; ``open_files`` caps its file descriptors."""
    env = environment(tmp_path / "data")
    init = congress("init", "--origin", ORIGIN, "--admin", ADMIN[0], env=env, stdin=ADMIN[1] + "\n")
    assert init.returncode == 0, init.stderr
    log = tmp_path / "server.log"

    def cap_open_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    with bind("127.0.0.1", 0) as sock, log.open("wb") as out:
        fd = sock.fileno()
        process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "serve", "--fd", str(fd), *options],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
            preexec_fn=cap_open_files,
        )
        url = listening_url(sock)
    try:
        assert wait_listening(log, process) == url
        yield Served(process, url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_response(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection (or ``timeout``)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def push_body(sock: socket.socket, total: int, *, chunked: bool) -> int:
    """Send up to ``total`` bytes of body until the server answers or closes; return the
    bytes sent."""
    sent = 0
    piece = b"x" * CHUNK
    frame = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    sock.setblocking(False)
    try:
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 5)
            if readable:
                break
            if not writable:
                raise AssertionError(f"the server neither reads nor answers after {sent} bytes")
            sock.sendall(frame)
            sent += CHUNK
    except (BrokenPipeError, ConnectionResetError, BlockingIOError):
        pass
    sock.setblocking(True)
    return sent


def status_and_body(response: bytes) -> tuple[str, dict[str, str]]:
    head, _, body = response.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), json.loads(body)


REFUSED_BODY = {
    "error": "body-too-large",
    "message": f"请求体过大（上限 {MAX_BODY} 字节）",
    "message_en": f"request body too large (limit {MAX_BODY} bytes)",
}


# Bodies ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_400_mib_login_is_refused_unread_and_the_server_stays_small(tmp_path: Path) -> None:
    with server(tmp_path) as served:
        before = served.rss_kb()
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.sendall(
                b"POST /api/login HTTP/1.1\r\nHost: hall\r\ncontent-type: application/json\r\n"
                + f"content-length: {HUGE}\r\n\r\n".encode()
            )
            sent = push_body(sock, HUGE, chunked=False)
            response = read_response(sock)
        after = served.rss_kb()
    assert status_and_body(response) == ("HTTP/1.1 413 Request Entity Too Large", REFUSED_BODY)
    assert sent < 64 * 1024 * 1024  # what socket buffers take, not the 400 MiB
    assert after - before < RSS_GROWTH_LIMIT_KB, (before, after)


@pytest.mark.slow
def test_a_streamed_body_is_cut_off_at_the_limit(tmp_path: Path) -> None:
    with server(tmp_path) as served:
        before = served.rss_kb()
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.sendall(
                b"POST /api/login HTTP/1.1\r\nHost: hall\r\ncontent-type: application/json\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
            sent = push_body(sock, HUGE, chunked=True)
            response = read_response(sock)
        after = served.rss_kb()
        log = served.log.read_text(encoding="utf-8")
    assert status_and_body(response) == ("HTTP/1.1 413 Request Entity Too Large", REFUSED_BODY)
    assert sent < 64 * 1024 * 1024
    assert after - before < RSS_GROWTH_LIMIT_KB, (before, after)
    assert "Traceback" not in log


# Headers and connections -------------------------------------------------------------------


def test_a_client_sending_headers_slowly_is_cut_off(tmp_path: Path) -> None:
    with (
        server(tmp_path, "--header-timeout", "1") as served,
        socket.create_connection(("127.0.0.1", served.port)) as sock,
    ):
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: hall\r\n")
        sock.settimeout(0.3)
        closed_after = None
        while time.monotonic() - started < 8:
            try:
                sock.sendall(b"x-slow: 1\r\n")  # a header line every 0.3 s, never the end
                if sock.recv(1024) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None, "the slow client was never cut off"
    assert 0.9 <= closed_after <= 2.5, closed_after


def test_half_open_connections_from_one_address_leave_room_for_a_tablet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 connections that never finish their headers, from 127.0.0.1, against a server with
    250 file descriptors: the 21st and later are refused at once, and a paired tablet on
    another address (127.0.0.2) connects and is welcomed."""
    options = ("--per-address-limit", "20", "--header-timeout", "30")
    with server(tmp_path, *options, open_files=250) as served:
        tablet = Tablet(origin=ORIGIN, device="tab-d01", deputy="d01")
        asyncio.run(pair_tablet(HttpClient(served.url), tablet))
        hogs = []
        try:
            for _ in range(300):
                hog = socket.create_connection(("127.0.0.1", served.port), timeout=5)
                hog.sendall(b"GET /healthz HTTP/1.1\r\nHost: hall\r\n")
                hogs.append(hog)
            refused = [read_response(hog, 5)[:12] for hog in hogs[20:]]
            monkeypatch.setattr(
                devices.simulator,
                "connect",
                functools.partial(connect, local_addr=("127.0.0.2", 0)),
            )
            sim = SimTablet(tablet, websocket_url(served.url, "m1"), open_timeout=5)
            welcome = asyncio.run(connect_and_close(sim))
            held = [hog_closed(hog) for hog in hogs[:20]]
        finally:
            for hog in hogs:
                hog.close()
        log = served.log.read_text(encoding="utf-8")
    assert refused == [b"HTTP/1.1 503"] * 280
    assert held == [False] * 20  # the first 20 wait for their header timeout
    assert welcome["type"] == "welcome"
    assert welcome["you"]["deputy"] == "d01"
    # One warning for the flood, not one per connection.
    assert [line for line in log.splitlines() if "refused connection" in line] == [
        "refused connection 1 from 127.0.0.1: 20 open connections already"
    ]


def hog_closed(hog: socket.socket) -> bool:
    hog.setblocking(False)
    try:
        return hog.recv(1) == b""
    except BlockingIOError:
        return False


async def pair_tablet(http: HttpClient, tablet: Tablet) -> None:
    """Meeting m1 with deputy d01, opened, and ``tablet`` paired to d01."""
    login = await http.json("POST", "/api/login", {"username": ADMIN[0], "password": ADMIN[1]})
    token = login["token"]
    meeting = {"meeting": "m1", "origin": ORIGIN, "title": "测试会议", "date": "2026-03-01"}
    await http.json("POST", "/api/meetings", meeting, token=token)
    roster = {"deputies": [{"deputy": "d01", "name": "王建国", "seat": "1-01"}]}
    await http.json("PUT", "/api/meetings/m1/roster", roster, token=token)
    await http.json("POST", "/api/meetings/m1/open", token=token)
    path = "/api/meetings/m1/deputies/d01/pairing-code"
    code = (await http.json("POST", path, token=token))["code"]
    await http.json("POST", "/api/meetings/m1/pair", tablet.pair_request(code))


async def connect_and_close(sim: SimTablet) -> dict[str, Any]:
    welcome = await sim.connect()
    await sim.close()
    return welcome
