"""Test helpers that run ``congress`` commands as real processes."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")}
    return dict(env, CONGRESS_DATA=str(data), PYTHONUNBUFFERED="1")


def congress(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voting.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "voting.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def fetch(
    url: str,
    *,
    data: Any = None,
    token: str | None = None,
    context: ssl.SSLContext | None = None,
) -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, body, headers)
    with urllib.request.urlopen(request, timeout=5, context=context) as response:
        return json.loads(response.read())


def wait_ready(url: str, process: subprocess.Popen[str], context: ssl.SSLContext | None) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise AssertionError(process.stdout.read() if process.stdout else "exited")
        try:
            fetch(f"{url}/healthz", context=context)
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server did not start")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out
