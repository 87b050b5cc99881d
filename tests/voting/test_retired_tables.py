"""A database file written by an earlier version opens: its retired tables are dropped.

The earlier ``sealed_ballot`` table held the plaintext ballots of open secret polls; secret polls
on tablets are encrypted now, so the table goes when the server opens the file — unless it still
holds ballots, which would be lost: then the server refuses to start and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.voting.conftest import LOG_KEY
from voting.congress import Congress
from voting.tables import RetiredTableNotEmpty

#: The table as the earlier version created it.
SEALED_BALLOT = (
    "CREATE TABLE sealed_ballot (origin VARCHAR NOT NULL, poll VARCHAR NOT NULL,"
    " receipt VARCHAR NOT NULL, choice_json VARCHAR NOT NULL, token_hash VARCHAR NOT NULL,"
    " PRIMARY KEY (origin, poll, receipt)) WITHOUT ROWID"
)


def earlier_database(path: Path, *rows: str) -> Engine:
    engine = create_engine_for(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text(SEALED_BALLOT))
        for receipt in rows:
            conn.execute(
                text(f"INSERT INTO sealed_ballot VALUES ('o', 'p1', '{receipt}', '\"for\"', 'h')")
            )
    return engine


def open_congress(engine: Engine) -> Congress:
    return Congress(
        engine=engine, signer_for=lambda origin: NoteSigner(origin, LOG_KEY), clock=lambda: 0
    )


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_an_earlier_database_opens_without_its_sealed_ballot_table(tmp_path: Path) -> None:
    engine = earlier_database(tmp_path / "db.sqlite")
    open_congress(engine)
    assert "sealed_ballot" not in tables(engine)
    assert {"meeting", "roster", "account", "token", "audit_entry"} <= tables(engine)
    open_congress(engine)  # opening again finds nothing to drop
    assert "sealed_ballot" not in tables(engine)
    engine.dispose()


def test_sealed_ballots_left_by_an_earlier_version_stop_the_start_and_are_kept(
    tmp_path: Path,
) -> None:
    engine = earlier_database(tmp_path / "db.sqlite", "a" * 32, "b" * 32)
    with pytest.raises(RetiredTableNotEmpty) as caught:
        open_congress(engine)
    assert str(caught.value) == (
        "table sealed_ballot still holds 2 rows of an earlier version (a secret poll left open):"
        " close or void that poll with that version before upgrading"
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sealed_ballot")).scalar_one() == 2
    assert tables(engine) == {"sealed_ballot"}
    engine.dispose()
