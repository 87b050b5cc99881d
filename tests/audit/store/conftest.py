"""Fixtures of the stored-log tests: a fresh database (SQLite, then PostgreSQL), a log key, a clock and a log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from audit.note import NoteSigner
from audit.store import AuditLog
from tests.audit.store.helpers import ORIGIN, FakeClock, new_engine
from tests.stores import Store


@pytest.fixture
def engine(store: Store) -> Iterator[Engine]:
    engine = new_engine(store.url)
    yield engine
    engine.dispose()


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.generate(ORIGIN)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def log(engine: Engine, signer: NoteSigner, clock: FakeClock) -> AuditLog:
    return AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
