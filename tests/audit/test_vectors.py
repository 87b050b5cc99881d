"""Every transparency-dev/merkle inclusion and consistency vector, through our verifiers.

A vector with ``wantErr`` must raise :class:`ProofError`; any other must verify.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ProofError
from audit.merkle import verify_consistency, verify_inclusion

Loader = Callable[[Path], dict[str, Any]]

# audit-log.md §2: 98 inclusion and 98 consistency cases.
EXPECTED_INCLUSION_FILES = 98
EXPECTED_CONSISTENCY_FILES = 98


def test_vector_counts(tlog_vector_files: dict[str, list[Path]]) -> None:
    assert len(tlog_vector_files["inclusion"]) == EXPECTED_INCLUSION_FILES, (
        "inclusion vectors missing or changed; see tests/audit/tlog_vectors"
    )
    assert len(tlog_vector_files["consistency"]) == EXPECTED_CONSISTENCY_FILES, (
        "consistency vectors missing or changed; see tests/audit/tlog_vectors"
    )


def test_inclusion_vector(inclusion_vector: Path, load_vector: Loader) -> None:
    vector = load_vector(inclusion_vector)

    def verify() -> None:
        verify_inclusion(
            vector["leafHash"],
            vector["leafIdx"],
            vector["treeSize"],
            vector["proof"],
            vector["root"],
        )

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify()
    else:
        verify()


def test_consistency_vector(consistency_vector: Path, load_vector: Loader) -> None:
    vector = load_vector(consistency_vector)

    def verify() -> None:
        verify_consistency(
            vector["size1"],
            vector["size2"],
            vector["proof"],
            vector["root1"],
            vector["root2"],
        )

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify()
    else:
        verify()
