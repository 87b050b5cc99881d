"""A real ``congress serve`` process on a loopback port, for tests that need real sockets.

:func:`live_server` runs ``congress init`` and ``congress serve`` in a scratch directory (the
server's output goes to ``server.log`` there), opens meeting ``m1`` with ``deputies`` deputies
and a two-item agenda, and stops the server at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.tablet import Tablet
from tests.devices.processes import congress, environment
from tests.voting.conftest import ORIGIN
from tests.voting.sitting import MEETING, roster
from voting.cli.serve import bind

ADMIN = ("chief", "chief-pass-1")
AGENDA = {
    "items": [
        {"item": "a", "title": "议案一", "kind": "motion"},
        {"item": "b", "title": "议案二", "kind": "motion"},
    ]
}
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class LiveServer:
    url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    token: str = ""

    @property
    def ws_base(self) -> str:
        return self.url.replace("http://", "ws://")

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with _OPENER.open(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def api(self, method: str, path: str, body: Any = None) -> Any:
        status, data = self.request(method, path, body, token=self.token)
        assert status == 200, data
        return json.loads(data)

    def meeting(self, method: str, path: str, body: Any = None) -> Any:
        return self.api(method, f"/api/meetings/{MEETING}{path}", body)

    def entries(self) -> bytes:
        status, data = self.request("GET", f"/api/meetings/{MEETING}/log/entries", token=self.token)
        assert status == 200, data
        return data

    def pair(self, deputy: str) -> Tablet:
        code = self.meeting("POST", f"/deputies/{deputy}/pairing-code")["code"]
        tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
        self.api("POST", f"/api/meetings/{MEETING}/pair", tablet.pair_request(code))
        return tablet

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> int:
        """Exceptions the server logged (tracebacks, failed transactions). uvicorn logs a text
        frame that is not UTF-8 with a traceback too, but that is the client's error: it closes
        the connection with 1007 and goes on."""
        text = self.log()
        client_errors = text.count("Invalid UTF-8 sequence received from client.")
        return text.count("Traceback") - client_errors + text.count("a transaction failed")


@contextmanager
def live_server(
    scratch: Path, deputies: int, settings: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """A ``congress serve`` process with an open meeting of ``deputies``; ``settings``: more
    environment variables of :mod:`voting.settings` (e.g. ``CONGRESS_PING_INTERVAL_S``)."""
    env = dict(environment(scratch / "data"), **(settings or {}))
    init = congress("init", "--origin", ORIGIN, "--admin", ADMIN[0], env=env, stdin=ADMIN[1] + "\n")
    assert init.returncode == 0, init.stderr
    log_path = scratch / "server.log"
    with bind("127.0.0.1", 0) as sock, log_path.open("wb") as log:
        fd = sock.fileno()
        process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "serve", "--fd", str(fd)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
        )
        port = sock.getsockname()[1]
    server = LiveServer(f"http://127.0.0.1:{port}", log_path, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, server.log()[-3000:]
            try:
                if server.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        login = {"username": ADMIN[0], "password": ADMIN[1]}
        server.token = server.api("POST", "/api/login", login)["token"]
        server.api(
            "POST",
            "/api/meetings",
            {"meeting": MEETING, "origin": ORIGIN, "title": "测试会议", "date": "2026-03-01"},
        )
        server.meeting("PUT", "/roster", roster(deputies))
        server.meeting("POST", "/open")
        server.meeting("PUT", "/agenda", AGENDA)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
