"""``congress simulate``: a whole sitting by simulated tablets against a real server process."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from audit.tables import create_engine_for
from audit.verify import verify_bundle
from tests.devices.processes import congress, environment, start_server, stop, wait_ready
from tests.stores import Store

TABLETS = 12
POLLS = 5
ENCRYPTED_POLLS = frozenset({"p1", "p3", "p4", "p5"})
#: The fields of an encrypted ballot's log entry and of its signed body: no plaintext among them.
ENTRY_FIELDS = {"at", "ballot", "body", "deputy", "device", "poll", "seq", "sig", "type", "v"}
BODY_FIELDS = {"ballot_hash", "deputy", "device", "n", "origin", "poll", "type"}
#: The name the standard sitting's election writes in (examples/rehearsal/standard-sitting.json).
WRITE_IN = "郑国平"
#: The deputies whose simulated stations hold the key shares (总监票人 and 监票人).
HOLDERS = {"d001", "d002", "d003"}


@dataclass(frozen=True)
class Run:
    process: subprocess.CompletedProcess[str]
    bundle: Path
    db: Path

    @property
    def lines(self) -> list[str]:
        return self.process.stdout.splitlines()

    def entries(self) -> list[dict[str, Any]]:
        text = (self.bundle / "entries.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    scratch = tmp_path_factory.mktemp("simulate")
    bundle, db = scratch / "bundle", scratch / "rehearsal.sqlite"
    done = congress(
        "simulate", "--tablets", str(TABLETS), "--export", str(bundle), "--db", str(db),
        env=environment(scratch),
    )  # fmt: skip
    return Run(done, bundle, db)


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
    assert [p.split(" ", 1)[0] for p in phases] == ["[0]", *(f"[{n}/11]" for n in range(1, 12))]
    assert phases[1].startswith("[1/11] 会议准备 / meeting set up: 12 名代表 / deputies, ")
    assert re.fullmatch(
        r"\[5/11\] 监票人就位 / scrutineers and key ceremony: 3 台模拟监票终端，密钥仪式完成"
        r" / simulated stations, key ceremony complete \(\d+\.\d\d s\)",
        phases[5],
    )
    assert [p.split(": ", 1)[0] for p in phases[6:11]] == [
        "[6/11] 表决 p1 关于2026年财政预算的决议 / poll p1 (encrypted motion)",
        "[7/11] 表决 p2 关于设立人大代表联络站的决定 / poll p2 (named motion)",
        "[8/11] 表决 p3 选举副镇长 / poll p3 (encrypted election)",
        "[9/11] 表决 p4 2026年度民生实事项目票决 / poll p4 (encrypted selection)",
        "[10/11] 表决 p5 镇政府工作部门满意度测评 / poll p5 (encrypted evaluation)",
    ]
    assert run.lines[-1] == "结果：全部检查通过 / result: every check passed"


def test_the_exported_bundle_verifies_under_the_printed_log_key(run: Run) -> None:
    (line,) = [line for line in run.lines if line.startswith("  日志公钥 / log key")]
    vkey = line.split()[-1]
    assert (run.bundle / "log.vkey").read_text() == vkey + "\n"
    report = verify_bundle(run.bundle, vkey=vkey)
    assert report.ok, report
    entries = run.entries()
    kinds = Counter(e["type"] for e in entries)
    assert (kinds["encrypted_ballot"], kinds["vote"], kinds["result"]) == (
        TABLETS * len(ENCRYPTED_POLLS),
        TABLETS,
        POLLS + 1,  # and the scrutineers' list, adopted on paper
    )
    assert (kinds["key_completed"], kinds["decrypted_totals"], kinds["decrypted_write_ins"]) == (
        1,
        len(ENCRYPTED_POLLS),
        1,
    )
    assert kinds["decryption_shares"] == 2 * len(ENCRYPTED_POLLS)  # t = 2 of the 3 stations
    assert "ballot" not in kinds and "participation" not in kinds
    stations = sorted(e["station"] for e in entries if e["type"] == "station_paired")
    assert stations == ["station-d001", "station-d002", "station-d003"]
    (write_ins,) = [e for e in entries if e["type"] == "decrypted_write_ins"]
    assert (write_ins["poll"], write_ins["write_ins"]) == ("p3", {WRITE_IN: 2})


def test_a_vote_resent_after_a_dropped_connection_counts_once(run: Run) -> None:
    entries = run.entries()
    results = {e["poll"]: e["result"] for e in entries if e["type"] == "result"}
    assert {poll: r["ballots"]["cast"] for poll, r in results.items()} == {
        f"p{n}": TABLETS for n in range(0, POLLS + 1)
    }
    # p1 (encrypted): the first tablet dropped after sending; one encrypted ballot each.
    cast = Counter(
        e["deputy"] for e in entries if e["type"] == "encrypted_ballot" and e["poll"] == "p1"
    )
    assert cast == {f"d{i:03}": 1 for i in range(1, TABLETS + 1)}
    # p2 (named): the second tablet dropped after sending; its vote is in the log once.
    votes = Counter(e["deputy"] for e in entries if e["type"] == "vote" and e["poll"] == "p2")
    assert votes == {f"d{i:03}": 1 for i in range(1, TABLETS + 1)}
    # The re-sent messages were answered from the log, not written again: one signed body per
    # device counter.
    bodies = [(e["body"]["device"], e["body"]["n"]) for e in entries if "body" in e]
    assert len(bodies) == len(set(bodies))


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _is_sealed_ciphertext(entry: dict[str, Any]) -> bool:
    """An encrypted ballot's entry as the tablet sent it: its fixed fields, a body without a
    choice, and a ballot of base64url group elements and proofs only."""
    if entry["type"] != "encrypted_ballot":
        return False
    ballot_text = list(_strings(entry["ballot"]))
    return (
        set(entry) == ENTRY_FIELDS
        and set(entry["body"]) == BODY_FIELDS
        and all(re.fullmatch(r"[A-Za-z0-9_-]+", text) for text in ballot_text)
    )


def test_nothing_links_an_encrypted_ballot_to_a_deputy(run: Run) -> None:
    """The log, the exported bundle and every table of the database: whatever names a deputy
    and an encrypted poll is that deputy's ciphertext; the decrypted totals and write-ins name
    no deputy; the rehearsal's output names none either."""
    deputies = {f"d{i:03}" for i in range(1, TABLETS + 1)}
    bundle = run.entries()
    with sqlite3.connect(run.db) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        rows = {t: connection.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    stored = [json.loads(bytes(row[2])) for row in rows.pop("audit_entry")]
    assert stored == bundle  # the database's log is the one exported
    for entries in (bundle, stored):
        linked = [
            e for e in entries if e.get("poll") in ENCRYPTED_POLLS and deputies & set(_strings(e))
        ]
        sealed = [e for e in linked if _is_sealed_ciphertext(e)]
        assert len(sealed) == TABLETS * len(ENCRYPTED_POLLS), [e["type"] for e in linked]
        # The rest: who was present and who took part (everyone, as a list), and the
        # stations' own work under the names of the three key holders — never a choice.
        rest = [e for e in linked if e not in sealed]
        assert Counter(e["type"] for e in rest) == {
            "poll_opened": len(ENCRYPTED_POLLS),
            "poll_closed": len(ENCRYPTED_POLLS),
            "liveness": 3 * len(ENCRYPTED_POLLS),
            "shuffle": 3,
            "write_in_shares": 2,
        }
        everyone = sorted(deputies)
        assert all(e["present"] == everyone for e in rest if e["type"] == "poll_opened")
        assert all(e["participants"] == everyone for e in rest if e["type"] == "poll_closed")
        stations = [e for e in rest if e["type"] not in {"poll_opened", "poll_closed"}]
        assert set().union(*(deputies & set(_strings(e)) for e in stations)) == HOLDERS
        plaintext = [e for e in entries if WRITE_IN in _strings(e)]
        assert [e["type"] for e in plaintext] == ["decrypted_write_ins", "result"]
        assert not any(deputies & set(_strings(e)) for e in plaintext)
    polls = ENCRYPTED_POLLS | {"p2"}
    for table, found in rows.items():
        for row in found:
            values = {str(v) for v in row}
            assert not (values & deputies and values & polls), (table, row)
            assert not any(WRITE_IN in v for v in values), (table, row)
    assert not deputies & set(re.findall(r"\bd\d{3}\b", run.process.stdout))


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
            "4",
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
    assert "  确认的投票 / votes acknowledged       20 of 20" in done.stdout
    assert "  包含证明 / inclusion checks passed    16 of 16" in done.stdout
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


def test_a_database_with_meetings_is_refused(store: Store, tmp_path: Path) -> None:
    engine = create_engine_for(store.url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE meeting (id TEXT PRIMARY KEY)"))
        connection.execute(text("INSERT INTO meeting VALUES ('m1')"))
    engine.dispose()
    done = congress("simulate", "--db", store.db_option, env=environment(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (
        "congress simulate: --db 须是空数据库（其中已有会议） / --db must be an empty database"
        " (this one already holds meetings)\n"
    )
