"""Fixtures for the tablet-facing parts: the app of tests/voting on a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.voting.conftest import Clock, Server
from tests.voting.sitting import MEETING


@pytest.fixture
def server(tmp_path: Path) -> Server:
    return Server(tmp_path / "congress.sqlite", Clock())


@pytest.fixture
def client(server: Server) -> Iterator[TestClient]:
    with server.client() as c:
        yield c


def log_size(client: TestClient) -> int:
    """Entries in the meeting's log."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    size: int = runtime.congress.service(MEETING).log.size
    return size
