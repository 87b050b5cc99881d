"""bench/crypto.py runs end to end on a tiny load, so that it cannot rot (no timing checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_crypto_benchmark_reports_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/crypto.py", "--ballots", "4", "--repeats", "1", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    figures = json.loads(done.stdout)
    assert figures["bulk_ballots"] == 4
    assert figures["workers"] == 2
    assert figures["selection_bytes"] == 3008
    assert figures["election_bytes"] == 2880
    for name in (
        "scalar_mul_ms",
        "base_mul_ms",
        "selection_make_ms",
        "selection_verify_ms",
        "election_make_ms",
        "election_verify_ms",
        "bulk_verify_s",
    ):
        assert figures[name] > 0, name
