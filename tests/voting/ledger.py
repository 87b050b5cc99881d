"""What a server has written, to compare before and after a refused request.

:func:`digest` reads every row of every table of the database (the audit log,
accounts, tokens, pairing codes, meetings), so "nothing written" means nothing at all, and it
reads the log's entries through the running service too: their number and a hash of their bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from tests.stores import table_names
from tests.voting.sitting import MEETING


@dataclass(frozen=True)
class Digest:
    log_size: int
    log_hash: str
    tables: str  # SHA-256 over every row of every table, in a fixed order


def database_digest(engine: Engine) -> str:
    hasher = hashlib.sha256()
    with engine.connect() as connection:
        for name in table_names(connection):
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            hasher.update(name.encode() + b"\0")
            for row in sorted(repr(tuple(row)) for row in rows):
                hasher.update(row.encode() + b"\n")
    return hasher.hexdigest()


def digest(client: TestClient, meeting: str = MEETING) -> Digest:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    log = runtime.congress.service(meeting).log
    entries = hashlib.sha256(b"".join(e + b"\n" for e in log.entries())).hexdigest()
    return Digest(log.size, entries, database_digest(runtime.congress.engine))
