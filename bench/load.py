"""Client processes of the plenary benchmark: each drives its share of the simulated tablets.

The parent (:class:`Clients`) starts K processes and sends each the same commands over a pipe;
every process runs its own event loop with its share of the tablets, each a
:class:`~devices.simulator.SimTablet` (a real ``websockets`` client holding a
:class:`~devices.tablet.Tablet`'s device key), and answers with what it measured. Times are
``time.monotonic()``: on Linux that is one clock (CLOCK_MONOTONIC) for every process of the
machine, so the parent compares times taken in different processes.

Commands (methods of :class:`Share`): ``pair`` (pairing code and key registration over HTTP),
``make`` (tablets without pairing, for the echo server), ``connect``, ``sign_in``,
``wait_for`` (until every tablet has seen a push naming an item or an open poll), ``prepare``
(sign every named vote in advance), ``burst`` (send every ballot at a shared start time and time
each acknowledgement), ``reconnect`` (drop every connection at a shared time and reconnect)
and ``reset`` (close every connection).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ballots.crypto.shape import Choice
from devices.hub import encode
from devices.simulator import HttpClient, SimTablet, SimulationError, websocket_url
from devices.tablet import Tablet
from voting.cli.serve import tune_process

#: Seconds a client process may take to answer one command before the benchmark gives up.
COMMAND_TIMEOUT_S = 900.0


class BenchError(Exception):
    """The benchmark could not run; the message says why."""


class BenchTablet(SimTablet):
    """A simulated tablet that notes when it first saw each current item and each number of
    deputies present, and the size of each kind of message."""

    def __init__(self, tablet: Tablet, url: str) -> None:
        super().__init__(tablet, url, open_timeout=60.0)
        self.item_seen: dict[str, float] = {}
        self.present_seen: dict[int, float] = {}
        self.sizes: dict[str, int] = {}

    def _absorb(self, message: Any, *, answer: bool = False) -> None:
        if isinstance(message, dict):
            kind = message.get("type")
            if kind in {"welcome", "state"} and isinstance(message.get("state"), dict):
                now = time.monotonic()
                item = message["state"].get("current_item")
                if isinstance(item, str):
                    self.item_seen.setdefault(item, now)
                present = message["state"].get("attendance", {}).get("present")
                if isinstance(present, int):
                    self.present_seen.setdefault(present, now)
            if isinstance(kind, str) and kind not in self.sizes:
                self.sizes[kind] = len(encode(message).encode())
        super()._absorb(message, answer=answer)


@dataclass
class Timed:
    """One request: when it was sent, when its reply arrived, and the reply's type or error."""

    sent: float
    answered: float
    outcome: str


