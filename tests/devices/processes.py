"""Test helpers that run ``congress`` commands as real processes.

A server is never started on a port picked in advance (another program may take it before the
server binds it): :func:`start_server` binds a loopback socket on a port the system picks and
hands it to ``congress serve --fd``; :func:`wait_listening` reads the ``listening on URL`` line
of a server started with ``--port 0`` (``congress demo``).
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from voting.cli.serve import bind

#: Seconds a server process has to say where it listens.
LISTEN_TIMEOUT_S = 60.0


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


def start(*args: str, env: dict[str, str], pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "voting.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        pass_fds=pass_fds,
    )


def start_server(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    """``congress serve ARGS`` on a loopback socket bound here; returns the process and its
    port."""
    with bind("127.0.0.1", 0) as sock:
        fd = sock.fileno()
        process = start("serve", "--fd", str(fd), *args, env=env, pass_fds=(fd,))
        port: int = sock.getsockname()[1]
    return process, port


def wait_listening(log: Path, process: subprocess.Popen[Any]) -> str:
    """The URL in the ``listening on URL`` line that a server started with ``--port 0`` writes
    to ``log`` once it accepts connections."""
    deadline = time.monotonic() + LISTEN_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        found = re.search(r"^listening on (\S+)$", text, re.MULTILINE)
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise AssertionError(f"the server exited before listening:\n{text[-3000:]}")
        time.sleep(0.05)
    raise AssertionError(f"the server did not say where it listens within {LISTEN_TIMEOUT_S} s")


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
