"""``congress simulate``: a whole sitting by simulated tablets against a real server process."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audit.verify import verify_bundle
from tests.devices.processes import congress, environment, start_server, stop, wait_ready

TABLETS = 12
POLLS = 5
SECRET_POLLS = 4


@dataclass(frozen=True)
class Run:
    process: subprocess.CompletedProcess[str]
    bundle: Path

    @property
    def lines(self) -> list[str]:
        return self.process.stdout.splitlines()

    def entries(self) -> list[dict[str, Any]]:
        text = (self.bundle / "entries.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    scratch = tmp_path_factory.mktemp("simulate")
    bundle = scratch / "bundle"
    done = congress(
        "simulate", "--tablets", str(TABLETS), "--export", str(bundle), env=environment(scratch)
    )
    return Run(done, bundle)


def test_the_rehearsal_passes_and_reports_exact_counts(run: Run) -> None:
    assert run.process.returncode == 0, run.process.stdout + run.process.stderr
    summary = run.lines[run.lines.index("模拟会议汇总 / simulation summary") :]
    assert summary[:9] == [
        "模拟会议汇总 / simulation summary",
        "  平板 / tablets                        12 tablets, 12 paired",
        "  签到 / signed in                      11 by tablet, 1 by operator",
        "  表决 / polls                          5 polls",
        "  确认的投票 / votes acknowledged       60 of 60",
        "  掉线重连 / reconnections              2 reconnections, 2 re-sent votes counted once",
        "  复核一致 / results match recount      5 of 5",
        "  包含证明 / inclusion checks passed    48 of 48",
        "  记名表决核对 / named votes published  12 of 12",
    ]
    assert re.fullmatch(
        r"  投票往返 / vote round trip {12}p50 \d+\.\d ms, p95 \d+\.\d ms, max \d+\.\d ms",
        summary[9],
    )
    assert re.fullmatch(r"  用时 / elapsed {24}\d+\.\d s", summary[10])
    assert re.fullmatch(
        r"  日志公钥 / log key {20}rehearsal\.congress\.local/rehearsal-[0-9-]+-[0-9a-f]{4}"
        r"\+[0-9a-f]{8}\+\S+",
        summary[11],
    )
    assert summary[12] == "  结论 / verdict                        全部通过 / all passed"
    # A progress line per phase, server first.
    phases = run.lines[: run.lines.index("表决结果 / results") - 1]
    assert [p.split(" ", 1)[0] for p in phases] == ["[0]", *(f"[{n}/10]" for n in range(1, 11))]
    assert phases[1].startswith("[1/10] 会议准备 / meeting set up: 12 名代表 / deputies, ")
    assert run.lines[-1] == "结果：全部检查通过 / result: every check passed"


def test_the_exported_bundle_verifies_under_the_printed_log_key(run: Run) -> None:
    (line,) = [line for line in run.lines if line.startswith("  日志公钥 / log key")]
    vkey = line.split()[-1]
    assert (run.bundle / "log.vkey").read_text() == vkey + "\n"
    report = verify_bundle(run.bundle, vkey=vkey)
    assert report.ok, report
    entries = run.entries()
    assert Counter(e["type"] for e in entries if e["type"] in {"ballot", "vote", "result"}) == {
        "ballot": TABLETS * SECRET_POLLS,
        "vote": TABLETS,
        "result": POLLS,
    }


def test_a_vote_resent_after_a_dropped_connection_counts_once(run: Run) -> None:
    entries = run.entries()
    results = {e["poll"]: e["result"] for e in entries if e["type"] == "result"}
    assert {poll: r["ballots"]["cast"] for poll, r in results.items()} == {
        f"p{n}": TABLETS for n in range(1, POLLS + 1)
    }
    # p1 (secret): the first tablet dropped after sending; one participation and one ballot each.
    participations = Counter(
        e["deputy"] for e in entries if e["type"] == "participation" and e["poll"] == "p1"
    )
    assert participations == {f"d{i:03}": 1 for i in range(1, TABLETS + 1)}
    assert sum(1 for e in entries if e["type"] == "ballot" and e["poll"] == "p1") == TABLETS
    # p2 (named): the second tablet dropped after sending; its vote is in the log once.
    votes = Counter(e["deputy"] for e in entries if e["type"] == "vote" and e["poll"] == "p2")
    assert votes == {f"d{i:03}": 1 for i in range(1, TABLETS + 1)}
    # The re-sent messages were answered from the log, not written again: one signed body per
    # device counter.
    bodies = [(e["body"]["device"], e["body"]["n"]) for e in entries if "body" in e]
    assert len(bodies) == len(set(bodies))


def test_simulate_drives_a_running_server_with_url(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = environment(data)
    init = congress(
        "init", "--origin", "hall.local/dress", "--admin", "chief", env=env, stdin="chief-pass-1\n"
    )
    assert init.returncode == 0, init.stderr
    server, port = start_server(env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, server, None)
        bundle = tmp_path / "bundle"
        done = congress(
            "simulate",
            "--tablets",
            "3",
            "--url",
            url,
            "--user",
            "chief",
            "--export",
            str(bundle),
            env=environment(tmp_path / "elsewhere"),
            stdin="chief-pass-1\n",
        )
    finally:
        stop(server)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  确认的投票 / votes acknowledged       15 of 15" in done.stdout
    assert "  包含证明 / inclusion checks passed    12 of 12" in done.stdout
    assert verify_bundle(bundle).ok


def test_a_refused_export_directory_stops_before_anything_runs(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("keep me")
    done = congress("simulate", "--export", str(taken), env=environment(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (
        f"congress simulate: 导出目录 {taken} 须不存在或为空 / "
        f"the export directory {taken} must be absent or empty\n"
    )
    assert done.stdout == ""


def test_a_database_with_meetings_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "used.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE meeting (id TEXT PRIMARY KEY)")
        connection.execute("INSERT INTO meeting VALUES ('m1')")
    done = congress("simulate", "--db", str(db), env=environment(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (
        "congress simulate: --db 须是空数据库（其中已有会议） / --db must be an empty database"
        " (this one already holds meetings)\n"
    )


def test_simulate_encrypted_runs_an_encrypted_motion_with_simulated_scrutineers(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "bundle"
    done = congress(
        "simulate", "--tablets", "6", "--encrypted", "--export", str(bundle),
        env=environment(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    (phase,) = [line for line in lines if line.startswith("[10/11]")]
    match = re.fullmatch(
        r"\[10/11\] 加密表决（模拟监票人） / encrypted motion \(simulated scrutineers\): "
        r"模拟监票人已解密 / decrypted by the simulated scrutineers: "
        r"for (\d)，against (\d)，abstain (\d) \(\d+\.\d\d s\)",
        phase,
    )
    assert match is not None, phase
    assert sum(int(n) for n in match.groups()) == 6
    assert "  确认的投票 / votes acknowledged       36 of 36" in lines
    assert lines[-1] == "结果：全部检查通过 / result: every check passed"
    entries = [json.loads(line) for line in (bundle / "entries.jsonl").read_text().splitlines()]
    kinds = Counter(e["type"] for e in entries)
    assert (kinds["encrypted_ballot"], kinds["key_completed"], kinds["decrypted_totals"]) == (
        6,
        1,
        1,
    )
    assert kinds["decryption_shares"] == 2  # t = 2 of the 3 stations
    stations = sorted(e["station"] for e in entries if e["type"] == "station_paired")
    assert stations == ["station-d001", "station-d002", "station-d003"]
