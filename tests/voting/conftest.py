"""Fixtures for the meeting server: an app on a temporary SQLite file (``server``) or on each
store in turn (``stored_server``: SQLite, then PostgreSQL), a fixed clock, a key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.stores import Store
from voting.app import create_app
from voting.settings import Settings

LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ORIGIN = "xinzhou.congress.local/2026-3"
ADMIN = ("admin", "admin-password-1")
#: A low scrypt cost for tests' accounts (production: 2**14); hashes carry their own cost.
TEST_SCRYPT_N = 2**8
#: Pushes to watchers wait this long to coalesce (the server's default is 0.2 s).
WATCHER_COALESCE_S = 0.02


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 1, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Server:
    """An app on a database: ``app`` and ``client`` build a new one on the same database each
    time (a restart). The database is the SQLite file ``db`` unless ``database_url`` names
    another; the data directory (keys, documents) is the folder of ``db``."""

    db: Path
    clock: Clock
    database_url: str | None = None

    def app(self) -> Any:
        settings = Settings(
            data_dir=self.db.parent,
            database_url=self.database_url or f"sqlite:///{self.db}",
            scrypt_n=TEST_SCRYPT_N,
            watcher_coalesce_s=WATCHER_COALESCE_S,
        )
        engine = create_engine_for(settings.database_url)
        return create_app(
            settings,
            clock=self.clock,
            engine=engine,
            signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
        )

    def client(self) -> TestClient:
        return TestClient(self.app())


@pytest.fixture
def server(tmp_path: Path) -> Server:
    return Server(tmp_path / "congress.sqlite", Clock())


@pytest.fixture
def stored_server(store: Store, tmp_path: Path) -> Server:
    """A server on the test's store: a SQLite file, then a PostgreSQL database."""
    return Server(store.path or tmp_path / "congress.sqlite", Clock(), store.url)


@pytest.fixture
def client(server: Server) -> Iterator[TestClient]:
    with server.client() as c:
        yield c
