"""The two stores the storage, service, server and crash tests run against: SQLite and PostgreSQL.

The ``store`` fixture (tests/conftest.py) is parametrised over :data:`STORES`; a test that takes
it runs once on a SQLite file and once on a fresh database of the suite's own PostgreSQL cluster
(bench/postgres.py). What differs between the two is written here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

#: The parameters of the ``store`` fixture, which are also the SQLAlchemy dialect names.
STORES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Store:
    """A fresh, empty database for one test: ``kind`` is ``"sqlite"`` or ``"postgresql"``."""

    kind: str
    url: str
    #: The database file (SQLite only).
    path: Path | None = None

    @property
    def db_option(self) -> str:
        """What ``congress simulate --db`` is given: the file's path for SQLite, else the URL."""
        return str(self.path) if self.path is not None else self.url

    def environment(self) -> dict[str, str]:
        """The variables that point a ``congress`` process at this database."""
        return {"CONGRESS_DB": self.url}


def sqlite_store(directory: Path) -> Store:
    path = directory / "var" / "congress.sqlite"
    return Store("sqlite", f"sqlite:///{path}", path)


def trigger_names(conn: Connection) -> list[str]:
    """The names of the triggers in the database, sorted."""
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
    return list(conn.exec_driver_sql(query).scalars())


def drop_entry_update_trigger(conn: Connection) -> None:
    """Remove the trigger refusing UPDATE on ``audit_entry``, as someone with full control of the
    database could."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
    else:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update_delete ON audit_entry")


def table_names(conn: Connection) -> list[str]:
    """The names of the tables in the database, sorted."""
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    return list(conn.exec_driver_sql(query).scalars())


def driver_message(error: Any) -> str:
    """The database's own message in a driver exception: PostgreSQL's primary message, without
    the context lines psycopg adds; SQLite's whole message."""
    diag = getattr(error, "diag", None)
    if diag is not None and diag.message_primary is not None:
        return str(diag.message_primary)
    return str(error)
