"""Killing the server at random moments of a vote burst loses no acknowledged vote.

A real ``congress serve`` process on each store in turn (a SQLite file, then a PostgreSQL
database); simulated tablets (``devices.simulator``)
vote over real WebSockets, all at once, in a series of polls, encrypted and named (the
scrutineers' list is adopted on paper first and three simulated stations make the sitting key;
they decrypt each encrypted poll after its close). At seeded random
moments the test kills the server with SIGKILL: after the k-th acknowledgement of a burst, or a
few milliseconds after the chair asked to close the poll. It restarts the server on the same
port and data; every tablet reconnects and re-sends, unchanged, the message it had no answer to
(the server answers a message it already committed as a duplicate). At the end the meeting is
exported and the bundle must pass the verifier, and the log must hold every acknowledged vote
exactly once, and no vote twice.

By default there are 5 kill points; ``pytest --long`` makes 40 over more polls and tablets. The
figures go to ``<basetemp>/figures/crash.json``, under the store's name.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pytest

from audit.verify import verify_bundle
from ballots.crypto.shape import Choice
from devices.rehearsal.encrypted import SCRUTINEERS_POLL, RehearsalScrutineers, agenda_item
from devices.simulator import (
    ConnectionLost,
    HttpClient,
    SimTablet,
    SimulationError,
    websocket_url,
)
from devices.tablet import Tablet
from tests.conftest import Figures
from tests.devices.processes import congress, environment
from tests.stores import Store
from voting.cli.serve import bind

ORIGIN = "xinzhou.congress.local/crash-test"
MEETING = "crash"
ADMIN = ("chief", "chief-pass-1")
SEED = 20260301
CHOICES = ("for", "against", "abstain")
#: The votes of a burst are sent within this many seconds of its start.
BURST_S = 0.08
#: Seconds a server process has to answer /healthz after it was started.
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Plan:
    tablets: int
    polls: int
    kills: int

    def kills_of(self, poll: int) -> list[str]:
        """The kill points of ``poll``: ``"burst"`` (after some acknowledgement of the votes)
        or ``"close"`` (while the poll is being closed); every fourth kill is a close."""
        phases = []
        for index in range(self.kills):
            if index * self.polls // self.kills == poll:
                phases.append("close" if index % 4 == 3 else "burst")
        return phases


DEFAULT = Plan(tablets=16, polls=3, kills=5)
LONG = Plan(tablets=32, polls=12, kills=40)


@dataclass
class Tally:
    kill_points: int = 0
    votes_sent: int = 0
    acknowledged: int = 0
    in_flight_at_kill: int = 0
    in_flight_committed: int = 0
    counted: int = 0
    counted_twice: int = 0
    server_errors: int = 0
    restarts_seconds: list[float] = field(default_factory=list)


class ServerProcess:
    """``congress serve --db URL`` killed and restarted on the same data and the same listening
    socket (bound here, handed to each server process): tablets reconnect to the same port."""

    def __init__(self, env: dict[str, str], database_url: str, log_path: Path) -> None:
        # The database is named on the command line only, as an operator would.
        self.env = {k: v for k, v in env.items() if k != "CONGRESS_DB"}
        self.database_url = database_url
        self._socket = bind("127.0.0.1", 0)
        self.port = self._socket.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.starts = 0
        self._log: TextIO | None = None
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, http: HttpClient) -> float:
        self.starts += 1
        log = self.log_path.open("a", encoding="utf-8")
        log.write(f"=== start {self.starts} ===\n")
        log.flush()
        self._log = log
        loop = asyncio.get_running_loop()
        started = loop.time()
        fd = str(self._socket.fileno())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "serve", "--db", self.database_url, "--fd", fd],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(self._socket.fileno(),),
        )
        while loop.time() - started < START_TIMEOUT_S:
            if self.process.poll() is not None:
                raise AssertionError(self.log_path.read_text(encoding="utf-8")[-3000:])
            try:
                await http.json("GET", "/healthz")
                return loop.time() - started
            except SimulationError:
                await asyncio.sleep(0.05)
        raise AssertionError(f"the server did not start within {START_TIMEOUT_S} s")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs in the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def reap(self) -> None:
        if self.process is not None:
            self.process.wait(timeout=30)
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.reap()
        self._socket.close()


@dataclass(frozen=True)
class KillMoment:
    """When to kill the server during a burst: after this many acknowledgements, or after this
    many seconds from its start."""

    after_acks: int | None = None
    after_s: float | None = None


@dataclass
class Vote:
    """One tablet's vote in one poll: the exact message, re-sent unchanged until answered."""

    sim: SimTablet
    poll: str
    choice: str
    message: dict[str, Any]
    delay_s: float  # after the burst's start
    acknowledged: bool = False
    attempts: int = 0
    in_flight_at_kill: bool = False  # sent, and the server was killed before it answered


