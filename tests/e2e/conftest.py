"""Browser tests: a real server process (``congress demo`` on a scratch directory) and the
system Chromium driven by Playwright.

``demo_server`` starts one server per test module (``congress demo --port 0 --no-hall``, on the
port it prints) with the sample 54-deputy meeting ``xinzhou-17-3`` and no simulated deputies (chair account ``chair`` / ``chair-demo-2026``). ``browser`` is one headless
Chromium per test module; make a fresh context per tablet (``new_context``) so that each has its
own storage and keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.devices.processes import wait_listening

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
    log_path = data.parent / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "voting.cli", "demo", "--port=0", f"--data={data}", "--no-hall"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        server = DemoServer(wait_listening(log_path, process), data, process)
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
