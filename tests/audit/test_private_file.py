"""Private files: created new with exactly their mode, complete or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import audit.private_file as private_file
from audit.private_file import write_new_file, write_private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_private_file_has_mode_0600_even_under_a_permissive_umask(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    old = os.umask(0)
    try:
        write_private_file(path, b"secret")
    finally:
        os.umask(old)
    assert (path.read_bytes(), mode(path)) == (b"secret", 0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_a_file_gets_exactly_the_mode_asked_for_under_a_narrow_umask(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    old = os.umask(0o077)
    try:
        write_new_file(path, b"certificate", mode=0o644)
    finally:
        os.umask(old)
    assert mode(path) == 0o644


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_private_file(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(private_file.os, "fsync", failing_fsync)
    with pytest.raises(OSError) as caught:
        write_private_file(tmp_path / "key.pem", b"secret")
    assert caught.value.errno == 28
    assert list(tmp_path.iterdir()) == []
