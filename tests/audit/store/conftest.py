"""Fixtures of the stored-log tests: a fresh SQLite database, a log key, a clock and a log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from audit.note import NoteSigner
from audit.store import AuditLog
from tests.audit.store.helpers import ORIGIN, FakeClock, new_engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = new_engine(tmp_path)
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
