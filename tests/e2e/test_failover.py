"""A standby takes over in the middle of a vote: no acknowledged vote lost or doubled.

Two PostgreSQL clusters on this machine stand for the two machines of docs/operations.md §14: a
primary, and a hot standby made from it with ``pg_basebackup -R`` that streams as
``application_name`` ``standby``; the primary's commits wait until the standby has applied
them (``synchronous_standby_names``, ``synchronous_commit = remote_apply``). Both run with
``fsync=off`` for speed (bench/postgres.py): the killed primary is never started again, and
what is compared is what reached the standby, which does not depend on fsync.

Server A (``congress serve``) runs on the primary, server B on the standby, where it waits
(``standby``) — each with the other's address (``--peer-url``) and its own copy of the data
directory (the log key). Simulated tablets, paired on A, know both addresses. In the middle of
a burst of named votes, after some acknowledgements and before all of them, the test SIGKILLs
server A and the primary's postmaster, then promotes the standby (``pg_ctl promote``). Each
tablet re-sends, unchanged, the vote it had no answer to, reconnecting to whichever server
answers; B serves once it sees the promotion. The poll is closed on B, a second poll is held
there, and the meeting is closed and exported from the promoted database.

Then: every acknowledged vote is in the log exactly once, nothing else and nothing twice; the
bundle passes the verifier (checkpoints signed before the kill by A and after it by B form one
consistent log); the tablets' counters continued (an old counter is refused on B). The figures
(acknowledged, counted, seconds from the kill to the first acknowledgement on B) are printed
and kept in ``<basetemp>/figures/failover.json``.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audit.verify import verify_bundle
from bench.postgres import Cluster
from devices.simulator import (
    ConnectionLost,
    HttpClient,
    SimTablet,
    websocket_url,
)
from devices.tablet import Tablet
from tests.conftest import Figures
from tests.devices.processes import congress, environment
from tests.e2e.server_pair import ServerProcess, start_servers, synchronous_pair

ORIGIN = "xinzhou.congress.local/failover"
MEETING = "failover"
ADMIN = ("chief", "chief-pass-1")
SEED = 20260302
TABLETS = 80
CHOICES = ("for", "against", "abstain")
#: The votes of the burst are sent within this many seconds of its start.
BURST_S = 0.3
#: Server A and the primary are killed after this many acknowledgements of the burst.
KILL_AFTER_ACKS = TABLETS // 3
#: Seconds a tablet keeps re-sending its vote before the test fails.
START_TIMEOUT_S = 60.0


@pytest.fixture
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    with synchronous_pair() as pair:
        yield pair


@dataclass
class Vote:
    sim: SimTablet
    choice: str
    message: dict[str, Any]
    delay_s: float
    acknowledged_by: str | None = None
    duplicate: bool = False


@dataclass
class Takeover:
    acknowledged_on_a: int = 0
    acknowledged_on_b: int = 0
    answered_as_duplicate_on_b: int = 0
    killed_at: float = 0.0
    promoted_at: float = 0.0
    first_ack_on_b: float = 0.0


class Hall:
    def __init__(self, a: ServerProcess, b: ServerProcess) -> None:
        self.a, self.b = a, b
        self.rng = random.Random(SEED)
        self.http_a = HttpClient(a.base, timeout=30)
        self.http_b = HttpClient(b.base, timeout=30)
        self.token = ""
        self.log_key = ""
        self.sims: list[SimTablet] = []
        self.numbers = Takeover()

    async def chair(self, http: HttpClient, method: str, path: str, body: Any = None) -> Any:
        return await http.json(method, f"/api/meetings/{MEETING}{path}", body, token=self.token)

    async def set_up(self) -> None:
        http = self.http_a
        login = await http.json("POST", "/api/login", {"username": ADMIN[0], "password": ADMIN[1]})
        self.token = login["token"]
        meeting = {"meeting": MEETING, "origin": ORIGIN, "title": "接管测试", "date": "2026-03-02"}
        await http.json("POST", "/api/meetings", meeting, token=self.token)
        deputies = [f"d{i:03}" for i in range(1, TABLETS + 1)]
        roster = [{"deputy": d, "name": f"代表{d}", "seat": d[1:]} for d in deputies]
        await self.chair(http, "PUT", "/roster", {"deputies": roster})
        self.log_key = (await self.chair(http, "POST", "/open"))["log_key"]
        items = [{"item": f"m{i}", "title": f"议案{i}", "kind": "motion"} for i in (1, 2)]
        await self.chair(http, "PUT", "/agenda", {"items": items})
        urls = [websocket_url(self.a.base, MEETING), websocket_url(self.b.base, MEETING)]
        for deputy in deputies:
            code = (await self.chair(http, "POST", f"/deputies/{deputy}/pairing-code"))["code"]
            tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
            await http.json("POST", f"/api/meetings/{MEETING}/pair", tablet.pair_request(code))
            self.sims.append(SimTablet(tablet, urls, open_timeout=5))
        await asyncio.gather(*(s.connect() for s in self.sims))
        replies = await asyncio.gather(*(s.request(s.tablet.sign_in()) for s in self.sims))
        assert [r["type"] for r in replies] == ["ack"] * TABLETS, replies

    def votes(self, poll: str) -> list[Vote]:
        votes = []
        for sim in self.sims:
            choice = self.rng.choice(CHOICES)
            message = sim.tablet.named_vote(poll, choice)
            votes.append(Vote(sim, choice, message, self.rng.uniform(0.0, BURST_S)))
        return votes

    async def cast(self, vote: Vote, on_ack: Any) -> None:
        """Send the vote, and after a lost connection re-send it, unchanged, to whichever
        server answers, until it is acknowledged."""
        await asyncio.sleep(vote.delay_s)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if not vote.sim.connected:
                    await vote.sim.connect()
                reply = await vote.sim.request(vote.message, timeout=30)
            except ConnectionLost:
                await asyncio.sleep(self.rng.uniform(0.05, 0.2))  # backoff with jitter
                continue
            assert reply["type"] == "ack", reply
            vote.acknowledged_by = "b" if self.b.base in _http(vote.sim.url) else "a"
            vote.duplicate = bool(reply.get("duplicate"))
            on_ack(vote)
            return
        raise AssertionError(f"{vote.sim.device}: no server acknowledged the vote in time")

    async def failover_burst(self, votes: list[Vote], primary: Cluster, standby: Cluster) -> None:
        killed = asyncio.Event()

        def acknowledged(vote: Vote) -> None:
            if vote.acknowledged_by == "a":
                self.numbers.acknowledged_on_a += 1
                if self.numbers.acknowledged_on_a >= KILL_AFTER_ACKS and not killed.is_set():
                    # The primary machine dies: its meeting server and its database, at once.
                    self.a.kill()
                    primary.kill()
                    self.numbers.killed_at = time.monotonic()
                    killed.set()
            else:
                if not self.numbers.acknowledged_on_b:
                    self.numbers.first_ack_on_b = time.monotonic()
                self.numbers.acknowledged_on_b += 1
                self.numbers.answered_as_duplicate_on_b += int(vote.duplicate)

        async def operator() -> None:
            await killed.wait()
            # The operator's act (docs/operations.md §14), the moment the kill is seen: here
            # pg_ctl promote, so that the figure is the system's time, not a command's start-up
            # (`congress promote` does the same: tests/e2e/test_tablet_failover.py).
            await asyncio.to_thread(standby.promote)
            self.numbers.promoted_at = time.monotonic()

        promote = asyncio.create_task(operator())
        await asyncio.gather(*(self.cast(v, acknowledged) for v in votes))
        assert killed.is_set(), "the burst ended before the kill"
        await promote


def _http(ws_url: str) -> str:
    return ws_url.replace("ws://", "http://", 1)


def counted_votes(entries: list[dict[str, Any]]) -> Counter[tuple[str, str, str]]:
    return Counter(
        (e["poll"], e["deputy"], e["body"]["choice"]) for e in entries if e["type"] == "vote"
    )


def test_a_standby_takes_over_mid_burst_without_losing_or_doubling_a_vote(
    clusters: tuple[Cluster, Cluster], tmp_path: Path, figures: Figures
) -> None:
    primary, standby = clusters
    a, b, database = start_servers(tmp_path, primary, standby, origin=ORIGIN, admin=ADMIN)
    hall = Hall(a, b)
    first: list[Vote] = []
    second: list[Vote] = []

    async def run() -> None:
        await a.answers(standby=False)
        await b.answers(standby=True)
        try:
            await hall.set_up()
            await hall.chair(hall.http_a, "POST", "/polls", _poll("p1", "m1"))
            first.extend(hall.votes("p1"))
            await hall.failover_burst(first, primary, standby)
            await b.answers(standby=False)
            # The chair's console goes to B as well: the same account, a new login.
            login = {"username": ADMIN[0], "password": ADMIN[1]}
            hall.token = (await hall.http_b.json("POST", "/api/login", login))["token"]
            await hall.chair(hall.http_b, "POST", "/polls/p1/close")
            # The counters continued: a tablet's used counter is refused on B.
            await hall.chair(hall.http_b, "POST", "/polls", _poll("p2", "m2"))
            sim = hall.sims[0]
            if not sim.connected:
                await sim.connect()
            sim.tablet.counter -= 1
            replay = await sim.request(sim.tablet.named_vote("p2", "for"))
            assert (replay["type"], replay["error"]) == ("error", "replayed-message"), replay
            second.extend(hall.votes("p2"))
            for vote in second:
                vote.delay_s = 0.0
            await asyncio.gather(*(hall.cast(v, lambda _: None) for v in second))
            await hall.chair(hall.http_b, "POST", "/polls/p2/close")
            await hall.chair(hall.http_b, "POST", "/close")
        finally:
            for sim in hall.sims:
                await sim.drop()
            await asyncio.to_thread(a.stop)
            await asyncio.to_thread(b.stop)

    asyncio.run(run())

    bundle = tmp_path / "bundle"
    export = congress(
        "export", "--origin", ORIGIN, "--out", str(bundle), "--db", standby.url(database),
        env=environment(tmp_path / "data-b"),
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    report = verify_bundle(bundle, vkey=hall.log_key)
    assert report.ok, report
    entries = [
        json.loads(line)
        for line in (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    # One log signed on both machines: A's checkpoints (up to the meeting's opening, before
    # the poll) and B's (the results, the close), all in the bundle the verifier accepted.
    sizes = sorted(int(p.stem) for p in (bundle / "checkpoints").glob("*.txt"))
    opened = next(e["seq"] for e in entries if e["type"] == "poll_opened" and e["poll"] == "p1")
    first_result = next(e["seq"] for e in entries if e["type"] == "result" and e["poll"] == "p1")
    assert [n for n in sizes if n <= opened], sizes  # signed by A
    assert [n for n in sizes if n > first_result], sizes  # signed by B
    votes = first + second
    counted = counted_votes(entries)
    expected = Counter(("p1" if v in first else "p2", v.sim.tablet.deputy, v.choice) for v in votes)
    assert all(v.acknowledged_by is not None for v in votes)
    assert counted == expected  # every acknowledged vote once; nothing else, nothing twice
    results = {e["poll"]: e["result"]["counts"] for e in entries if e["type"] == "result"}
    for poll, cast in (("p1", first), ("p2", second)):
        choices = Counter(v.choice for v in cast)
        assert results[poll] == {
            "for": choices["for"],
            "against": choices["against"],
            "abstain": choices["abstain"],
            "not_voted": 0,
        }
    # Each device's counters rise through the log, across the takeover.
    counters: dict[str, list[int]] = {}
    for entry in entries:
        if entry["type"] in {"vote", "signed_in"}:
            counters.setdefault(entry["body"]["device"], []).append(entry["body"]["n"])
    assert len(counters) == TABLETS
    assert all(ns == sorted(set(ns)) and len(ns) == 3 for ns in counters.values())
    numbers = hall.numbers
    assert numbers.acknowledged_on_a >= KILL_AFTER_ACKS
    assert numbers.acknowledged_on_b > 0
    assert numbers.acknowledged_on_a + numbers.acknowledged_on_b == TABLETS
    recovery_s = round(numbers.first_ack_on_b - numbers.killed_at, 2)
    for server in (a, b):
        log = server.log_path.read_text(encoding="utf-8")
        assert "Traceback" not in log, log[-3000:]
    figures(
        "failover",
        {
            "tablets": TABLETS,
            "votes_acknowledged": sum(1 for v in votes if v.acknowledged_by),
            "votes_counted": sum(counted.values()),
            "counted_twice": sum(1 for n in counted.values() if n > 1),
            "burst_acknowledged_by_a_before_the_kill": numbers.acknowledged_on_a,
            "burst_acknowledged_by_b_after_the_kill": numbers.acknowledged_on_b,
            "burst_answered_by_b_as_already_recorded": numbers.answered_as_duplicate_on_b,
            "seconds_from_kill_to_promotion_done": round(
                numbers.promoted_at - numbers.killed_at, 2
            ),
            "seconds_from_kill_to_first_ack_on_b": recovery_s,
            "seconds_from_promotion_done_to_first_ack_on_b": round(
                numbers.first_ack_on_b - numbers.promoted_at, 2
            ),
            "bundle_verified": report.ok,
        },
    )


def _poll(poll: str, item: str) -> dict[str, Any]:
    return {"poll": poll, "item": item, "definition": {"kind": "motion"}, "mode": "named"}
