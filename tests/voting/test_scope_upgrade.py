"""A database written before meetings were granted to accounts opens with no one's reach changed.

The earlier version had accounts and tokens but no grant tables: every account ran every meeting.
On first start the grant tables are created, every chair and operator account is granted every
meeting, and so is every display and auditor token; on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.stores import Store
from tests.voting.conftest import LOG_KEY
from voting.congress import Congress, Principal
from voting.scopes import EVERY_MEETING, NO_MEETING, Scope
from voting.tables import AccountRow, MeetingRow, TokenRow


def earlier_database(url: str) -> Engine:
    """The account, token and meeting tables as the earlier version left them, with rows."""
    engine = create_engine_for(url)
    with engine.begin() as conn:
        for table in (AccountRow, TokenRow, MeetingRow):
            table.__table__.create(conn)  # type: ignore[attr-defined]
        conn.execute(
            text(
                "INSERT INTO account (username, role, password) VALUES"
                " ('boss', 'admin', 'h'), ('chair', 'chair', 'h'), ('op', 'operator', 'h')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO token (token_hash, role, subject, expires_at) VALUES"
                " ('t-display', 'display', 'display:大屏', NULL),"
                " ('t-session', 'chair', 'chair', NULL)"
            )
        )
    return engine


def open_congress(engine: Engine) -> Congress:
    return Congress(
        engine=engine,
        signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
        clock=lambda: datetime(2026, 3, 1, tzinfo=UTC),
    )


def test_an_upgrade_grants_every_meeting_to_the_accounts_and_tokens_there_were(
    store: Store,
) -> None:
    engine = earlier_database(store.url)
    congress = open_congress(engine)
    assert {"account_meeting", "token_meeting"} <= set(inspect(engine).get_table_names())
    assert [(row.username, scope) for row, scope in congress.accounts()] == [
        ("boss", EVERY_MEETING),
        ("chair", EVERY_MEETING),
        ("op", EVERY_MEETING),
    ]
    display = Principal("display", "display:大屏", "t-display")
    assert congress.scope_of(display) == EVERY_MEETING
    # Accounts made after the upgrade start with no meeting; opening again grants nothing more.
    congress.create_account("newcomer", "chair", "newcomer-password")
    open_congress(engine)
    assert congress.scopes.of_account("newcomer") == NO_MEETING
    assert congress.scopes.of_account("chair") == Scope(True)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM account_meeting")).scalar_one()
    assert rows == 2  # chair and op, not the admin, not the newcomer
    engine.dispose()
