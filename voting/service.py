"""One open meeting at run time: its state, its log, and the one way to change them.

:meth:`MeetingService.submit` is the only path that writes. Under the meeting's lock it runs
decisions (functions of :mod:`voting.actions`) against the current state and writes the
resulting audit entries together with any side rows (sealed ballots) in ONE database
transaction — in a worker thread, so the event loop keeps serving while the disk syncs. A
command is answered only after that commit; a refused command raises and writes nothing; if the
transaction fails, the state is rebuilt from the committed log. The state is read and changed
only on the event loop's thread.
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

from sqlalchemy import Engine, delete, insert, select, text
from sqlmodel import Session

from audit.canonical import canonical_bytes
from audit.note import NoteSigner
from audit.store import AuditLog
from voting import actions
from voting.actions import Sealed
from voting.errors import CommandError, Conflict, storage_failed
from voting.state import MeetingState
from voting.tables import SealedBallotRow

Entries = list[dict[str, Any]]
#: A decision returns the entries to write, and for a secret ballot also the ballot to seal.
Decision = Callable[[MeetingState], Entries | tuple[Entries, Sealed]]
SessionWork = Callable[[Session], None]
#: Told of every committed transaction: the service and the entries written, as stored.
CommitListener = Callable[["MeetingService", Entries], None]

#: A checkpoint is signed in the same transaction as any of these entry types.
CHECKPOINT_AFTER = frozenset({"meeting_opened", "result", "poll_voided", "meeting_closed"})
#: Commands committed together in one transaction, at most.
MAX_BATCH = 500

SEALED_TABLE = SealedBallotRow.__table__  # type: ignore[attr-defined]

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


class _Pending:
    """A command waiting for its transaction, and the future its caller awaits."""

    __slots__ = ("also", "decide", "drop_sealed_of_poll", "future")

    def __init__(
        self, decide: Decision, drop_sealed_of_poll: str | None, also: SessionWork | None
    ) -> None:
        self.decide = decide
        self.drop_sealed_of_poll = drop_sealed_of_poll
        self.also = also
        self.future: asyncio.Future[Written] = asyncio.get_running_loop().create_future()

    def succeed(self, written: Written) -> None:
        if not self.future.done():  # the caller may have gone (a dropped connection)
            self.future.set_result(written)

    def fail(self, error: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(error)


def _storage_failed(error: BaseException) -> CommandError:
    log.error("a transaction failed: %s", error)
    return storage_failed()


class MeetingService:
    """The run-time side of one meeting whose log exists."""

    def __init__(
        self,
        *,
        meeting_id: str,
        engine: Engine,
        log: AuditLog,
        signer: NoteSigner,
        on_commit: CommitListener | None = None,
    ) -> None:
        self.meeting_id = meeting_id
        #: Called once per committed transaction, before any of its commands is answered, while
        #: the state is exactly the committed one (the live pushes: one per transaction, however
        #: many commands it holds).
        self.on_commit = on_commit
        self.engine = engine
        self.log = log
        self.signer = signer
        self._lock = asyncio.Lock()
        self._queue: list[_Pending] = []
        self._flusher: asyncio.Task[None] | None = None
        self.state = MeetingState(origin=log.origin)
        self._receipts: dict[str, set[str]] = {}
        self._rebuild()

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
        """Decide, write the entries (and a sealed ballot) durably, then apply them.

        Plain commands (votes, sign-ins, most chair actions) that arrive while a transaction is
        being written are decided one after the other and committed together in the next one
        (group commit): each still sees the state left by those before it, and each is
        acknowledged only after that commit, and after :attr:`on_commit` was told of it.
        ``drop_sealed_of_poll``: delete that poll's sealed ballots in the same transaction (they
        were revealed as ``ballot`` entries, or the open poll was voided). ``also``: more work on
        the transaction's session (e.g. marking a pairing code used); raising there rolls back.
        Commands with either run alone.
        """
        pending = _Pending(decide, drop_sealed_of_poll, also)
        if drop_sealed_of_poll is not None or also is not None:
            async with self._lock:
                await self._run([pending])
        else:
            self._queue.append(pending)
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await pending.future

    async def _flush(self) -> None:
        while self._queue:
            async with self._lock:
                batch = self._queue[:MAX_BATCH]
                del self._queue[:MAX_BATCH]
                await self._run(batch)

    async def _run(self, batch: list[_Pending]) -> None:
        """Decide each command against the state its predecessors leave, write every accepted
        one in one transaction, then answer each. Held under the meeting's lock."""
        accepted: list[tuple[_Pending, int]] = []
        entries: Entries = []
        seals: list[Sealed] = []
        for pending in batch:
            try:
                decided = pending.decide(self.state)
                found, seal = decided if isinstance(decided, tuple) else (decided, None)
                if seal is not None:
                    self._check_receipt(seal)
            except Exception as error:  # a refused command: answer it, go on with the others
                pending.fail(error)
                continue
            if seal is not None:
                seals.append(seal)
                self._receipts.setdefault(seal.poll, set()).add(seal.receipt)
            # Apply now, so that the next command in this batch sees this one's effect; the
            # state is rebuilt from the log if the transaction fails.
            for entry in found:
                self.state.apply(dict(entry, v=1, seq=self.state.size))
            accepted.append((pending, len(found)))
            entries.extend(found)
        if not accepted:
            return
        drops = [p.drop_sealed_of_poll for p, _ in accepted if p.drop_sealed_of_poll is not None]
        hooks = [p.also for p, _ in accepted if p.also is not None]
        try:
            stored = await asyncio.to_thread(self._write, entries, seals, drops, hooks)
        except Exception as error:
            self._rebuild()
            failure = error if isinstance(error, CommandError) else _storage_failed(error)
            for pending, _ in accepted:
                pending.fail(failure)
            return
        committed = [json.loads(data) for data in stored]
        if self.on_commit is not None:
            try:
                self.on_commit(self, committed)
            except Exception:  # the commit stands; a push that failed must not hide it
                log.exception("meeting %s: telling of a commit failed", self.meeting_id)
        start = 0
        for pending, count in accepted:
            pending.succeed(Written(committed[start : start + count]))
            start += count

    def _write(
        self,
        entries: Entries,
        seals: list[Sealed],
        drops: list[str],
        hooks: list[SessionWork],
    ) -> list[bytes]:
        with self.log.transaction() as tx:
            tx.append_many(entries)
            if seals:  # one statement for the batch (rows, not ORM objects: thousands in a vote)
                tx.session.connection().execute(
                    insert(SEALED_TABLE),
                    [
                        {
                            "origin": self.origin,
                            "poll": seal.poll,
                            "receipt": seal.receipt,
                            "choice_json": json.dumps(seal.choice, ensure_ascii=False),
                            "token_hash": seal.token_hash,
                        }
                        for seal in seals
                    ],
                )
            for poll in drops:
                _zero_deleted_bytes(tx.session)
                tx.session.execute(
                    delete(SealedBallotRow).where(
                        SealedBallotRow.origin == self.origin,  # type: ignore[arg-type]
                        SealedBallotRow.poll == poll,  # type: ignore[arg-type]
                    )
                )
            for hook in hooks:
                hook(tx.session)
            if any(e["type"] in CHECKPOINT_AFTER for e in entries):
                tx.sign_checkpoint()
        return tx.appended

    def _check_receipt(self, seal: Sealed) -> None:
        if seal.receipt in self._receipts.get(seal.poll, ()):
            raise Conflict(
                "receipt-taken", "回执编号重复，请重新提交", "this receipt is taken; draw a new one"
            )

    def _rebuild(self) -> None:
        """Replay the committed log: the state after a failed transaction."""
        self.state = MeetingState(origin=self.log.origin)
        for data in self.log.entries():
            self.state.apply(json.loads(data))
        self._receipts = self._load_receipts()

    def _load_receipts(self) -> dict[str, set[str]]:
        receipts: dict[str, set[str]] = {}
        with Session(self.engine) as session:
            rows = session.execute(
                select(SealedBallotRow).where(
                    SealedBallotRow.origin == self.origin  # type: ignore[arg-type]
                )
            ).scalars()
            for row in rows:
                receipts.setdefault(row.poll, set()).add(row.receipt)
        return receipts

    # Polls with sealed ballots ------------------------------------------------------------

    async def close_poll(self, poll: str, *, by: str) -> Written:
        """Close a poll: its sealed ballots are revealed in receipt order and deleted."""
        async with self._lock:
            sealed = await asyncio.to_thread(self._sealed, poll)
            pending = _Pending(
                lambda state: actions.close_poll(state, poll=poll, sealed=sealed, by=by), poll, None
            )
            await self._run([pending])
            written = await pending.future
            self._receipts.pop(poll, None)
            if sealed:
                await asyncio.to_thread(self._empty_write_ahead_log)
            return written

    async def void_poll(self, poll: str, *, reason: str, by: str) -> Written:
        """Void a poll; the sealed ballots of an open poll are discarded unrevealed."""
        async with self._lock:
            found = self.state.polls.get(poll)
            had_sealed = found is not None and found.mode == "secret" and found.status == "open"
            pending = _Pending(
                lambda state: actions.void_poll(state, poll=poll, reason=reason, by=by), poll, None
            )
            await self._run([pending])
            written = await pending.future
            self._receipts.pop(poll, None)
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
            actions.check_choice(found, choice)
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

    def acknowledge(self, digest: bytes) -> str:
        """The log key's signature (base64) over ``digest``, a ballot's :func:`ballot_hash`: the
        server's signed promise, kept by the tablet, that this ballot will be counted."""
        return base64.b64encode(self.signer.sign_bytes(digest)).decode()

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
