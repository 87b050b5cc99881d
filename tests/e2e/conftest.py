"""Browser tests: a real server process (``congress demo`` on a scratch directory) and the
system Chromium driven by Playwright.

``demo_server`` starts one server per test module with the sample 54-deputy meeting
``xinzhou-17-3`` (chair account ``chair`` / ``chair-demo-2026``). ``browser`` is one headless
Chromium per test module; make a fresh context per tablet (``new_context``) so that each has its
own storage and keys.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MEETING = "xinzhou-17-3"
CHAIR = ("chair", "chair-demo-2026")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class DemoServer:
    base: str
    data: Path
    process: subprocess.Popen[bytes]

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode()

    def login(self, username: str = CHAIR[0], password: str = CHAIR[1]) -> str:
        token: str = self.api("POST", "/api/login", {"username": username, "password": password})[
            "token"
        ]
        return token

    def credentials(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(
            (self.data / "demo-credentials.json").read_text(encoding="utf-8")
        )
        return loaded


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    data = tmp_path_factory.mktemp("demo") / "data"
    port = _free_port()
    log = (data.parent / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "voting.cli", "demo", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    server = DemoServer(f"http://127.0.0.1:{port}", data, process)
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise AssertionError((data.parent / "server.log").read_text())
            try:
                server.api("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("the demo server did not start")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


# Module scope, not session: Playwright's sync API keeps an event loop running while it lives,
# and the asyncio tests that run after tests/e2e could not start their own.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
