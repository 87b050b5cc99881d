"""Running a benchmark script as its users do: from the repository's root, with this Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *arguments: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python bench/<script> <arguments>``, its output captured as text; never raises on a
    non-zero exit (the tests check the code)."""
    return subprocess.run(
        [sys.executable, f"bench/{script}", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