class Share:
    """The tablets of one client process."""

    def __init__(self) -> None:
        self.tablets: list[BenchTablet] = []
        self.prepared: list[dict[str, Any]] = []
        self.slots = asyncio.Semaphore(64)

    async def pair(
        self,
        url: str,
        meeting: str,
        origin: str,
        token: str,
        deputies: list[tuple[int, str]],
    ) -> int:
        """Pair one tablet per deputy as an operator and a tablet do: a one-time code, then the
        tablet registers its public key with it."""
        http = HttpClient(url, timeout=120.0)
        base = f"/api/meetings/{meeting}"

        async def one(number: int, deputy: str) -> BenchTablet:
            code = await http.json("POST", f"{base}/deputies/{deputy}/pairing-code", token=token)
            tablet = Tablet(origin=origin, device=f"t-{number:05}", deputy=deputy)
            await http.json("POST", f"{base}/pair", tablet.pair_request(code["code"]))
            return BenchTablet(tablet, websocket_url(url, meeting))

        self.tablets = list(await asyncio.gather(*(one(n, d) for n, d in deputies)))
        return len(self.tablets)

    async def make(
        self, url: str, meeting: str, origin: str, deputies: list[tuple[int, str]]
    ) -> int:
        """Tablets with keys but unpaired: the echo server checks nothing."""
        self.tablets = [
            BenchTablet(
                Tablet(origin=origin, device=f"t-{n:05}", deputy=d), websocket_url(url, meeting)
            )
            for n, d in deputies
        ]
        return len(self.tablets)

    async def connect(self, limit: int) -> dict[str, Any]:
        """Connect every tablet (at most ``limit`` handshakes in flight); return the sizes of
        the messages seen."""
        self.slots = asyncio.Semaphore(limit)
        await asyncio.gather(*(self._connect_one(t) for t in self.tablets))
        return {"sizes": self._sizes()}

    async def _connect_one(self, tablet: BenchTablet) -> float:
        async with self.slots:
            try:
                await tablet.connect()
            except (OSError, TimeoutError) as error:
                raise SimulationError(f"{tablet.device}: cannot connect: {error}") from None
        return time.monotonic()

    def _sizes(self) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for tablet in self.tablets:
            for kind, size in tablet.sizes.items():
                sizes.setdefault(kind, size)
        return sizes

    async def sign_in(self, timeout: float) -> dict[str, Any]:
        timed = await asyncio.gather(
            *(self._timed(t, t.tablet.sign_in(), timeout) for t in self.tablets)
        )
        return {"requests": [vars(t) for t in timed], "sizes": self._sizes()}

    async def wait_for(self, what: str, value: str, timeout: float) -> list[float]:
        """Wait until every tablet has seen ``value`` as the current item (``what="item"``), as
        the open poll (``what="poll"``) or as the number of deputies present
        (``what="present"``); return when each tablet saw it (for an item or a number present:
        when the message showing it arrived)."""
        condition: Callable[[SimTablet], bool]
        if what == "item":

            def condition(sim: SimTablet) -> bool:
                return value in getattr(sim, "item_seen", {})

        elif what == "poll":

            def condition(sim: SimTablet) -> bool:
                poll = sim.poll()
                return poll is not None and poll["poll"] == value and poll["status"] == "open"

        else:

            def condition(sim: SimTablet) -> bool:
                return int(value) in getattr(sim, "present_seen", {})

        async def one(tablet: BenchTablet) -> float:
            await tablet.wait_until(condition, timeout=timeout, what=f"{what} {value}")
            if what == "item":
                return tablet.item_seen[value]
            if what == "present":
                return tablet.present_seen[int(value)]
            return time.monotonic()

        return list(await asyncio.gather(*(one(t) for t in self.tablets)))

    async def prepare(self, poll: str, choices: list[Any]) -> int:
        """Sign every tablet's named vote now, so that the burst sends ready-made messages."""
        self.prepared = [
            t.tablet.named_vote(poll, choice)
            for t, choice in zip(self.tablets, choices, strict=True)
        ]
        return len(self.prepared)

    async def prepare_encrypted(
        self, poll: str, encryption: dict[str, Any], stances: list[str]
    ) -> int:
        """Encrypt, prove and sign every tablet's encrypted motion ballot now (as a tablet does
        before the deputy confirms), so that the burst sends ready-made messages. The loop runs
        between two ballots: a busy or loaded machine takes seconds for them all, and the
        connections must keep answering the server's pings meanwhile."""
        self.prepared = []
        for t, stance in zip(self.tablets, stances, strict=True):
            self.prepared.append(
                t.tablet.encrypted_ballot(poll, encryption, Choice.stances([stance]))
            )
            await asyncio.sleep(0)
        return len(self.prepared)

    async def burst(self, start_at: float, timeout: float) -> dict[str, Any]:
        """At ``start_at`` every tablet sends its prepared ballot; time each acknowledgement."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        timed = await asyncio.gather(
            *(
                self._timed(t, message, timeout)
                for t, message in zip(self.tablets, self.prepared, strict=True)
            )
        )
        return {"requests": [vars(t) for t in timed], "sizes": self._sizes()}

    async def _timed(self, tablet: BenchTablet, message: dict[str, Any], timeout: float) -> Timed:
        sent = time.monotonic()
        try:
            reply = await tablet.request(message, timeout=timeout)
        except SimulationError as error:
            return Timed(sent, time.monotonic(), f"failed: {error}")
        kind = str(reply.get("type"))
        if kind == "error":
            kind = f"error: {reply.get('error')}"
        return Timed(sent, time.monotonic(), kind)

    async def reconnect(self, start_at: float, limit: int) -> dict[str, Any]:
        """At ``start_at`` drop every connection without a close frame, then reconnect each
        (``limit`` handshakes in flight); return when each tablet's welcome arrived."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        for tablet in self.tablets:
            await tablet.drop()
        self.slots = asyncio.Semaphore(limit)
        results = await asyncio.gather(
            *(self._connect_one(t) for t in self.tablets), return_exceptions=True
        )
        welcomed = [r for r in results if isinstance(r, float)]
        failures = [str(r) for r in results if not isinstance(r, float)]
        return {"welcomed": welcomed, "failures": failures[:5], "failed": len(failures)}

    async def reset(self) -> int:
        await asyncio.gather(*(t.close() for t in self.tablets), return_exceptions=True)
        count, self.tablets, self.prepared = len(self.tablets), [], []
        return count


