"""The demo's simulated hall: the deputies who have no browser tablet, voting over WebSockets.

``congress demo`` leaves the first deputies (d01–d03) to real browser tablets and runs the
others here, inside the server process, as an asyncio task beside the server. Each simulated
deputy has its own tablet (:class:`devices.simulator.SimTablet`: its own device key, paired
with a one-time code, speaking the tablet protocol over a real WebSocket), so the server treats
it exactly as a tablet in the hall. Their device ids start with ``simulated-``, which the chair
console's device list shows.

The pace is visible: sign-ins are spread over :attr:`HallPace.sign_in_s` seconds after the
start, and when the chair opens a poll the simulated deputies vote over the next
:attr:`HallPace.vote_s` seconds: a named vote as it is, a secret poll of any kind with
encrypted, proved ballots (as the browser tablet casts them), now and then with a written-in
name in an election. Choices are drawn (:func:`choice_for`) so that a motion normally passes
with a hall-like spread; a few deputies stay away and a few do not vote.

The tablets' keys and counters are kept in ``hall.json`` in the demo directory, so a restarted
demo's hall signs its messages with the keys the server already knows.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.rehearsal.encrypted_vote import crypto_choice
from devices.simulator import HttpClient, SimTablet, SimulationError, websocket_url
from devices.tablet import Tablet

#: Prefix of the simulated tablets' device ids (shown in the console's device list).
DEVICE_PREFIX = "simulated-"
#: Counters skipped after a restart, in case messages were sent after the last save.
COUNTER_MARGIN = 100
#: Seconds between attempts to reconnect a tablet whose connection was lost.
RECONNECT_S = 2.0
#: Default evaluation levels (ballots.evaluation).
LEVELS = ("satisfied", "basically_satisfied", "dissatisfied")
#: Names a simulated deputy may write in (另选他人), none of them a sample candidate.
WRITE_INS = ("郑国平", "钱学军")
#: Share of election ballots with a written-in name, where the election allows write-ins.
WRITE_IN_SHARE = 0.12


@dataclass(frozen=True)
class HallPace:
    """Seconds over which the simulated deputies sign in, and vote after a poll opens."""

    sign_in_s: float = 6.0
    vote_s: float = 8.0


@dataclass(frozen=True)
class HallPlan:
    """Who is simulated, and who of them stays away."""

    meeting: str
    origin: str
    deputies: tuple[str, ...]
    absent: frozenset[str] = frozenset()
    #: Share of the present simulated deputies who do not vote in a poll.
    non_voting: float = 0.04


# Choices ----------------------------------------------------------------------------------


def _weighted_sample(rng: random.Random, items: Sequence[str], k: int) -> list[str]:
    """``k`` distinct items, the earlier ones likelier (a hall's favourites come first)."""
    pool = list(items)
    chosen: list[str] = []
    for _ in range(min(k, len(pool))):
        weights = [len(pool) - i + 1 for i in range(len(pool))]
        chosen.append(pool.pop(rng.choices(range(len(pool)), weights)[0]))
    return chosen


def choice_for(definition: dict[str, Any], rng: random.Random) -> Any | None:
    """What a simulated deputy marks on a ballot of ``definition``; None when the demo does not
    simulate that kind of ballot (ranked selections)."""
    kind = definition.get("kind")
    if kind == "motion":
        return rng.choices(["for", "against", "abstain"], [82, 10, 8])[0]
    if kind == "election":
        ids = [c["id"] for c in definition["candidates"]]
        seats = int(definition.get("seats", 1))
        backed = _weighted_sample(rng, ids, rng.choices([seats, seats - 1], [90, 10])[0])
        marks = {
            c: "for" if c in backed else rng.choices(["against", "abstain"], [2, 1])[0] for c in ids
        }
        if definition.get("write_ins") and rng.random() < WRITE_IN_SHARE:
            # 另选他人: one fewer candidate backed, one voted against, a name written in instead.
            dropped = backed.pop() if len(backed) == seats else None
            against = [c for c in ids if c not in backed]
            if dropped is not None or against:
                instead = dropped if dropped is not None else against[0]
                marks[instead] = "against"
                return {"marks": marks, "write_ins": {instead: rng.choice(WRITE_INS)}}
        return {"marks": marks}
    if kind == "selection" and definition.get("form", "choose") == "choose":
        ids = [c["id"] for c in definition["candidates"]]
        seats = int(definition.get("seats", 1))
        k = rng.choices([seats, max(1, seats - 1), max(1, seats - 2)], [70, 20, 10])[0]
        return {"chosen": sorted(_weighted_sample(rng, ids, k))}
    if kind == "evaluation":
        levels = list(definition.get("levels") or LEVELS)
        weights = [65, 28, 7] if len(levels) == 3 else [len(levels) - i for i in range(len(levels))]
        return {
            "ratings": {s["id"]: rng.choices(levels, weights)[0] for s in definition["subjects"]}
        }
    return None


# Keys kept between runs -------------------------------------------------------------------


def load_tablets(path: Path, origin: str) -> dict[str, Tablet]:
    """The simulated tablets saved by an earlier run, by deputy (none when there is no file)."""
    if not path.exists():
        return {}
    saved = json.loads(path.read_text(encoding="utf-8"))
    tablets = {}
    for deputy, row in saved.items():
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(row["key"]))
        tablets[deputy] = Tablet(
            origin=origin,
            device=row["device"],
            deputy=deputy,
            key=key,
            counter=int(row["counter"]) + COUNTER_MARGIN,
        )
    return tablets


