"""The scrutineer station's benchmark runs end to end on 20 ballots, so that it cannot rot.

``bench/crypto.py`` builds a meeting through the real server (20 tablets, the key of three
simulated stations, a closed 12-project choose-10 selection), times the station's verification
and decryption and prints the decrypted totals beside the choices the tablets made: these must
be exactly the expected counts. How fast anything was is never checked.
"""

from __future__ import annotations

import pytest

from tests.bench.scripts import run_bench

pytestmark = pytest.mark.slow


def bench_lines(*arguments: str) -> list[str]:
    done = run_bench("crypto.py", "--ballots", "8", "--repeats", "1", *arguments, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_the_station_decrypts_20_selection_ballots_to_the_choices_made() -> None:
    lines = bench_lines("--station-ballots", "20")
    assert lines[0].startswith("scalar multiplication (variable base)")
    (timed,) = [line for line in lines if line.startswith("station: ")]
    assert timed.startswith("station: verify 20 selection ballots and decrypt: ")
    assert timed.endswith(" s (goal ≤ 60 s)")
    (split,) = [line for line in lines if line.startswith("station split: ")]
    assert "(10 checks passed)" in split
    assert lines[-1] == (
        "station totals, projects p01-p12 chosen: 17 17 16 16 16 16 16 16 17 17 18 18 "
        "(equal to the choices made)"
    )


def test_the_station_decrypts_a_motion_and_can_be_left_out() -> None:
    lines = bench_lines("--station-ballots", "20", "--station-kind", "motion")
    assert lines[-1] == "station totals, for and against: 12 4 (equal to the choices made)"
    assert not [line for line in bench_lines("--station-ballots", "0") if "station" in line]
