"""One open meeting at run time: its state, its log, and the one way to change them.

:meth:`MeetingService.submit` is the only path that writes. Under the meeting's lock it runs a
decision (a function of :mod:`voting.actions`) against the current state, writes the resulting
audit entries together with any side rows (a sealed ballot) in ONE database transaction — in a
worker thread, so the event loop keeps serving while the disk syncs — and applies the entries to
the in-memory state only after the commit. A refused command raises before anything is written.
The state is read and changed only on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select, text
from sqlmodel import Session

from audit.canonical import canonical_bytes
from audit.note import NoteSigner
from audit.store import AuditLog
from voting import actions
from voting.actions import Sealed
from voting.errors import CommandError, Conflict
from voting.state import MeetingState
from voting.tables import SealedBallotRow

Entries = list[dict[str, Any]]
#: A decision returns the entries to write, and for a secret ballot also the ballot to seal.
Decision = Callable[[MeetingState], Entries | tuple[Entries, Sealed]]
SessionWork = Callable[[Session], None]

#: A checkpoint is signed in the same transaction as any of these entry types.
CHECKPOINT_AFTER = frozenset({"meeting_opened", "result", "poll_voided", "meeting_closed"})

log = logging.getLogger(__name__)


def ballot_hash(ballot: dict[str, Any]) -> bytes:
    """SHA-256 of a secret ballot's canonical bytes ``{"choice", "poll", "receipt"}``."""
    return hashlib.sha256(canonical_bytes(ballot)).digest()


