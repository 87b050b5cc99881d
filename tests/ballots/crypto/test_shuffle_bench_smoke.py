"""bench/shuffle.py runs end to end on a tiny load, so that it cannot rot (no timing checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_shuffle_benchmark_reports_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/shuffle.py", "--vectors", "4", "--width", "2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    figures = json.loads(done.stdout)
    assert (figures["vectors"], figures["width"], figures["stations"]) == (4, 2, 2)
    assert figures["decrypted_match"] is True
    assert len(figures["shuffle_and_prove_s"]) == 2
    for name in ("scalar_mul_ms", "verify_chain_s", "decrypt_s", "total_s"):
        assert figures[name] > 0, name
