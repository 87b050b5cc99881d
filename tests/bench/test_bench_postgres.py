"""``bench/run.py --db postgresql`` runs the plenary on SQLite and on a throwaway PostgreSQL
cluster in one invocation and prints both in one table, column beside column.

A small hall (20 tablets, two client processes), the verifier skipped: the table's rows, columns,
units, goals and verdicts are checked exactly, never how fast anything was.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.bench.scripts import run_bench

TABLETS = 20

pytestmark = pytest.mark.slow

#: Every row: figure, unit, goal as printed, and whether it has an echo-baseline counterpart.
ROWS = [
    ("burst.accepted", "ballots", "all 20", False),
    ("burst.p50_ack_s", "s", "", False),
    ("burst.p99_ack_s", "s", "≤ 1.0", True),
    ("burst.per_s", "ballots/s", "", True),
    ("burst.vs_echo", "", "≥ 0.5", False),
    ("encrypted.accepted", "ballots", "all 20", False),
    ("encrypted.p50_ack_s", "s", "", False),
    ("encrypted.p99_ack_s", "s", "≤ 3.0", False),
    ("encrypted.per_s", "ballots/s", "", False),
    ("encrypted.ceremony_s", "s", "", False),
    ("fanout.p50_s", "s", "", False),
    ("fanout.p99_s", "s", "≤ 0.25", True),
    ("reconnect.resynced_s", "s", "≤ 5", True),
    ("memory.kib_per_tablet", "KiB", "≤ 64", True),
    ("sign_in.all_s", "s", "", True),
    ("sign_in.settled_s", "s", "", False),
    ("close.s", "s", "", False),
    ("verify.entries_per_s", "entries/s", "", False),
    ("verify.ceiling_per_s", "entries/s", "", False),
    ("verify.vs_ceiling", "", "≥ 0.9", False),
    ("tally.ms_3000x50", "ms", "≤ 100", True),
]
#: Rows measured once, whatever the database: the verifier (skipped here) and the tally.
DATABASE_FREE = ("verify.", "tally.")
#: The table's fixed columns: (start, end) of each.
FIGURE, SQLITE, POSTGRESQL, ECHO = (0, 24), (24, 40), (40, 56), (56, 72)
UNIT, GOAL, MET = (74, 85), (85, 96), (96, None)


@pytest.fixture(scope="module")
def run() -> subprocess.CompletedProcess[str]:
    arguments = ["--tablets", str(TABLETS), "--clients", "2", "--verify-entries", "0"]
    return run_bench("run.py", *arguments, "--db", "postgresql", timeout=600)


def cell(line: str, column: tuple[int, int | None]) -> str:
    return line[column[0] : column[1]].strip()


def number(text: str) -> float:
    return float(text.replace(",", ""))


def verdict(value: str, goal: str) -> str:
    """What the met column must say for a printed value against its printed goal."""
    if goal.startswith("all"):
        return "yes" if value == f"{TABLETS} of {TABLETS}" else "NO"
    bound = number(goal[2:])
    met = number(value) <= bound if goal.startswith("≤") else number(value) >= bound
    return "yes" if met else "NO"


def test_the_meeting_server_ran_on_sqlite_then_on_a_throwaway_postgresql(
    run: subprocess.CompletedProcess[str],
) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    progress = run.stderr.splitlines()
    starts = [line for line in progress if line.startswith(("meeting server", "echo baseline"))]
    assert starts == [
        f"meeting server (SQLite): {TABLETS} tablets in 2 client processes",
        f"meeting server (PostgreSQL): {TABLETS} tablets in 2 client processes",
        f"echo baseline: {TABLETS} tablets in 2 client processes",
    ]
    assert "starting a throwaway PostgreSQL cluster" in progress


def test_the_table_has_a_sqlite_and_a_postgresql_column(
    run: subprocess.CompletedProcess[str],
) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"plenary benchmark: {TABLETS} tablets, 2 client processes, ")
    assert lines[1] == ""
    assert lines[2] == (
        f"{'figure':<24}{'sqlite':>16}{'postgresql':>16}{'echo baseline':>16}  "
        f"{'unit':<11}{'goal':<11}met"
    )
    rows = lines[3 : 3 + len(ROWS)]
    assert [cell(line, FIGURE) for line in rows] == [name for name, *_ in ROWS]
    assert lines[3 + len(ROWS) :] == [
        "",
        "met: on SQLite/on PostgreSQL; the verifier and the tally do not use the database",
    ]
    for line, (name, unit, goal, has_echo) in zip(rows, ROWS, strict=True):
        assert (cell(line, UNIT), cell(line, GOAL)) == (unit, goal), line
        sqlite, postgresql, echo = cell(line, SQLITE), cell(line, POSTGRESQL), cell(line, ECHO)
        if name.startswith("verify."):
            assert (sqlite, postgresql, echo) == ("skipped", "", ""), line
        elif name.endswith(".accepted"):
            assert (sqlite, postgresql, echo) == (f"{TABLETS} of {TABLETS}",) * 2 + ("",), line
        else:
            once = name.startswith(DATABASE_FREE)
            measured = [sqlite] if once else [sqlite, postgresql]
            assert postgresql == "" if once else postgresql != "", line
            assert (echo != "") is has_echo, line
            assert all(number(value) >= 0 for value in measured + [echo][:has_echo]), line
        met = cell(line, MET)
        if not goal:
            assert met == "", line
        elif name.startswith("verify."):
            assert met == "—", line
        elif name.startswith(DATABASE_FREE):
            assert met == verdict(sqlite, goal), line
        else:
            assert met == f"{verdict(sqlite, goal)}/{verdict(postgresql, goal)}", line


def test_a_database_other_than_postgresql_is_refused() -> None:
    done = run_bench("run.py", "--db", "mysql://127.0.0.1/congress", timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "run.py: error: --db takes 'postgresql' or a postgresql://… URL (SQLite is always measured)"
    )
