"""One open meeting at run time: its state, its log, and the one way to change them.

:meth:`MeetingService.submit` is the only path that writes: votes, ballots, chair commands and
checkpoints alike. Under the meeting's lock it runs a decision of :mod:`voting.core` against the
current state, and writes the :class:`~voting.core.outcome.Change` it returns — audit entries,
with a checkpoint when one is due, and any work the caller adds on the same session — in ONE
database transaction, in a worker thread, so the event loop keeps serving while the disk syncs.

When entries are applied, and by whom: the service applies each accepted command's entries to
the state as soon as the command is decided, so that the next command of the same batch is
decided against them; the transaction is then written. If it fails, the service rebuilds the
state from the committed log and every command of the batch is refused with
``storage-failed``. A command is answered only after the commit, and only after
:attr:`~MeetingService.on_commit` was told of it; a refused command raises and writes nothing.
A tablet's command names its device (``answered``): its answer carries the deputy's own view, so
the listener need not push that view to the same connection separately.
The state is read and changed only on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlmodel import Session

from audit.note import NoteSigner
from audit.store import AuditLog
from voting import core
from voting.core.outcome import AlreadyRecorded, Change, Decided, as_change
from voting.core.state import MeetingState
from voting.errors import CommandError, storage_failed

Entries = list[dict[str, Any]]
#: A decision of the core, bound to its arguments: the current state in, the outcome out.
Decision = Callable[[MeetingState], Decided]
SessionWork = Callable[[Session], None]
#: Told of every committed transaction: the service, the entries written (as stored) and the
#: devices whose commands in it wrote entries and are answered with their deputy's own view.
CommitListener = Callable[["MeetingService", Entries, frozenset[str]], None]

#: A checkpoint is signed in the same transaction as any of these entry types.
CHECKPOINT_AFTER = frozenset(
    {"meeting_opened", "result", "poll_voided", "meeting_closed", "aggregate"}
)
#: Commands committed together in one transaction, at most.
MAX_BATCH = 500

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Written:
    """The outcome of one command: the entries committed, as stored (with ``v``, ``seq`` and
    ``at``), or ``already``: the command re-sent a message the log holds, nothing was written."""

    entries: list[dict[str, Any]]
    already: AlreadyRecorded | None = None

    @property
    def types(self) -> list[str]:
        return [e["type"] for e in self.entries]


class _Pending:
    """A command waiting for its transaction, and the future its caller awaits."""

    __slots__ = ("also", "answered", "decide", "future")

    def __init__(
        self, decide: Decision, also: SessionWork | None, answered: str | None = None
    ) -> None:
        self.decide = decide
        self.also = also
        self.answered = answered
        self.future: asyncio.Future[Written] = asyncio.get_running_loop().create_future()

    def succeed(self, written: Written) -> None:
        if not self.future.done():  # the caller may have gone (a dropped connection)
            self.future.set_result(written)

    def fail(self, error: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(error)


@dataclass
class _Batch:
    """The decided commands of one transaction and what they write."""

    answers: list[tuple[_Pending, Change | AlreadyRecorded]]
    entries: Entries

    @property
    def changes(self) -> list[Change]:
        return [c for _, c in self.answers if isinstance(c, Change)]

    @property
    def answered(self) -> frozenset[str]:
        """The devices whose commands wrote entries and are answered with their own view."""
        return frozenset(
            p.answered
            for p, c in self.answers
            if p.answered is not None and isinstance(c, Change) and c.entries
        )


def _writes_nothing(outcome: Change | AlreadyRecorded) -> bool:
    return isinstance(outcome, AlreadyRecorded) or outcome.empty


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
        self._rebuild()

    @property
    def origin(self) -> str:
        return self.log.origin

    # The one path that writes --------------------------------------------------------------

    async def submit(
        self,
        decide: Decision,
        *,
        alone: bool = False,
        also: SessionWork | None = None,
        answered: str | None = None,
    ) -> Written:
        """Decide, write the change durably, then answer.

        Commands that arrive while a transaction is being written are decided one after the
        other and committed together in the next one (group commit): each sees the state left
        by those before it, and each is answered only after that commit. ``alone``: run in a
        transaction of its own (a command that reads what the log has committed before it
        decides, e.g. the checkpoint rule). ``also``: more work on the transaction's session (e.g. marking
        a pairing code used); raising there rolls back. A command with ``also`` runs alone.
        ``answered``: the device of the tablet that sent the command, whose answer carries the
        deputy's own view (the commit's listener is told, :data:`CommitListener`).
        """
        if alone or also is not None:
            async with self._lock:
                return await self._submit_locked(decide, also)
        pending = _Pending(decide, also, answered)
        self._queue.append(pending)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        return await pending.future

    async def _submit_locked(self, decide: Decision, also: SessionWork | None = None) -> Written:
        """:meth:`submit` alone, with the meeting's lock already held."""
        pending = _Pending(decide, also)
        await self._run([pending])
        return await pending.future

    async def _flush(self) -> None:
        while self._queue:
            async with self._lock:
                batch = self._queue[:MAX_BATCH]
                del self._queue[:MAX_BATCH]
                await self._run(batch)

    def _decide(self, batch: list[_Pending]) -> _Batch:
        """Decide each command against the state its predecessors leave; refuse at once those
        the core refuses, apply the entries of the others."""
        decided = _Batch([], [])
        for pending in batch:
            try:
                outcome = pending.decide(self.state)
                change = outcome if isinstance(outcome, AlreadyRecorded) else as_change(outcome)
            except Exception as error:  # a refused command: answer it, go on with the others
                pending.fail(error)
                continue
            decided.answers.append((pending, change))
            if isinstance(change, AlreadyRecorded):
                continue
            for entry in change.entries:
                self.state.apply(dict(entry, v=1, seq=self.state.size))
            decided.entries.extend(change.entries)
        return decided

    async def _run(self, batch: list[_Pending]) -> None:
        """Decide, write every accepted command in one transaction, then answer each. Held
        under the meeting's lock."""
        decided = self._decide(batch)
        if not decided.answers:
            return
        hooks = [p.also for p, _ in decided.answers if p.also is not None]
        if not hooks and all(_writes_nothing(c) for _, c in decided.answers):
            for pending, outcome in decided.answers:  # re-sent sign-ins and votes, no checkpoint
                pending.succeed(
                    Written([], outcome if isinstance(outcome, AlreadyRecorded) else None)
                )
            return
        try:
            stored = await asyncio.to_thread(self._write, decided, hooks)
        except Exception as error:
            self._rebuild()
            failure = error if isinstance(error, CommandError) else _storage_failed(error)
            for pending, _ in decided.answers:
                pending.fail(failure)
            return
        # The stored entries are canonical JSON (no floats, integers within ±(2**53 - 1), valid
        # UTF-8), which orjson reads as json.loads does, several times faster.
        committed = [orjson.loads(data) for data in stored]
        if committed and self.on_commit is not None:
            try:
                self.on_commit(self, committed, decided.answered)
            except Exception:  # the commit stands; a push that failed must not hide it
                log.exception("meeting %s: telling of a commit failed", self.meeting_id)
        start = 0
        for pending, change in decided.answers:
            if isinstance(change, AlreadyRecorded):
                pending.succeed(Written([], change))
                continue
            count = len(change.entries)
            pending.succeed(Written(committed[start : start + count]))
            start += count

    def _write(self, batch: _Batch, hooks: list[SessionWork]) -> list[bytes]:
        """In a worker thread: the batch's one transaction. Returns the stored entries."""
        changes = batch.changes
        with self.log.transaction() as tx:
            tx.append_many(batch.entries)
            for hook in hooks:
                hook(tx.session)
            if any(c.checkpoint for c in changes) or any(
                e["type"] in CHECKPOINT_AFTER for e in batch.entries
            ):
                tx.sign_checkpoint()
        return tx.appended

    def _rebuild(self) -> None:
        """Replay the committed log: the state at start, and after a failed transaction."""
        self.state = MeetingState(origin=self.log.origin)
        for data in self.log.entries():
            self.state.apply(json.loads(data))

    # Commands that read the log first -------------------------------------------------------

    async def close_poll(self, poll: str, *, by: str) -> Written:
        """Close a poll: a named poll is counted, an encrypted poll's ballots aggregated."""
        return await self.submit(lambda state: core.close_poll(state, poll=poll, by=by))

    async def void_poll(self, poll: str, *, reason: str, by: str) -> Written:
        """Void a poll with a reason."""
        return await self.submit(
            lambda state: core.void_poll(state, poll=poll, reason=reason, by=by)
        )

    async def sign_checkpoint_if_behind(self) -> bool:
        """Sign a checkpoint if entries were added since the last one (the 60 s rule); whether
        one was signed."""
        before = self.log.latest_checkpoint()

        def decide(state: MeetingState) -> Change:
            latest = self.log.latest_checkpoint()
            signed_size = -1 if latest is None else int(latest.split("\n")[1])
            return core.checkpoint_if_behind(state, signed_size=signed_size)

        await self.submit(decide, alone=True)
        return self.log.latest_checkpoint() != before

    # Acknowledgements ----------------------------------------------------------------------

    def acknowledge(self, digest: bytes) -> str:
        """The log key's signature (base64) over ``digest``, the SHA-256 of an encrypted
        ballot's bytes: the server's signed promise, kept by the tablet, that this ballot will
        be counted."""
        return base64.b64encode(self.signer.sign_bytes(digest)).decode()
