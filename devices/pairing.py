"""Pairing codes: the one-time secret that lets one tablet register its key for one deputy.

An operator issues a code (printed on a card or shown as a QR code); the tablet sends it with
its public key, and the server marks it used in the same transaction that writes
``device_paired`` (:mod:`voting.core.devices` decides the pairing itself). Only the SHA-256 of
a code is stored. Time enters as ``now_at``, a function returning the log's time format.

Errors::

    PairingCodeError   the code is unknown, of another meeting, used, or expired
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel

#: How long a pairing code is valid.
PAIRING_MINUTES = 30


def random_code(nbytes: int) -> str:
    """``nbytes`` random bytes as URL-safe base64 that never begins with ``-``: codes and
    tokens are typed after an option (``congress scrutineer --code CODE --token TOKEN``), where
    a leading ``-`` would be read as another option. Drawn again in that case (1 in 64), so the
    rest stay uniform."""
    while (code := secrets.token_urlsafe(nbytes)).startswith("-"):
        pass
    return code


class PairingCodeRow(SQLModel, table=True):
    """A one-time pairing code for a deputy's tablet (its SHA-256 only)."""

    __tablename__ = "pairing_code"

    code_hash: str = Field(primary_key=True)
    meeting: str
    deputy: str
    expires_at: str
    used: bool = False


class PairingCodeError(Exception):
    """A pairing code that cannot be used: ``code`` is stable, ``zh``/``en`` for people."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.zh, self.en = code, zh, en


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PairingCodes:
    """The pairing codes of every meeting, in ``engine``'s ``pairing_code`` table."""

    def __init__(self, engine: Engine, now_at: Callable[[timedelta], str]) -> None:
        self.engine = engine
        self.now_at = now_at

    def issue(self, meeting: str, deputy: str) -> tuple[str, str]:
        """A new code for ``deputy``'s tablet, and when it expires."""
        code = random_code(16)
        expires_at = self.now_at(timedelta(minutes=PAIRING_MINUTES))
        with Session(self.engine) as session, session.begin():
            row = PairingCodeRow(
                code_hash=_sha256(code), meeting=meeting, deputy=deputy, expires_at=expires_at
            )
            session.add(row)
        return code, expires_at

    def deputy_of(self, meeting: str, code: str) -> str:
        """The deputy a valid, unused, unexpired code of ``meeting`` was issued for."""
        with Session(self.engine) as session:
            return self._row(session, meeting, code).deputy

    def use(self, session: Session, meeting: str, code: str) -> None:
        """Mark the code used, in the caller's transaction (the one writing device_paired)."""
        row = self._row(session, meeting, code)
        row.used = True
        session.add(row)

    def _row(self, session: Session, meeting: str, code: str) -> PairingCodeRow:
        row = session.get(PairingCodeRow, _sha256(code))
        if row is None or row.meeting != meeting:
            raise PairingCodeError("bad-pairing-code", "配对码无效", "unknown pairing code")
        if row.used:
            raise PairingCodeError("pairing-code-used", "配对码已使用", "pairing code already used")
        if row.expires_at <= self.now_at(timedelta()):
            raise PairingCodeError("pairing-code-expired", "配对码已过期", "pairing code expired")
        return row
