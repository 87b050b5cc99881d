"""``congress demo`` sets up the sample meeting and serves it; a restart reuses it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from devices.tablet import Tablet
from tests.devices.processes import wait_listening


def fetch(url: str, *, data: dict[str, Any] | None = None, token: str | None = None) -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = None if data is None else json.dumps(data).encode()
    with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=5) as r:
        return json.loads(r.read())


def start_demo(data: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``congress demo --port 0`` without the simulated hall; returns the process and the port
    it printed."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "demo", "--port=0", f"--data={data}", "--no-hall"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
    url = wait_listening(log, process)
    port = int(url.rsplit(":", 1)[1])
    assert url == f"http://127.0.0.1:{port}"
    return process, port


def stop(process: subprocess.Popen[bytes], log: Path) -> str:
    process.terminate()
    process.wait(timeout=10)
    return log.read_text(encoding="utf-8")


#: A deputy's line of the banner, then the pairing link alone on the next line.
LINK = r"^   (d0[123]) (\S+)\n   http://127\.0\.0\.1:{port}/tablet/xinzhou-17-3#code=([\w-]+)$"


def test_demo_serves_the_sample_meeting_and_keeps_it(tmp_path: Path) -> None:
    data, log = tmp_path / "demo", tmp_path / "first.log"
    process, port = start_demo(data, log)
    try:
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
        assert [(i["item"], i["kind"]) for i in state["items"]] == [
            ("i01", "report"), ("i08", "motion"), ("i02", "motion"), ("i03", "election"),
            ("i04", "election"), ("i05", "selection"), ("i06", "evaluation"), ("i07", "oath"),
        ]  # fmt: skip
        assert state["items"][1]["title"] == "通过总监票人、监票人、计票人名单"
        assert state["simulated_scrutineers"] is True
        fetch(
            f"{base}/api/meetings/xinzhou-17-3/deputies/d01/sign-in", data={}, token=login["token"]
        )
        with urllib.request.urlopen(f"{base}/", timeout=5) as response:
            landing = (response.headers["content-type"], response.read().decode())
    finally:
        out = stop(process, log)
    assert landing[0] == "text/html; charset=utf-8"
    assert re.findall(r'<a id="(link-[a-z]+)" href="([^"]+)"', landing[1]) == [
        ("link-chair", "/chair"),
        ("link-display", "/display/xinzhou-17-3"),
        ("link-tablet", "/tablet/xinzhou-17-3"),
        ("link-api", "/openapi.json"),
    ]
    assert f"首页 / start here    http://127.0.0.1:{port}/\n" in out
    assert "主持人 / chair       用户名 chair  密码 chair-demo-2026" in out
    links = re.findall(LINK.format(port=port), out, re.MULTILINE)
    assert [(deputy, name) for deputy, name, _ in links] == [
        ("d01", "王建国"),
        ("d02", "李秀英"),
        ("d03", "张志强"),
    ]
    assert "   1. 打开代表链接 → 2. 点击签到 → 3. 主持人开始表决后投票" in out
    assert f" 主持人控制台 / chair console  http://127.0.0.1:{port}/chair" in out

    log = tmp_path / "second.log"
    process, port = start_demo(data, log)
    try:
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
        out = stop(process, log)
    again = re.findall(LINK.format(port=port), out, re.MULTILINE)
    assert [deputy for deputy, _, _ in again] == ["d01", "d02", "d03"]
    assert not {code for _, _, code in again} & {code for _, _, code in links}  # fresh codes
    assert "already paired" not in out

    # d02 paired in the second run: the third prints the note on its own line below the link.
    log = tmp_path / "third.log"
    process, port = start_demo(data, log)
    out = stop(process, log)
    again = re.findall(LINK.format(port=port), out, re.MULTILINE)
    assert (
        f"   d02 李秀英\n   http://127.0.0.1:{port}/tablet/xinzhou-17-3#code={again[1][2]}\n"
        "     （已配对：先在控制台注销原平板再用此链接 / already paired: revoke it first)\n   d03"
    ) in out


def test_ctrl_c_stops_the_demo_and_its_workers_quietly(tmp_path: Path) -> None:
    """Ctrl+C in a terminal signals every process of the foreground group: the server, its
    signature worker and the simulated hall stop without a traceback."""
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "demo", "--port=0", f"--data={tmp_path}/d"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    try:
        base = wait_listening(log, process)
        deadline = time.monotonic() + 30
        while "simulated hall: 51 deputies" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        assert fetch(f"{base}/healthz") == {"ok": True}
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text, text
    assert "KeyboardInterrupt" not in text
    assert text.splitlines()[-1].startswith("INFO:     Finished server process")