def client_main(pipe: Connection) -> None:
    """The body of a client process: run commands from the parent until ``stop``.

    The process is tuned as the server tunes its own (:func:`~voting.cli.serve.tune_process`),
    and what is alive after each command (the tablets, their connections and their copies of
    the meeting's state) is frozen out of the garbage collector: a collection walking 1,500
    tablets would stop this process's event loop and show up as the server's latency (real
    tablets each have a processor of their own)."""
    tune_process()
    asyncio.run(_serve(pipe))


async def _serve(pipe: Connection) -> None:
    share = Share()
    while True:
        command, arguments = await asyncio.to_thread(pipe.recv)
        if command == "stop":
            await share.reset()
            pipe.send(("ok", None))
            return
        try:
            result = await getattr(share, command)(**arguments)
        except Exception:
            pipe.send(("error", traceback.format_exc()))
        else:
            pipe.send(("ok", result))
        gc.freeze()


class Clients:
    """K client processes, each with its share of the tablets."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for number in range(count):
            parent, child = context.Pipe()
            process = context.Process(
                target=client_main, args=(child,), name=f"bench-client-{number}", daemon=True
            )
            process.start()
            child.close()
            self.pipes.append(parent)
            self.processes.append(process)

    def __len__(self) -> int:
        return len(self.pipes)

    def call(self, command: str, arguments: dict[str, Any] | list[dict[str, Any]]) -> list[Any]:
        """Send ``command`` to every process (the same arguments, or one dict per process) and
        return their answers in process order."""
        each = arguments if isinstance(arguments, list) else [arguments] * len(self.pipes)
        for pipe, given in zip(self.pipes, each, strict=True):
            pipe.send((command, given))
        answers = []
        for number, pipe in enumerate(self.pipes):
            if not pipe.poll(COMMAND_TIMEOUT_S):
                raise BenchError(f"client process {number} did not answer {command}")
            status, value = pipe.recv()
            if status != "ok":
                raise BenchError(f"client process {number}, {command}:\n{value}")
            answers.append(value)
        return answers

    def close(self) -> None:
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            if process.is_alive():
                try:
                    pipe.send(("stop", {}))
                    if pipe.poll(30):
                        pipe.recv()
                except (OSError, EOFError):
                    pass
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def split(items: list[Any], parts: int) -> list[list[Any]]:
    """``items`` in ``parts`` nearly equal consecutive shares."""
    size, extra = divmod(len(items), parts)
    shares, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        shares.append(items[start:end])
        start = end
    return shares
