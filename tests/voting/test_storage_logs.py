"""A failed transaction is logged without the values of its SQL parameters: they may be a
deputy's ballot, a device key or a password hash."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.voting.conftest import LOG_KEY, ORIGIN
from voting import core
from voting.congress import Congress
from voting.errors import Unavailable
from voting.roster import RosterLine
from voting.service import MeetingService

SECRET = "choice-for-4711"


NOW = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)


def signer_for(origin: str) -> NoteSigner:
    return NoteSigner(origin, LOG_KEY)


async def open_meeting(tmp_path: Path) -> MeetingService:
    engine = create_engine_for(f"sqlite:///{tmp_path}/x.sqlite")
    congress = Congress(engine=engine, signer_for=signer_for, clock=lambda: NOW)
    congress.create_meeting(
        meeting="m1", origin=ORIGIN, title="镇人代会", date="2026-03-01", settings={}
    )
    congress.set_roster("m1", [RosterLine("d01", "代表01", "01", "active")])
    return await congress.open_meeting("m1", by="admin")


def failing_statement(session: Session) -> None:
    session.execute(text("INSERT INTO no_such_table VALUES (:choice)"), {"choice": SECRET})


async def test_a_storage_error_is_logged_without_parameter_values(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = await open_meeting(tmp_path)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Unavailable):
        await service.submit(
            lambda s: core.sign_in_by_operator(s, deputy="d01", by="op"),
            also=failing_statement,
        )
    failures = [r.getMessage() for r in caplog.records if "a transaction failed" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].startswith(
        "a transaction failed: (sqlite3.OperationalError) no such table: no_such_table\n"
        "[SQL: INSERT INTO no_such_table VALUES (?)]\n"
        "[SQL parameters hidden due to hide_parameters=True]"
    )
    assert not [r for r in caplog.records if SECRET in r.getMessage()]
    service.engine.dispose()