def save_tablets(path: Path, tablets: dict[str, Tablet]) -> None:
    """Write the tablets' keys and counters (owner-only file, replaced atomically)."""
    rows = {}
    for deputy, tablet in tablets.items():
        assert isinstance(tablet.key, Ed25519PrivateKey)
        raw = tablet.key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        rows[deputy] = {
            "device": tablet.device,
            "key": base64.b64encode(raw).decode(),
            "counter": tablet.counter,
        }
    scratch = path.with_name(path.name + ".new")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(rows, out, indent=1)
    scratch.replace(path)


# The hall ---------------------------------------------------------------------------------


class SimulatedHall:
    """The simulated deputies of ``plan`` on the server at ``base``, until cancelled."""

    def __init__(
        self,
        plan: HallPlan,
        *,
        operator: tuple[str, str],
        store: Path,
        pace: HallPace,
        say: Callable[[str], None] = print,
        seed: int | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.plan = plan
        self.operator = operator
        self.store = store
        self.pace = pace
        self.say = say
        self.rng = random.Random(seed)
        self.ssl_context = ssl_context
        self.tablets: dict[str, Tablet] = {}
        self.sims: dict[str, SimTablet] = {}
        self._voted: set[tuple[str, str]] = set()  # (deputy, poll)
        self._votes: set[asyncio.Task[None]] = set()

    async def run(self, base: str) -> None:
        """Pair, connect and sign in the simulated deputies, then vote in every poll the chair
        opens. Problems are reported as lines, never raised: the demo server goes on."""
        try:
            http = HttpClient(base, ssl_context=self.ssl_context)
            await self._pair(http)
            url = websocket_url(base, self.plan.meeting)
            self.sims = {
                d: SimTablet(t, url, ssl_context=self.ssl_context) for d, t in self.tablets.items()
            }
            await asyncio.gather(*(self._connect(sim) for sim in self.sims.values()))
            present = [d for d in self.plan.deputies if d not in self.plan.absent]
            self.say(
                f"模拟会场：{len(self.sims)} 名代表由程序模拟，{len(present)} 名将签到"
                f" / simulated hall: {len(self.sims)} deputies, {len(present)} will sign in"
            )
            await asyncio.gather(
                *(self._sign_in(self.sims[d], delay) for d, delay in self._spread(present)),
                *(self._follow(sim) for sim in self.sims.values()),
            )
        except asyncio.CancelledError:
            for task in self._votes:
                task.cancel()
            await asyncio.gather(*(s.close() for s in self.sims.values()), return_exceptions=True)
            raise
        except (SimulationError, OSError) as error:
            self.say(f"模拟会场出错 / simulated hall failed: {error}")

    def _spread(self, deputies: Sequence[str]) -> list[tuple[str, float]]:
        return [(d, self.rng.uniform(0.2, max(0.2, self.pace.sign_in_s))) for d in deputies]

    def _save(self) -> None:
        save_tablets(self.store, self.tablets)

    async def _pair(self, http: HttpClient) -> None:
        self.tablets = load_tablets(self.store, self.plan.origin)
        missing = [d for d in self.plan.deputies if d not in self.tablets]
        if not missing:
            self._save()
            return
        login = await http.json(
            "POST", "/api/login", {"username": self.operator[0], "password": self.operator[1]}
        )
        meeting = f"/api/meetings/{self.plan.meeting}"
        for deputy in missing:
            tablet = Tablet(
                origin=self.plan.origin, device=f"{DEVICE_PREFIX}{deputy}", deputy=deputy
            )
            try:
                code = (
                    await http.json(
                        "POST", f"{meeting}/deputies/{deputy}/pairing-code", token=login["token"]
                    )
                )["code"]
                await http.json("POST", f"{meeting}/pair", tablet.pair_request(code))
            except SimulationError as error:
                self.say(f"模拟代表 {deputy} 无法配对 / cannot pair: {error}")
                continue
            self.tablets[deputy] = tablet
        self._save()

    async def _connect(self, sim: SimTablet) -> None:
        while True:
            try:
                await sim.connect()
                return
            except (SimulationError, OSError, TimeoutError) as error:
                self.say(f"模拟平板 {sim.device} 连接失败，稍后重试 / cannot connect: {error}")
                await asyncio.sleep(RECONNECT_S)

    async def _sign_in(self, sim: SimTablet, delay: float) -> None:
        await asyncio.sleep(delay)
        if sim.you is not None and sim.you.get("signed_in"):
            return
        reply = await self._send(sim, sim.tablet.sign_in())
        if reply is not None and reply.get("type") != "ack":
            self.say(f"模拟代表 {sim.tablet.deputy} 签到被拒 / sign-in refused: {reply}")

    async def _send(self, sim: SimTablet, message: dict[str, Any]) -> dict[str, Any] | None:
        """Send a signed message, keep the counter, and return the reply (None if lost)."""
        self._save()
        try:
            return await sim.request(message, timeout=30.0)
        except SimulationError as error:
            self.say(f"模拟平板 {sim.device}：{error}")
            return None

    async def _follow(self, sim: SimTablet) -> None:
        """Watch the pushed state of one tablet; vote when a poll opens; reconnect if lost."""
        while True:
            if not sim.connected:
                await asyncio.sleep(RECONNECT_S)
                await self._connect(sim)
            poll, you = sim.poll(), sim.you
            if self._should_vote(sim, poll):
                assert poll is not None
                self._voted.add((sim.tablet.deputy, str(poll["poll"])))
                task = asyncio.get_running_loop().create_task(self._vote(sim, poll))
                self._votes.add(task)
                task.add_done_callback(self._votes.discard)
            with contextlib.suppress(SimulationError):
                await sim.wait_until(_changed_from(poll, you), timeout=3600, what="a poll")

    def _should_vote(self, sim: SimTablet, poll: dict[str, Any] | None) -> bool:
        you = sim.you or {}
        return (
            poll is not None
            and poll.get("status") == "open"
            and poll.get("mode") in {"named", "encrypted"}
            and you.get("signed_in") is True
            and not (you.get("poll") == poll["poll"] and you.get("took_part"))
            and (sim.tablet.deputy, str(poll["poll"])) not in self._voted
        )

    async def _vote(self, sim: SimTablet, poll: dict[str, Any]) -> None:
        if self.rng.random() < self.plan.non_voting:
            return
        choice = choice_for(poll["definition"], self.rng)
        if choice is None:
            return
        await asyncio.sleep(self.rng.uniform(0.3, max(0.3, self.pace.vote_s)))
        current = sim.poll()
        if current is None or current.get("poll") != poll["poll"] or current["status"] != "open":
            return
        if poll["mode"] == "encrypted":
            if "encryption" not in current:
                return  # the poll cannot take ballots (its key changed)
            plaintext = crypto_choice(poll["definition"], choice)
            message = sim.tablet.encrypted_ballot(poll["poll"], current["encryption"], plaintext)
        else:
            message = sim.tablet.named_vote(poll["poll"], choice)
        reply = await self._send(sim, message)
        if reply is not None and reply.get("type") not in {"ack", "ballot_ack"}:
            self.say(f"模拟代表 {sim.tablet.deputy} 投票被拒 / vote refused: {reply}")


def _changed_from(
    poll: dict[str, Any] | None, you: dict[str, Any] | None
) -> Callable[[SimTablet], bool]:
    """Whether a tablet lost its connection, or was told of another poll or deputy view."""

    def changed(sim: SimTablet) -> bool:
        return not sim.connected or (sim.poll(), sim.you) != (poll, you)

    return changed
