"""Tablet signatures checked in worker processes, before the decision that needs them.

Verifying a signature takes some 70–140 µs of CPU (Ed25519 with libsodium and with OpenSSL,
``bench/ed25519.py``), and both bindings hold the GIL while they verify, so a thread does not
help: with a whole hall voting in the same second, the meeting's event loop spent more time verifying signatures than on
anything else (``docs/performance.md``). :class:`SignatureChecker` sends each signed message's
key, payload and signature to a worker process as soon as the message has been read, batched per
turn of the event loop, and returns the worker's :class:`~audit.signature_batch.Verdict`. The
workers check Ed25519 with libsodium, as every check of the server does (:mod:`audit.tablet`).

The verdict is a value: the inbound pipeline passes it to the core's decision, which uses it
only for a device whose key is the one checked, and otherwise verifies there and then. With no
worker running (or the worker gone) :meth:`SignatureChecker.check` returns None and the
decision verifies. No signature is ever accepted unverified.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Final, TypeVar

from audit.signature_batch import SignatureJob, Verdict, check_signatures

log = logging.getLogger(__name__)

_Waiting = tuple[SignatureJob, "asyncio.Future[Verdict | None]"]
_Job = TypeVar("_Job")
_Answer = TypeVar("_Answer")

#: How much nicer than the server its workers run (``nice(2)``). Every ballot passes through the
#: server's one event loop, and every ballot's checks could run in either worker: when both
#: want a core, the event loop gets it, and the workers check whenever it waits. On the 2 cores
#: measured, the named burst of 3,000 ballots took 0.66–0.79 s instead of 0.86–0.91 s
#: (``docs/performance.md``).
WORKER_NICENESS: Final = 5


def _ready() -> bool:
    return True


def _follow_parent(parent: int) -> None:
    """In the worker: run below the server's priority (:data:`WORKER_NICENESS`), and exit as
    soon as the server process is gone, however it ended (a server killed with SIGKILL cannot
    stop its workers). Ctrl+C reaches every process of the terminal: the worker leaves it to
    the server, which shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


class SignatureChecker:
    """Verifies tablet signatures in ``workers`` processes (none: :meth:`check` answers None at
    once, and every signature is verified by the decision)."""

    def __init__(self, workers: int = 0, *, executor: Executor | None = None) -> None:
        """``executor``: run the checks there instead of in ``workers`` new processes (it is
        used from the start, and shut down by :meth:`stop` or when it fails)."""
        self.workers = workers
        self._pool: Executor | None = executor
        self._batch: list[_Waiting] = []

    @property
    def running(self) -> bool:
        return self._pool is not None

    async def start(self) -> None:
        """Start the worker processes (and wait until they run, so that their memory is there
        from the start)."""
        if self.workers <= 0 or self._pool is not None:
            return
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_follow_parent,
            initargs=(os.getpid(),),
        )
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self.workers)))
        self._pool = pool

    def worker_pids(self) -> list[int]:
        """The process ids of the running workers."""
        processes = getattr(self._pool, "_processes", None) or {}
        return list(processes)

    async def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def check(self, alg: str, public_key: str, payload: bytes, sig: str) -> Verdict | None:
        """Have a worker verify ``sig`` over ``payload`` with the key ``(alg, public_key)``; its
        verdict, or None when no worker could check it. Never raises."""
        if self._pool is None:
            return None
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Verdict | None] = loop.create_future()
        if not self._batch:
            loop.call_soon(self._send)
        self._batch.append(((alg, public_key, payload, sig), future))
        return await future

    async def run(self, work: Callable[[_Job], _Answer], job: _Job) -> _Answer | None:
        """Run ``work(job)`` in a worker process (e.g. the check of an encrypted ballot's
        proofs, :mod:`devices.ballot_checks`); its answer, or None when no worker could run it.
        ``work`` must not raise. Never raises."""
        pool = self._pool
        if pool is None:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work, job)
        except Exception as error:  # the pool was shut down or broke, or a worker died
            self._give_up(error)
            return None

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        pool = self._pool
        if pool is None:
            _answer(batch, None)
            return
        jobs = [job for job, _ in batch]
        try:
            done = asyncio.get_running_loop().run_in_executor(pool, check_with_libsodium, jobs)
        except RuntimeError as error:  # the pool was shut down or broke
            self._give_up(error)
            _answer(batch, None)
            return
        done.add_done_callback(lambda finished: self._answered(batch, finished))

    def _answered(self, batch: list[_Waiting], finished: asyncio.Future[list[str | None]]) -> None:
        if finished.cancelled():
            _answer(batch, None)
            return
        error = finished.exception()
        if error is not None:
            self._give_up(error)
            _answer(batch, None)
            return
        _answer(batch, finished.result())

    def _give_up(self, error: BaseException) -> None:
        """The worker failed: the decision verifies from now on."""
        if self._pool is not None:
            log.warning("the signature worker failed (%s); verifying in the server", error)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def check_with_libsodium(jobs: list[SignatureJob]) -> list[str | None]:
    """In a worker: :func:`~audit.signature_batch.check_signatures` with libsodium."""
    return check_signatures(jobs, ed25519="libsodium")


def _answer(batch: list[_Waiting], problems: list[str | None] | None) -> None:
    for index, ((alg, public_key, _, _), future) in enumerate(batch):
        if future.done():
            continue
        if problems is None:
            future.set_result(None)
        else:
            future.set_result(Verdict(alg, public_key, problems[index] is None))
