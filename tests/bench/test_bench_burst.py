"""``bench/burst.py`` repeats the named burst on one server: a small hall, two extra bursts; the
printed lines are checked exactly, never how fast anything was."""

from __future__ import annotations

import re

import pytest

from tests.bench.scripts import run_bench

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("options", "kind"), [((), "motion"), (("--kind", "selection"), "selection")]
)
def test_every_burst_is_timed_and_the_medians_printed(options: tuple[str, ...], kind: str) -> None:
    done = run_bench("burst.py", "--tablets", "12", "--bursts", "2", *options, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4, done.stdout
    heading = rf"2 named bursts \({kind}\) of 12 ballots \(load average \d+\.\d\d after\)"
    assert re.fullmatch(heading, lines[0])
    assert re.fullmatch(r"burst seconds: +\d+\.\d{3}, \d+\.\d{3}", lines[1])
    assert re.fullmatch(r"event loop CPU s: +\d+\.\d\d, \d+\.\d\d", lines[2])
    assert re.fullmatch(
        r"median: \d+\.\d{3} s a burst, \d+ µs of event loop CPU a ballot", lines[3]
    )
    # every extra burst was acknowledged in full (the progress on standard error)
    assert re.findall(r"burst (\d): (\d+) of (\d+) acknowledged", done.stderr) == [
        ("1", "12", "12"),
        ("2", "12", "12"),
    ]