class Sitting:
    def __init__(self, plan: Plan, server: ServerProcess, figures: Tally) -> None:
        self.plan = plan
        self.server = server
        self.figures = figures
        self.rng = random.Random(SEED)
        self.http = HttpClient(server.base, timeout=30)
        self.token = ""
        self.log_key = ""
        self.sims: list[SimTablet] = []
        self.votes: list[Vote] = []
        # What the rehearsal's simulated scrutineers need of a sitting (RehearsalScrutineers).
        self.meeting = MEETING
        self.deputies = [f"d{i:02}" for i in range(1, plan.tablets + 1)]
        self._api = self.chair
        self.scrutineers = RehearsalScrutineers(self, server.base, timeout=60)

    async def chair(self, method: str, path: str, body: Any = None) -> Any:
        return await self.http.json(
            method, f"/api/meetings/{MEETING}{path}", body, token=self.token
        )

    async def set_up(self) -> None:
        login = await self.http.json(
            "POST", "/api/login", {"username": ADMIN[0], "password": ADMIN[1]}
        )
        self.token = login["token"]
        await self.http.json(
            "POST",
            "/api/meetings",
            {"meeting": MEETING, "origin": ORIGIN, "title": "崩溃测试", "date": "2026-03-01"},
            token=self.token,
        )
        deputies = self.deputies
        roster = [{"deputy": d, "name": f"代表{d}", "seat": d[1:]} for d in deputies]
        await self.chair("PUT", "/roster", {"deputies": roster})
        self.log_key = (await self.chair("POST", "/open"))["log_key"]
        items = [
            {"item": f"m{i}", "title": f"议案{i}", "kind": "motion"}
            for i in range(1, self.plan.polls + 1)
        ]
        await self.chair("PUT", "/agenda", {"items": [agenda_item(deputies), *items]})
        url = websocket_url(self.server.base, MEETING)
        for deputy in deputies:
            code = (await self.chair("POST", f"/deputies/{deputy}/pairing-code"))["code"]
            tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy)
            await self.http.json("POST", f"/api/meetings/{MEETING}/pair", tablet.pair_request(code))
            self.sims.append(SimTablet(tablet, url))
        await self.reconnect()
        replies = await asyncio.gather(*(s.request(s.tablet.sign_in()) for s in self.sims))
        assert [r["type"] for r in replies] == ["ack"] * len(self.sims), replies
        await self.scrutineers.take_office()

    async def reconnect(self) -> None:
        await asyncio.gather(*(s.connect() for s in self.sims if not s.connected))

    async def restart(self) -> None:
        """Kill (if still alive), wait for the process to end, start again, reconnect all."""
        self.server.kill()
        await asyncio.to_thread(self.server.reap)
        for sim in self.sims:
            await sim.drop()
        self.figures.kill_points += 1
        self.figures.restarts_seconds.append(round(await self.server.start(self.http), 2))
        await self.reconnect()

    async def poll(self, index: int) -> None:
        poll = f"p{index + 1}"
        mode = "encrypted" if index % 2 == 0 else "named"
        if mode == "encrypted":
            await self.scrutineers.answer_liveness(poll)
        opened = await self.chair(
            "POST",
            "/polls",
            {"poll": poll, "item": f"m{index + 1}", "definition": {"kind": "motion"}, "mode": mode},
        )
        assert opened["poll"] == poll
        encryption = (await self.chair("GET", ""))["poll"].get("encryption")
        votes = []
        for sim in self.sims:
            choice = self.rng.choice(CHOICES)
            message = (
                sim.tablet.encrypted_ballot(poll, encryption, Choice.stances([choice]))
                if mode == "encrypted"
                else sim.tablet.named_vote(poll, choice)
            )
            votes.append(Vote(sim, poll, choice, message, self.rng.uniform(0.0, BURST_S)))
        self.votes.extend(votes)
        self.figures.votes_sent += len(votes)
        kills = self.plan.kills_of(index)
        moments = [self.kill_moment(len(votes)) for _ in range(kills.count("burst"))]
        await self.burst(votes, moments)
        await self.close(poll, kill="close" in kills)

    def kill_moment(self, votes: int) -> KillMoment:
        """Half of the kills come after the k-th acknowledgement of a burst, half after a delay
        from its start (the votes of a burst may then be decided but not yet committed)."""
        if self.rng.random() < 0.5:
            return KillMoment(after_acks=self.rng.randrange(1, votes + 1))
        return KillMoment(after_s=self.rng.uniform(0.0, BURST_S))

    async def burst(self, votes: list[Vote], moments: list[KillMoment]) -> None:
        """Send every unanswered vote at once and kill the server at each of ``moments``; after
        each kill, restart and re-send what was not answered, until every vote is answered."""
        acks = 0
        while True:
            pending = [v for v in votes if not v.acknowledged]
            if not pending and not moments:
                return
            moment = moments.pop(0) if moments else None
            killed = asyncio.Event()

            def kill(event: asyncio.Event = killed) -> None:
                if not event.is_set():
                    self.server.kill()
                    event.set()

            def acknowledged(moment: KillMoment | None = moment, kill: Any = kill) -> None:
                nonlocal acks
                acks += 1
                if (
                    moment is not None
                    and moment.after_acks is not None
                    and acks >= moment.after_acks
                ):
                    kill()

            async def send(vote: Vote, on_ack: Any = acknowledged) -> None:
                again = vote.in_flight_at_kill
                if vote.attempts == 0:  # deputies press at slightly different moments
                    await asyncio.sleep(vote.delay_s)
                vote.attempts += 1
                sent = vote.sim.sent
                try:
                    reply = await vote.sim.request(vote.message, timeout=60)
                except ConnectionLost:
                    # Sent and unanswered, or not sent at all because the server was gone.
                    vote.in_flight_at_kill = vote.in_flight_at_kill or vote.sim.sent > sent
                    return
                assert reply["type"] in {"ack", "ballot_ack"}, reply
                vote.acknowledged = True
                self.figures.acknowledged += 1
                if again:
                    self.figures.in_flight_at_kill += 1
                    self.figures.in_flight_committed += int(bool(reply.get("duplicate")))
                on_ack()

            tasks = [asyncio.create_task(send(v)) for v in pending]
            if moment is not None and (
                moment.after_s is not None
                or (moment.after_acks is not None and acks >= moment.after_acks)
            ):
                # A delay, or a count of acknowledgements already passed (some arrive after
                # the previous kill): kill a few milliseconds into the burst.
                await asyncio.sleep(moment.after_s or self.rng.uniform(0.0, 0.01))
                kill()
            await asyncio.gather(*tasks)
            if moment is not None:
                kill()  # a burst answered in full before its kill moment: kill now
                await self.restart()

    async def close(self, poll: str, *, kill: bool) -> None:
        closing = asyncio.create_task(self.chair("POST", f"/polls/{poll}/close"))
        if kill:
            await asyncio.sleep(self.rng.uniform(0.0, 0.03))
            self.server.kill()
            await asyncio.gather(closing, return_exceptions=True)
            await self.restart()
        else:
            await closing
        found = {p["poll"]: p for p in (await self.chair("GET", "/polls"))["polls"]}
        if found[poll]["status"] == "open":
            await self.chair("POST", f"/polls/{poll}/close")
        if found[poll]["mode"] == "encrypted":
            await self.scrutineers.decrypted(poll)

    async def finish(self) -> None:
        await self.chair("POST", "/close")
        for sim in self.sims:
            await sim.close()


