"""``congress scrutineer`` against a real server: one station run by the command line, two
simulated ones beside it; the key completes, the card and the state file are the owner's only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ballots.crypto.threshold.card import parse_card
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import simulated_station
from tests.devices.processes import environment
from tests.voting.ceremony.sitting import AGENDA, MANUAL
from tests.voting.live_server import live_server
from tests.voting.sitting import MEETING
from voting.cli.main import main


def test_the_command_line_station_completes_the_key_with_two_simulated_ones(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, 5) as server:
        server.meeting("PUT", "/agenda", AGENDA)
        for i in range(1, 6):
            server.meeting("POST", f"/deputies/d{i:02}/sign-in")
        poll = server.meeting(
            "POST", "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
        )
        server.meeting("POST", f"/polls/{poll['poll']}/manual-result", MANUAL)
        codes = {
            d: server.meeting("POST", f"/scrutineers/{d}/station-code")["code"]
            for d in ("d01", "d02", "d03")
        }
        state, card = tmp_path / "station.json", tmp_path / "card.txt"
        command = [
            sys.executable, "-m", "voting.cli", "scrutineer",
            "--server", server.url, "--code", codes["d01"], "--state", str(state),
            "--station", "laptop-d01", "--card", str(card),
            "--interval", "0.1", "--until-key", "--timeout", "120",
        ]  # fmt: skip
        cli = subprocess.Popen(
            command,
            env=environment(tmp_path / "station"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        others = []
        for deputy in ("d02", "d03"):
            station = simulated_station(HttpTransport(server.url), MEETING, deputy)
            station.pair(codes[deputy])
            others.append(station)
        deadline = time.monotonic() + 60
        while server.meeting("GET", "/ceremony/progress")["scrutineers"] == []:
            assert time.monotonic() < deadline, "d01's station did not pair"
            # The chair starts once every station is paired.
            status, _ = server.request(
                "POST", f"/api/meetings/{MEETING}/ceremony/start", {}, token=server.token
            )
            if status != 200:
                time.sleep(0.1)
        while cli.poll() is None:
            assert time.monotonic() < deadline, "the ceremony did not complete"
            for station in others:
                station.step()
            time.sleep(0.1)
        output = cli.stdout.read() if cli.stdout else ""
        assert cli.returncode == 0, output
        board = server.meeting("GET", "/ceremony")
        assert server.errors() == 0

    key_id = board["key"]["key_id"]
    assert board["phase"] == "complete"
    lines = output.splitlines()
    assert lines[0] == "已配对：代表 d01，终端 laptop-d01 / paired: deputy d01, station laptop-d01"
    for expected in (
        "第 1 轮：已发送公告（传输密钥与承诺） / round 1: posted announcement (transport key, "
        "commitments)",
        "第 2 轮：已发送加密份额 → 2 / round 2: posted sealed share → 2",
        "第 2 轮：已发送加密份额 → 3 / round 2: posted sealed share → 3",
        "第 3 轮：已发送确认全部份额有效 / round 3: posted acceptance of every share",
        "第 4 轮：已发送验证密钥 / round 4: posted verification key",
        f"密钥编号 {key_id[:16]}… / key id {key_id[:16]}…",
    ):
        assert expected in lines, output
    written = parse_card(card.read_text(encoding="utf-8"))
    assert (written.scrutineer, written.t, written.n) == (1, 2, 3)
    assert written.key_prefix == bytes.fromhex(key_id)[:8]
    assert stat.S_IMODE(os.stat(card).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600


def test_the_first_run_needs_a_pairing_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "station.json"
    assert main(["scrutineer", "--server", "http://127.0.0.1:9", "--state", str(state)]) == 2
    assert capsys.readouterr().err == (
        "错误：首次运行需要 --code 配对码 / error: the first run needs --code\n"
    )
    assert not state.exists()
