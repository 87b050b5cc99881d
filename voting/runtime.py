"""The running server: the congress, live connections, timers and the checkpoint ticker."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from devices.hub import Hub
from devices.signatures import SignatureChecker
from voting import core
from voting.congress import Congress
from voting.core.types import PollId
from voting.errors import CommandError
from voting.live import Live
from voting.passwords import LoginThrottle
from voting.service import Decision, Entries, MeetingService
from voting.settings import Settings

log = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self,
        congress: Congress,
        *,
        settings: Settings | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        signature_workers: int = 0,
        signatures: SignatureChecker | None = None,
    ) -> None:
        self.congress = congress
        #: Timeouts, intervals and limits (:class:`~voting.settings.Settings`).
        self.settings = settings if settings is not None else Settings()
        #: The signature workers: ``signatures`` if given (a standby server starts them while it
        #: waits, :mod:`voting.standby`), else ``signature_workers`` new ones.
        self.signatures = (
            signatures if signatures is not None else SignatureChecker(signature_workers)
        )
        self.hub = Hub(congress.now_at)
        self.live = Live(self.hub, coalesce_s=self.settings.watcher_coalesce_s)
        congress.on_commit(self._committed)
        self.throttle = LoginThrottle()
        self.monotonic = monotonic
        self._timers: dict[tuple[str, str], asyncio.TimerHandle] = {}
        #: Per meeting, the timer that ends the floor when its time limit passes.
        self._floor_timers: dict[str, asyncio.TimerHandle] = {}
        self._ticker: asyncio.Task[None] | None = None

    async def command(
        self, meeting: str, decide: Decision, *, also: Callable[[Session], None] | None = None
    ) -> dict[str, Any]:
        """Run one command on an open meeting and return the written seqs (the change was pushed
        when it committed)."""
        service = self.congress.service(meeting)
        written = await service.submit(decide, also=also)
        return {"seq": [e["seq"] for e in written.entries]}

    # Lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the signature workers, load every open meeting (replaying its log) and re-arm
        the timers of open polls and of the floor."""
        await self.signatures.start()
        for row in self.congress.meetings():
            if row.status != "open":
                continue
            service = self.congress.service(row.id)
            poll = service.state.open_poll
            if poll is not None and poll.closes_at is not None:
                self.schedule_close(row.id, poll.id, poll.closes_at)
            speaker = service.state.speaker
            if speaker is not None:
                self.schedule_floor_end(row.id, speaker["deputy"], speaker["ends_at"])
        self._ticker = asyncio.get_running_loop().create_task(self._checkpoint_ticker())

    async def stop(self) -> None:
        for handle in [*self._timers.values(), *self._floor_timers.values()]:
            handle.cancel()
        self._timers.clear()
        self._floor_timers.clear()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.signatures.stop()

    # Timers ---------------------------------------------------------------------------------

    def schedule_close(self, meeting: str, poll: str, closes_at: str) -> None:
        """Close ``poll`` automatically at ``closes_at`` (the log's UTC time format)."""
        moment = datetime.strptime(closes_at, "%Y-%m-%dT%H:%M:%S%z")
        delay = max(0.0, (moment - self.congress.clock()).total_seconds())
        loop = asyncio.get_running_loop()
        self._timers[(meeting, poll)] = loop.call_later(
            delay, lambda: loop.create_task(self._timer_close(meeting, poll))
        )

    async def _timer_close(self, meeting: str, poll: str) -> None:
        self._timers.pop((meeting, poll), None)
        service = self.congress.service(meeting)
        found = service.state.polls.get(poll)
        if found is None or found.status != "open":
            return
        try:
            await service.close_poll(PollId(poll), by="timer")
        except CommandError as error:
            log.warning("timer could not close poll %s of %s: %s", poll, meeting, error.code)

    def _committed(
        self, service: MeetingService, entries: Entries, answered: frozenset[str]
    ) -> None:
        """Push what a transaction changed, and arm the timer of a floor it granted."""
        self.live.committed(service, entries, answered)
        for entry in entries:
            if entry["type"] == "floor_granted":
                self.schedule_floor_end(service.meeting_id, entry["deputy"], entry["ends_at"])

    def schedule_floor_end(self, meeting: str, deputy: str, ends_at: str) -> None:
        """End the floor of ``deputy`` at ``ends_at`` (``floor_ended``, reason ``time``) unless
        the chair ends it first; a new grant replaces the meeting's timer."""
        moment = datetime.strptime(ends_at, "%Y-%m-%dT%H:%M:%S%z")
        delay = max(0.0, (moment - self.congress.clock()).total_seconds())
        loop = asyncio.get_running_loop()
        earlier = self._floor_timers.pop(meeting, None)
        if earlier is not None:
            earlier.cancel()
        self._floor_timers[meeting] = loop.call_later(
            delay, lambda: loop.create_task(self._timer_end_floor(meeting, deputy, ends_at))
        )

    async def _timer_end_floor(self, meeting: str, deputy: str, ends_at: str) -> None:
        self._floor_timers.pop(meeting, None)
        service = self.congress.service(meeting)
        decide = functools.partial(
            core.end_floor_on_time, deputy=deputy, ends_at=ends_at, now=self.congress.clock()
        )
        try:
            await service.submit(decide)
        except CommandError as error:
            if error.code == "floor-time-left":  # the loop's timer ran a little early
                self.schedule_floor_end(meeting, deputy, ends_at)
            else:
                log.warning("timer could not end the floor in %s: %s", meeting, error.code)

    async def _checkpoint_ticker(self) -> None:
        while True:
            # A checkpoint at least this often while entries are being added (audit-log.md §3).
            await asyncio.sleep(self.settings.checkpoint_every_s)
            for row in self.congress.meetings():
                if row.status == "open":
                    try:
                        await self.congress.service(row.id).sign_checkpoint_if_behind()
                    except Exception:
                        log.exception("signing a checkpoint for %s failed", row.id)
