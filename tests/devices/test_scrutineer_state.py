"""A station's state file: written for its owner only, read back whole, refused when foreign."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from devices.scrutineer.local_state import (
    StationStateError,
    load_state,
    new_state,
    save_state,
)


def test_the_state_file_is_the_owners_only_and_reads_back_whole(tmp_path: Path) -> None:
    state = new_state(server="https://hall:8443", meeting="m1", station="laptop-1")
    state.join("key-1", 2, 2, 3)
    state.secret_share = "ab" * 32
    state.outbox["announcement"] = "AQI"
    path = tmp_path / "station.json"
    save_state(state, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_state(path) == state
    assert load_state(path).public_key() == state.public_key()


def test_joining_a_new_run_forgets_the_old_runs_secrets() -> None:
    state = new_state(server="s", meeting="m1", station="laptop-1")
    state.join("key-1", 1, 2, 3)
    state.transport_secret, state.secret_share, state.key_id = "01", "02", "03"
    state.outbox["announcement"] = "AQI"
    state.join("key-2", 3, 2, 3)
    assert (state.ceremony, state.index, state.outbox) == ("key-2", 3, {})
    assert (state.transport_secret, state.secret_share, state.key_id) == (None, None, None)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "cannot read the station's state"),
        ('{"version": 2}', "not a station state file of version 1"),
        ('{"version": 1, "server": "s"}', "missing"),
    ],
)
def test_a_foreign_file_is_refused(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "station.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StationStateError) as caught:
        load_state(path)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
