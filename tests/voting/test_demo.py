"""``congress demo`` sets up the sample meeting and serves it; a restart reuses it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from devices.tablet import Tablet


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str, *, data: dict[str, Any] | None = None, token: str | None = None) -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = None if data is None else json.dumps(data).encode()
    with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=5) as r:
        return json.loads(r.read())


def start_demo(data: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "voting.cli", "demo", "--port", str(port), "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def wait_ready(port: int, process: subprocess.Popen[str]) -> None:
    for _ in range(600):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            fetch(f"http://127.0.0.1:{port}/healthz")
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the demo server did not start")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=10)
    return out


def test_demo_serves_the_sample_meeting_and_keeps_it(tmp_path: Path) -> None:
    data, port = tmp_path / "demo", free_port()
    process = start_demo(data, port)
    try:
        wait_ready(port, process)
        base = f"http://127.0.0.1:{port}"
        login = fetch(
            f"{base}/api/login", data={"username": "chair", "password": "chair-demo-2026"}
        )
        state = fetch(f"{base}/api/meetings/xinzhou-17-3", token=login["token"])
        assert state["meeting"]["title"] == "新洲镇第十七届人民代表大会第三次会议"
        assert state["attendance"] == {
            "electorate": 54,
            "present": 0,
            "leave": 0,
            "quorum_met": False,
        }
        assert [i["kind"] for i in state["items"]] == [
            "report", "motion", "election", "election", "selection", "evaluation", "oath"
        ]  # fmt: skip
        fetch(
            f"{base}/api/meetings/xinzhou-17-3/deputies/d01/sign-in", data={}, token=login["token"]
        )
    finally:
        out = stop(process)
    assert f"服务器 / server      http://127.0.0.1:{port}" in out
    assert "主持人 / chair       用户名 chair  密码 chair-demo-2026" in out
    links = re.findall(
        rf"^   (d0[123]) (\S+)  http://127\.0\.0\.1:{port}/tablet/xinzhou-17-3#code=(\S+)$",
        out,
        re.MULTILINE,
    )
    assert [(deputy, name) for deputy, name, _ in links] == [
        ("d01", "王建国"),
        ("d02", "李秀英"),
        ("d03", "张志强"),
    ]
    assert "   1. 打开代表链接 → 2. 点击签到 → 3. 主持人开始表决后投票" in out
    assert f" 主持人控制台 / chair console  http://127.0.0.1:{port}/chair" in out

    port = free_port()
    process = start_demo(data, port)
    try:
        wait_ready(port, process)
        base = f"http://127.0.0.1:{port}"
        login = fetch(
            f"{base}/api/login", data={"username": "chair", "password": "chair-demo-2026"}
        )
        state = fetch(f"{base}/api/meetings/xinzhou-17-3", token=login["token"])
        assert state["attendance"]["present"] == 1
        # The first run's link still pairs d02's tablet (codes live 30 minutes).
        tablet = Tablet(origin="", device="demo-link-test")
        paired = fetch(
            f"{base}/api/meetings/xinzhou-17-3/pair", data=tablet.pair_request(links[1][2])
        )
        assert paired["deputy"] == "d02"
    finally:
        out = stop(process)
    again = re.findall(r"^   d0[123] \S+  \S+#code=(\S+)$", out, re.MULTILINE)
    assert len(again) == 3 and not set(again) & {code for _, _, code in links}  # fresh codes
