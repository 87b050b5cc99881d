"""Tablet signatures verified in a worker process, ahead of the decision that checks them.

Verifying a signature takes some 70 µs of CPU (Ed25519 with ``cryptography``), and
``cryptography`` holds the GIL while it verifies, so a thread does not help: with a whole hall
voting in the same second, the meeting's event loop spent more time verifying signatures than on
anything else (``docs/performance.md``). :class:`SignatureChecker` sends each signed message's
key, payload and signature to a worker process as soon as the message has been read, batched
per turn of the event loop, and the handler waits for the answer before it submits the command.
When the worker accepted the signature, the device's :class:`~audit.tablet.DeviceKey` records
the pair (:meth:`~audit.tablet.DeviceKey.verified_elsewhere`).

The decision (:func:`voting.actions.check_tablet_message`) still checks every signature, in the
same place and order as before: a pair that the worker verified with that very key passes
without the arithmetic being done twice; anything else (refused by the worker, no worker
running, the worker gone) is verified there and then. No signature is ever accepted unverified.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from audit.tablet import DeviceKey, TabletSignatureError, signing_payload
from voting.state import Device, MeetingState

log = logging.getLogger(__name__)

#: What the worker gets for one signature: key algorithm, public key (base64), payload, sig.
Item = tuple[str, str, bytes, str]

#: Parsed device keys in the worker, by (algorithm, public key).
_KEYS: dict[tuple[str, str], DeviceKey] = {}
#: Keys kept in the worker at most (a plenary has 3,000 tablets).
_MAX_KEYS = 20_000


def verify_batch(items: list[Item]) -> list[bool]:
    """In the worker: whether each signature verifies (:meth:`DeviceKey.verify_payload`)."""
    verdicts = []
    for alg, public_key, payload, sig in items:
        try:
            key = _KEYS.get((alg, public_key))
            if key is None:
                if len(_KEYS) >= _MAX_KEYS:
                    _KEYS.clear()
                key = _KEYS[(alg, public_key)] = DeviceKey.parse(alg, public_key)
            key.verify_payload(payload, sig)
        except TabletSignatureError:
            verdicts.append(False)
        else:
            verdicts.append(True)
    return verdicts


def _ready() -> bool:
    return True


def _follow_parent(parent: int) -> None:
    """In the worker: exit as soon as the server process is gone, however it ended (a server
    killed with SIGKILL cannot stop its workers). Ctrl+C reaches every process of the
    terminal: the worker leaves it to the server, which shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


class SignatureChecker:
    """Verifies tablet signatures in ``workers`` processes (none: :meth:`check_ahead` does
    nothing, and every signature is verified by the decision)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._batch: list[tuple[Device, bytes, str, asyncio.Future[None]]] = []

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

    async def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def check_ahead(self, state: MeetingState, body: Mapping[str, Any], sig: str) -> None:
        """Have a worker verify ``sig`` over ``body`` with the key of the device the body names,
        and return when it has answered. Never raises: a message that cannot be checked here is
        left to the decision, which refuses it with the right error."""
        if self._pool is None:
            return
        device_id = body.get("device")
        device = state.devices.get(device_id) if isinstance(device_id, str) else None
        if device is None or not device.active:
            return
        try:
            payload = signing_payload(body)
        except TabletSignatureError:
            return
        future = asyncio.get_running_loop().create_future()
        if not self._batch:
            asyncio.get_running_loop().call_soon(self._send)
        self._batch.append((device, payload, sig, future))
        await future

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        pool = self._pool
        if pool is None:
            _answer(batch, None)
            return
        items = [(d.alg, d.public_key, payload, sig) for d, payload, sig, _ in batch]
        try:
            done = asyncio.get_running_loop().run_in_executor(pool, verify_batch, items)
        except RuntimeError as error:  # the pool was shut down or broke
            self._give_up(error)
            _answer(batch, None)
            return
        done.add_done_callback(lambda finished: self._answered(batch, finished))

    def _answered(self, batch: list[Any], finished: asyncio.Future[list[bool]]) -> None:
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
        """The worker failed: verify on the event loop from now on."""
        if self._pool is not None:
            log.warning("the signature worker failed (%s); verifying in the server", error)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _answer(
    batch: list[tuple[Device, bytes, str, asyncio.Future[None]]], verdicts: list[bool] | None
) -> None:
    for index, (device, payload, sig, future) in enumerate(batch):
        if verdicts is not None and verdicts[index]:
            device.key().verified_elsewhere(payload, sig)
        if not future.done():
            future.set_result(None)