def counted_votes(entries: list[dict[str, Any]]) -> Counter[tuple[str, str, str]]:
    """(poll, deputy, the encrypted ballot's hash or the named choice) of every vote in the
    log."""
    found: Counter[tuple[str, str, str]] = Counter()
    for entry in entries:
        if entry["type"] == "encrypted_ballot":
            found[(entry["poll"], entry["deputy"], entry["body"]["ballot_hash"])] += 1
        elif entry["type"] == "vote":
            found[(entry["poll"], entry["deputy"], entry["body"]["choice"])] += 1
    return found


def expected_key(vote: Vote) -> tuple[str, str, str]:
    if vote.message["type"] == "encrypted_ballot":
        return (vote.poll, vote.sim.tablet.deputy, vote.message["body"]["ballot_hash"])
    return (vote.poll, vote.sim.tablet.deputy, vote.choice)


def test_killing_the_server_during_vote_bursts_loses_no_acknowledged_vote(
    store: Store, tmp_path: Path, long_run: bool, figures: Figures
) -> None:
    plan = LONG if long_run else DEFAULT
    env = dict(environment(tmp_path / "data"), **store.environment())
    init = congress("init", "--origin", ORIGIN, "--admin", ADMIN[0], env=env, stdin=ADMIN[1] + "\n")
    assert init.returncode == 0, init.stderr
    server = ServerProcess(env, store.url, tmp_path / "server.log")
    numbers = Tally()
    sitting = Sitting(plan, server, numbers)

    async def run() -> None:
        await server.start(sitting.http)
        try:
            await sitting.set_up()
            for index in range(plan.polls):
                await sitting.poll(index)
            await sitting.finish()
        finally:
            for sim in sitting.sims:
                await sim.drop()
            await asyncio.to_thread(server.stop)

    asyncio.run(run())

    bundle = tmp_path / "bundle"
    export = congress("export", "--origin", ORIGIN, "--out", str(bundle), env=env)
    assert export.returncode == 0, export.stderr
    report = verify_bundle(bundle, vkey=sitting.log_key)
    assert report.ok, report

    entries = [
        json.loads(line)
        for line in (bundle / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    counted = counted_votes(entries)
    expected = Counter(expected_key(v) for v in sitting.votes)
    assert all(v.acknowledged for v in sitting.votes)
    # Every acknowledged vote exactly once; nothing else and nothing twice.
    assert counted == expected
    encrypted = Counter(
        (e["poll"], e["deputy"]) for e in entries if e["type"] == "encrypted_ballot"
    )
    assert set(encrypted.values()) == {1}
    assert len(encrypted) == sum(
        1 for v in sitting.votes if v.message["type"] == "encrypted_ballot"
    )
    results = {e["poll"]: e["result"] for e in entries if e["type"] == "result"}
    assert results.pop(SCRUTINEERS_POLL)["outcome"] == {"passed": True}  # the list, on paper
    assert len(results) == plan.polls
    for poll, result in results.items():
        choices = Counter(v.choice for v in sitting.votes if v.poll == poll)
        assert result["counts"] == {
            "for": choices["for"],
            "against": choices["against"],
            "abstain": choices["abstain"],
            "not_voted": 0,
        }, poll

    log = server.log_path.read_text(encoding="utf-8")
    numbers.counted = sum(counted.values())
    numbers.counted_twice = sum(1 for n in counted.values() if n > 1)
    numbers.server_errors = log.count("Traceback") + log.count("a transaction failed")
    assert numbers.kill_points >= plan.kills
    assert numbers.server_errors == 0, log[-3000:]
    figures(
        "crash",
        {
            store.kind: {
                "mode": "long" if long_run else "default",
                "tablets": plan.tablets,
                "polls": plan.polls,
                "kill_points_survived": numbers.kill_points,
                "votes_sent": numbers.votes_sent,
                "votes_acknowledged": numbers.acknowledged,
                "votes_counted": numbers.counted,
                "counted_twice": numbers.counted_twice,
                "in_flight_at_a_kill": numbers.in_flight_at_kill,
                "in_flight_committed_before_the_kill": numbers.in_flight_committed,
                "restart_seconds": numbers.restarts_seconds,
                "server_errors": numbers.server_errors,
                "bundle_verified": report.ok,
            },
        },
    )


@pytest.mark.parametrize(("plan", "kills"), [(DEFAULT, 5), (LONG, 40)])
def test_the_kill_plan_has_enough_kill_points(plan: Plan, kills: int) -> None:
    phases = [phase for poll in range(plan.polls) for phase in plan.kills_of(poll)]
    assert len(phases) == kills
    assert "close" in phases
    assert all(plan.kills_of(poll).count("burst") <= plan.tablets for poll in range(plan.polls))