def _zero_deleted_bytes(session: Session) -> None:
    """Have SQLite overwrite what this transaction deletes or rewrites: a deleted sealed ballot
    must not survive in free space, where cell positions show the order ballots arrived in."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a tablet's secret replace-token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Written:
    """Entries committed by one command, as stored (with ``v``, ``seq`` and ``at``)."""

    entries: list[dict[str, Any]]

    @property
    def types(self) -> list[str]:
        return [e["type"] for e in self.entries]


class MeetingService:
    """The run-time side of one meeting whose log exists."""

    def __init__(
        self, *, meeting_id: str, engine: Engine, log: AuditLog, signer: NoteSigner
    ) -> None:
        self.meeting_id = meeting_id
        self.engine = engine
        self.log = log
        self.signer = signer
        self.state = MeetingState(origin=log.origin)
        self._lock = asyncio.Lock()
        for data in log.entries():
            self.state.apply(json.loads(data))

    @property
    def origin(self) -> str:
        return self.log.origin

    # The one path that writes --------------------------------------------------------------

    async def submit(
        self,
        decide: Decision,
        *,
        drop_sealed_of_poll: str | None = None,
        also: SessionWork | None = None,
    ) -> Written:
        """Decide, write the entries (and a sealed ballot) in one transaction, then apply them.

        ``drop_sealed_of_poll``: delete that poll's sealed ballots in the same transaction (they
        were revealed as ``ballot`` entries, or the open poll was voided). ``also``: more work on
        the transaction's session (e.g. marking a pairing code used); raising there rolls back.
        """
        async with self._lock:
            return await self._submit(decide, drop_sealed_of_poll, also)

    async def _submit(
        self, decide: Decision, drop_sealed_of_poll: str | None, also: SessionWork | None
    ) -> Written:
        decided = decide(self.state)
        entries, seal = decided if isinstance(decided, tuple) else (decided, None)
        if not entries:
            return Written([])
        stored = await asyncio.to_thread(self._write, entries, seal, drop_sealed_of_poll, also)
        full = [json.loads(data) for data in stored]
        for entry in full:
            self.state.apply(entry)
        return Written(full)

    def _write(
        self,
        entries: list[dict[str, Any]],
        seal: Sealed | None,
        drop_sealed_of_poll: str | None,
        also: SessionWork | None,
    ) -> list[bytes]:
        with self.log.transaction() as tx:
            tx.append_many(entries)
            if seal is not None:
                tx.session.add(
                    SealedBallotRow(
                        origin=self.origin,
                        poll=seal.poll,
                        receipt=seal.receipt,
                        choice_json=json.dumps(seal.choice, ensure_ascii=False),
                        token_hash=seal.token_hash,
                    )
                )
            if drop_sealed_of_poll is not None:
                _zero_deleted_bytes(tx.session)
                tx.session.execute(
                    delete(SealedBallotRow).where(
                        SealedBallotRow.origin == self.origin,  # type: ignore[arg-type]
                        SealedBallotRow.poll == drop_sealed_of_poll,  # type: ignore[arg-type]
                    )
                )
            if also is not None:
                also(tx.session)
            if any(e["type"] in CHECKPOINT_AFTER for e in entries):
                tx.sign_checkpoint()
        return tx.appended

    # Polls with sealed ballots ------------------------------------------------------------

    async def close_poll(self, poll: str, *, by: str) -> Written:
        """Close a poll: its sealed ballots are revealed in receipt order and deleted."""
        async with self._lock:
            sealed = await asyncio.to_thread(self._sealed, poll)
            written = await self._submit(
                lambda state: actions.close_poll(state, poll=poll, sealed=sealed, by=by), poll, None
            )
            if sealed:
                await asyncio.to_thread(self._empty_write_ahead_log)
            return written

    async def void_poll(self, poll: str, *, reason: str, by: str) -> Written:
        """Void a poll; the sealed ballots of an open poll are discarded unrevealed."""
        async with self._lock:
            found = self.state.polls.get(poll)
            had_sealed = found is not None and found.mode == "secret" and found.status == "open"
            written = await self._submit(
                lambda state: actions.void_poll(state, poll=poll, reason=reason, by=by), poll, None
            )
            if had_sealed:
                await asyncio.to_thread(self._empty_write_ahead_log)
            return written

    def _empty_write_ahead_log(self) -> None:
        """Copy SQLite's write-ahead log into the database file and truncate it.

        Frame by frame, the WAL records which sealed ballot was committed together with which
        deputy's participation; once a poll's sealed ballots are deleted, that record must go
        too. Best effort: a reader holding an old snapshot makes SQLite leave the log as it is.
        """
        if self.engine.dialect.name != "sqlite":
            return
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = cursor.fetchone()  # (busy, frames in the log, frames copied)
            cursor.close()
        finally:
            connection.close()
        if row is None or row[0]:
            log.warning("meeting %s: the write-ahead log could not be emptied", self.meeting_id)

    def _sealed(self, poll: str) -> list[Sealed]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(SealedBallotRow).where(
                    SealedBallotRow.origin == self.origin,  # type: ignore[arg-type]
                    SealedBallotRow.poll == poll,  # type: ignore[arg-type]
                )
            ).scalars()
            return [
                Sealed(r.poll, r.receipt, json.loads(r.choice_json), r.token_hash) for r in rows
            ]

    async def replace_ballot(self, *, poll: str, receipt: str, token: str, choice: Any) -> None:
        """Replace a sealed ballot under the ``last`` policy: receipt plus replace-token.

        Nothing is logged: the log shows one participation and, at close, one ballot.
        """
        async with self._lock:
            found = self.state.polls.get(poll)
            if found is None or found.status != "open":
                raise Conflict("poll-closed", "表决已结束", f"poll {poll} is not open")
            if found.change_policy != "last":
                raise Conflict(
                    "vote-final", "按本次表决规则，投票后不能更改", "first press is final"
                )
            actions.check_choice(found.definition, choice)
            await asyncio.to_thread(self._replace, poll, receipt, token_hash(token), choice)

    def sealed_choice(self, poll: str, receipt: str) -> Any:
        """The sealed choice under ``receipt`` (to answer a re-sent ballot), or None."""
        with Session(self.engine) as session:
            row = session.get(SealedBallotRow, (self.origin, poll, receipt))
            return None if row is None else json.loads(row.choice_json)

    def _replace(self, poll: str, receipt: str, token_digest: str, choice: Any) -> None:
        with Session(self.engine) as session, session.begin():
            _zero_deleted_bytes(session)
            row = session.get(SealedBallotRow, (self.origin, poll, receipt))
            if row is None or row.token_hash != token_digest:
                raise CommandError(
                    "bad-replace-token", "回执或改票凭证无效", "unknown receipt or wrong token"
                )
            row.choice_json = json.dumps(choice, ensure_ascii=False)
            session.add(row)

    def acknowledge(self, ballot: dict[str, Any]) -> str:
        """The log key's signature (base64) over the SHA-256 of the ballot's canonical bytes:
        the server's signed promise, kept by the tablet, that this ballot will be counted."""
        return base64.b64encode(self.signer.sign_bytes(ballot_hash(ballot))).decode()

    # Checkpoints --------------------------------------------------------------------------

    async def sign_checkpoint_if_behind(self) -> bool:
        """Sign a checkpoint if entries were added since the last one (the 60 s rule)."""
        async with self._lock:
            if self.log.size == 0:
                return False
            latest = self.log.latest_checkpoint()
            if latest is not None and int(latest.split("\n")[1]) == self.log.size:
                return False
            await asyncio.to_thread(self.log.sign_checkpoint)
            return True
