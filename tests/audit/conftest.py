"""Shared helpers for the audit tests: where the tlog test vectors live.

The vectors are transparency-dev/merkle's ``testdata`` folder, copied unmodified into
``tests/audit/tlog_vectors/testdata`` (see ``PROVENANCE.md`` there). Missing vectors make the
tests fail, never skip.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TLOG_VECTORS_DIR = Path(__file__).resolve().parent / "tlog_vectors" / "testdata"


def tlog_vectors_dir() -> Path:
    """The directory holding ``inclusion/`` and ``consistency/``, inside the checkout."""
    return TLOG_VECTORS_DIR


def vector_files(kind: str) -> list[Path]:
    """Every JSON vector under ``<vectors>/<kind>/``, sorted; empty if the folder is missing."""
    folder = tlog_vectors_dir() / kind
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


def read_vector(path: Path) -> dict[str, Any]:
    """Load one vector file, decoding its base64 hashes to bytes and a ``null`` proof to ``[]``.
    Fails the calling test if the file is missing."""
    if not path.is_file():
        pytest.fail(
            f"tlog test vector {path} not found: the checkout should hold "
            "transparency-dev/merkle's testdata in tests/audit/tlog_vectors",
            pytrace=False,
        )
    vector: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for field in ("leafHash", "root", "root1", "root2"):
        if field in vector:
            vector[field] = base64.b64decode(vector[field])
    vector["proof"] = [base64.b64decode(item) for item in vector["proof"] or []]
    return vector


@pytest.fixture(scope="session")
def load_vector() -> Callable[[Path], dict[str, Any]]:
    """:func:`read_vector`, for tests."""
    return read_vector


@pytest.fixture(scope="session")
def tlog_vector_files() -> dict[str, list[Path]]:
    """The inclusion and consistency vector files, by folder name (lists may be empty: tests
    assert their exact counts)."""
    return {kind: vector_files(kind) for kind in ("inclusion", "consistency")}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``inclusion_vector`` and ``consistency_vector`` with every vector file.

    When a folder is missing, the folder itself stands in as the only case, so the test fails
    on reading it (an empty parameter list would only skip).
    """
    for fixture, kind in (("inclusion_vector", "inclusion"), ("consistency_vector", "consistency")):
        if fixture not in metafunc.fixturenames:
            continue
        files = vector_files(kind)
        base = tlog_vectors_dir() / kind
        if files:
            ids = [path.relative_to(base).as_posix() for path in files]
            metafunc.parametrize(fixture, files, ids=ids)
        else:
            metafunc.parametrize(fixture, [base], ids=[f"{kind}-vectors-missing"])
