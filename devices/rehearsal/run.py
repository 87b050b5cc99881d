"""Run a dress rehearsal: a whole sitting driven by simulated tablets against a real server.

``congress simulate`` runs it before a meeting, on the hall's own server and network, and the
test suite runs it end to end. Every deputy has a simulated tablet (:mod:`devices.simulator`)
that pairs with a one-time code and votes with its own device key over a real WebSocket, all
tablets at once. The polls come from a plan (:mod:`devices.rehearsal.plan`, by default
``examples/rehearsal/standard-sitting.json``); what the run finds is a
:class:`~devices.rehearsal.summary.Summary`, which :mod:`devices.rehearsal.report` prints. The
standard sitting:

1. an administrator creates the meeting with N deputies, opens it and sets the agenda;
2. each tablet gets a pairing code from the operator and registers its key;
3. every tablet connects (a semaphore bounds the handshakes in flight);
4. the deputies sign in, most on their tablets, a few by an operator (补签);
5. the scrutineers' list is adopted on paper and three simulated scrutineer stations
   (:mod:`devices.rehearsal.encrypted`) pair and run the key ceremony;
6. five polls: an encrypted motion, a named motion, an encrypted election of two deputy town
   heads from three candidates with a write-in, an encrypted choice of three livelihood projects
   from five, and an encrypted evaluation of three offices. Before each encrypted poll the
   stations answer its liveness challenge; every tablet encrypts and proves its ballot. In the
   two motions one tablet drops its connection after sending its vote, before reading the
   acknowledgement; it reconnects, must be welcomed with the current state, re-sends the same
   signed message and must be answered as a duplicate: the vote is counted once. After each
   close (and, for an encrypted poll, the stations' decryption and write-in mix) the result
   must equal the recount of the ballots the tablets cast, and every tablet checks its own
   vote: an encrypted ballot by its tracking code, the signed checkpoint and the inclusion
   proof; a named vote in the published votes;
7. the meeting is closed.

Choices are drawn from a seeded random generator with the plan's weights, so a run is
repeatable.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import ballots
from audit.errors import AuditError
from audit.note import NoteVerifier
from devices.rehearsal.encrypted import MINIMUM_TABLETS, RehearsalScrutineers, agenda_item
from devices.rehearsal.encrypted_vote import crypto_choice
from devices.rehearsal.plan import Plan, PollPlan, ballot_for, load_plan
from devices.rehearsal.summary import PollOutcome, Summary
from devices.simulator import (
    HttpClient,
    SimTablet,
    SimulationError,
    check_ballot_counted,
    check_signed_promise,
)
from devices.tablet import Tablet

__all__ = ["Progress", "Rehearsal"]

Progress = Callable[[str], None]


class Rehearsal:
    """One run of ``plan`` (default: the standard sitting) against the server at
    ``http.base``."""

    def __init__(
        self,
        http: HttpClient,
        ws_url: Callable[[str], str],
        *,
        tablets: int,
        username: str,
        password: str,
        meeting: str,
        origin: str,
        seed: int = 2026,
        progress: Progress = print,
        connect_limit: int = 32,
        timeout: float = 60.0,
        ssl_context: Any = None,
        plan: Plan | None = None,
        cafile: str | None = None,
    ) -> None:
        if tablets < 2:
            raise ValueError("a rehearsal needs at least two tablets")
        self.plan = plan if plan is not None else load_plan()
        if any(p.mode == "encrypted" for p in self.plan.polls) and tablets < MINIMUM_TABLETS:
            raise ValueError(f"an encrypted sitting needs at least {MINIMUM_TABLETS} tablets")
        for poll in self.plan.polls:
            if poll.drop_tablet is not None and poll.drop_tablet >= tablets:
                raise ValueError(
                    f"poll {poll.poll} drops tablet {poll.drop_tablet}, "
                    f"but there are only {tablets} tablets"
                )
        self.http = http
        self.ws_url = ws_url
        self.username = username
        self.password = password
        self.meeting = meeting
        self.origin = origin
        self.rng = random.Random(seed)
        self.progress = progress
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.summary = Summary(
            tablets=tablets, polls_planned=len(self.plan.polls), meeting=meeting, origin=origin
        )
        self.deputies = [f"d{i:03}" for i in range(1, tablets + 1)]
        self.sims: list[SimTablet] = []
        self.token = ""
        self.log: NoteVerifier | None = None
        self._connect_slots = asyncio.Semaphore(connect_limit)
        self._phase = 0
        #: The simulated scrutineers' stations, when the plan holds an encrypted poll.
        self.scrutineers = (
            RehearsalScrutineers(self, http.base, cafile=cafile, timeout=timeout)
            if any(p.mode == "encrypted" for p in self.plan.polls)
            else None
        )
        #: The encrypted ballots as sent, by device and poll, for the check after the close.
        self._sent: dict[tuple[str, str], dict[str, Any]] = {}
        self._votes: dict[str, dict[str, Any]] = {}  # published named votes, by poll

    # Running -----------------------------------------------------------------------------

    async def run(self) -> Summary:
        started = time.perf_counter()
        phases: list[tuple[str, str, Callable[[], Awaitable[str]]]] = [
            ("会议准备", "meeting set up", self._set_up),
            ("平板配对", "pairing", self._pair),
            ("平板连接", "connecting", self._connect),
            ("签到", "sign-in", self._sign_in),
            *(
                [("监票人就位", "scrutineers and key ceremony", self._key_ceremony)]
                if self.scrutineers is not None
                else []
            ),
            *[
                (
                    f"表决 {p.poll} {p.title}",
                    f"poll {p.poll} ({p.mode} {p.kind})",
                    self._poll_step(p),
                )
                for p in self.plan.polls
            ],
            ("闭会", "closing", self._close),
        ]
        try:
            for number, (zh, en, step) in enumerate(phases, start=1):
                phase_started = time.perf_counter()
                try:
                    detail = await step()
                except (SimulationError, AuditError) as error:
                    self.summary.failures.append(f"{en}: {error}")
                    self.progress(f"[{number}/{len(phases)}] {zh} / {en}: ✗ {error}")
                    break
                seconds = time.perf_counter() - phase_started
                self.progress(f"[{number}/{len(phases)}] {zh} / {en}: {detail} ({seconds:.2f} s)")
        finally:
            await asyncio.gather(*(s.close() for s in self.sims), return_exceptions=True)
            for sim in self.sims:
                self.summary.latencies.merge(sim.latencies)
            self.summary.elapsed = time.perf_counter() - started
        return self.summary

    def _fail(self, message: str) -> None:
        self.summary.failures.append(message)

    async def _api(self, method: str, path: str, body: Any = None) -> Any:
        return await self.http.json(
            method, f"/api/meetings/{self.meeting}{path}", body, token=self.token
        )

    async def _published_votes(self, poll: str) -> dict[str, Any]:
        """A closed named poll's votes by deputy as the server publishes them (``GET …/polls``),
        read once per poll."""
        if poll not in self._votes:
            polls = (await self._api("GET", "/polls"))["polls"]
            found: dict[str, Any] = next((p for p in polls if p["poll"] == poll), {})
            self._votes[poll] = dict(found.get("votes", {}))
        return self._votes[poll]

    # Phases ------------------------------------------------------------------------------

    async def _set_up(self) -> str:
        login = await self.http.json(
            "POST", "/api/login", {"username": self.username, "password": self.password}
        )
        self.token = login["token"]
        await self.http.json(
            "POST",
            "/api/meetings",
            {
                "meeting": self.meeting,
                "origin": self.origin,
                "title": self.plan.title,
                "date": date.today().isoformat(),
            },
            token=self.token,
        )
        roster = [
            {
                "deputy": deputy,
                "name": self.plan.deputy_name(i),
                "seat": f"{i // 10 + 1}-{i % 10 + 1:02}",
            }
            for i, deputy in enumerate(self.deputies)
        ]
        await self._api("PUT", "/roster", {"deputies": roster})
        opened = await self._api("POST", "/open")
        self.summary.log_key = opened["log_key"]
        try:
            self.log = NoteVerifier.from_vkey(opened["log_key"])
        except AuditError as error:
            raise SimulationError(f"the log key does not parse: {error}") from None
        items = [
            {
                "item": p.item,
                "title": p.title,
                "kind": p.kind,
                **({"rule": p.rule} if p.rule else {}),
            }
            for p in self.plan.polls
        ]
        if self.scrutineers is not None:
            items.insert(0, agenda_item(self.deputies))
        await self._api("PUT", "/agenda", {"items": items})
        return f"{len(self.deputies)} 名代表 / deputies, {self.meeting}"

    async def _pair(self) -> str:
        async def pair(index: int, deputy: str) -> SimTablet:
            code = (await self._api("POST", f"/deputies/{deputy}/pairing-code"))["code"]
            tablet = Tablet(origin=self.origin, device=f"sim-{index + 1:03}", deputy=deputy)
            paired = await self.http.json(
                "POST", f"/api/meetings/{self.meeting}/pair", tablet.pair_request(code)
            )
            if paired.get("deputy") != deputy:
                raise SimulationError(f"{tablet.device}: paired to {paired.get('deputy')}")
            return SimTablet(tablet, self.ws_url(self.meeting), ssl_context=self.ssl_context)

        self.sims = list(await asyncio.gather(*(pair(i, d) for i, d in enumerate(self.deputies))))
        self.summary.paired = len(self.sims)
        return f"{len(self.sims)} 台平板 / tablets"

    async def _connect_one(self, sim: SimTablet) -> dict[str, Any]:
        async with self._connect_slots:
            try:
                return await sim.connect()
            except (OSError, TimeoutError) as error:
                raise SimulationError(f"{sim.device}: cannot connect: {error}") from None

    async def _connect(self) -> str:
        await asyncio.gather(*(self._connect_one(s) for s in self.sims))
        return f"{len(self.sims)} 个连接 / connections"

    async def _sign_in(self) -> str:
        by_operator = max(1, len(self.sims) // 10)
        tablet_sims = self.sims[:-by_operator]
        operator_deputies = self.deputies[-by_operator:]

        async def by_tablet(sim: SimTablet) -> None:
            reply = await sim.request(sim.tablet.sign_in(), timeout=self.timeout)
            if reply.get("type") != "ack":
                raise SimulationError(f"{sim.device}: sign-in refused: {reply}")
            self.summary.signed_in_by_tablet += 1

        async def by_staff(deputy: str) -> None:
            await self._api("POST", f"/deputies/{deputy}/sign-in")
            self.summary.signed_in_by_operator += 1

        await asyncio.gather(
            *(by_tablet(s) for s in tablet_sims), *(by_staff(d) for d in operator_deputies)
        )
        everyone = len(self.sims)

        def all_present(sim: SimTablet) -> bool:
            return (
                sim.you is not None
                and sim.you.get("signed_in") is True
                and sim.state is not None
                and sim.state["attendance"]["present"] == everyone
            )

        await asyncio.gather(
            *(s.wait_until(all_present, timeout=self.timeout, what="sign-in") for s in self.sims)
        )
        return (
            f"{everyone} 名代表 / deputies (平板 {len(tablet_sims)}、工作人员补签 "
            f"{by_operator} / {len(tablet_sims)} by tablet, {by_operator} by operator)"
        )

    def _poll_step(self, plan: PollPlan) -> Callable[[], Awaitable[str]]:
        async def step() -> str:
            return await self._run_poll(plan)

        return step

    async def _key_ceremony(self) -> str:
        assert self.scrutineers is not None
        return await self.scrutineers.take_office()

    async def _run_poll(self, plan: PollPlan) -> str:
        await self._api("POST", f"/items/{plan.item}/current")
        if plan.mode == "encrypted":
            assert self.scrutineers is not None
            await self.scrutineers.answer_liveness(plan.poll)
        await self._api(
            "POST",
            "/polls",
            {
                "poll": plan.poll,
                "item": plan.item,
                "definition": plan.definition,
                "mode": plan.mode,
            },
        )

        def open_now(sim: SimTablet) -> bool:
            poll = sim.poll()
            return poll is not None and poll["poll"] == plan.poll and poll["status"] == "open"

        await asyncio.gather(
            *(
                s.wait_until(open_now, timeout=self.timeout, what=f"{plan.poll} open")
                for s in self.sims
            )
        )
        choices = [ballot_for(plan, i, self.rng) for i in range(len(self.sims))]
        self.summary.votes_expected += len(self.sims)
        await asyncio.gather(
            *(
                self._vote(i, s, plan, c)
                for i, (s, c) in enumerate(zip(self.sims, choices, strict=True))
            )
        )

        closed = await self._api("POST", f"/polls/{plan.poll}/close")
        result: dict[str, Any] | None = closed.get("result")
        if result is None:
            assert self.scrutineers is not None
            result = await self.scrutineers.decrypted(plan.poll)
        everyone = len(self.sims)
        expected = ballots.tally(
            {
                "poll": dict(
                    plan.definition, electorate=everyone, present=everyone, issued=everyone
                ),
                "ballots": choices,
            }
        )
        matches = result == expected
        if not matches:
            self._fail(f"{plan.poll}: the published result differs from the recount")
        self.summary.outcomes.append(PollOutcome(plan, result, matches))
        if plan.kind == "election":  # the presidium confirms an election before it is announced
            confirmed = {"decision": "主席团决定：演练选举结果予以确认", "by": ["演练主席团"]}
            await self._api("POST", f"/polls/{plan.poll}/confirm", confirmed)
        await self._api("POST", f"/polls/{plan.poll}/announce")

        def closed_now(sim: SimTablet) -> bool:
            poll = sim.poll()
            return poll is not None and poll["poll"] == plan.poll and poll["status"] == "closed"

        await asyncio.gather(
            *(
                self._check_own_vote(s, plan, c, closed_now)
                for s, c in zip(self.sims, choices, strict=True)
            )
        )
        cast = result["ballots"]["cast"]
        recount = "与复核一致 / matches recount" if matches else "与复核不符 / differs from recount"
        return f"{cast}/{everyone} 票 / votes, {recount}"

    async def _vote(self, index: int, sim: SimTablet, plan: PollPlan, choice: Any) -> None:
        encrypted = plan.mode == "encrypted"
        try:
            if encrypted:
                encryption = (sim.poll() or {}).get("encryption")
                if encryption is None:
                    raise SimulationError("the open poll came without its encryption object")
                plaintext = crypto_choice(plan.definition, choice)
                message = sim.tablet.encrypted_ballot(plan.poll, encryption, plaintext)
                self._sent[(sim.device, plan.poll)] = message
            else:
                message = sim.tablet.named_vote(plan.poll, choice)
            if plan.drop_tablet == index:
                reply = await self._drop_and_resend(sim, plan, message)
            else:
                reply = await sim.request(message, timeout=self.timeout)
            if encrypted:
                assert self.log is not None
                check_signed_promise(sim.tablet.encrypted[plan.poll], self.log, reply)
            elif reply.get("type") != "ack":
                raise SimulationError(f"expected ack, got {reply}")
            self.summary.votes_acknowledged += 1
        except SimulationError as error:
            self._fail(f"{sim.device} {plan.poll}: {error}")

    async def _drop_and_resend(
        self, sim: SimTablet, plan: PollPlan, message: dict[str, Any]
    ) -> dict[str, Any]:
        """The acknowledgement is lost with the connection; the tablet reconnects and re-sends
        the very same signed message, which must be recognised as already counted."""
        await sim.send_and_lose_reply(message, timeout=self.timeout)
        welcome = await self._connect_one(sim)
        self.summary.reconnections += 1
        poll = welcome["state"].get("poll") or {}
        if (poll.get("poll"), poll.get("status")) != (plan.poll, "open"):
            raise SimulationError(f"welcomed back without the open poll {plan.poll}: {poll}")
        if not welcome.get("you", {}).get("took_part"):
            raise SimulationError("welcomed back, but the vote before the drop is not shown")
        reply = await sim.request(message, timeout=self.timeout)
        if reply.get("duplicate") is not True:
            raise SimulationError(f"the re-sent vote was not answered as a duplicate: {reply}")
        self.summary.duplicates += 1
        return reply

    async def _check_own_vote(
        self,
        sim: SimTablet,
        plan: PollPlan,
        choice: Any,
        closed_now: Callable[[SimTablet], bool],
    ) -> None:
        try:
            await sim.wait_until(closed_now, timeout=self.timeout, what=f"{plan.poll} closed")
            if plan.mode == "named":
                self.summary.named_total += 1
                votes = await self._published_votes(plan.poll)
                if votes.get(sim.tablet.deputy) != choice:
                    raise SimulationError("the published named votes do not show this vote")
                self.summary.named_confirmed += 1
                return
            self.summary.inclusion_total += 1
            assert self.log is not None
            vote = sim.tablet.encrypted[plan.poll]
            sent = self._sent[(sim.device, plan.poll)]
            await check_ballot_counted(self.http, self.meeting, vote, self.log, sent)
            self.summary.inclusion_passed += 1
        except SimulationError as error:
            self._fail(f"{sim.device} {plan.poll}: {error}")

    def checkpoints_seen(self) -> dict[int, str]:
        """The signed checkpoints the simulated scrutineers read, by tree size."""
        if self.scrutineers is None:
            return {}
        return {
            int(size): note
            for station in self.scrutineers.stations
            for size, note in station.state.checkpoints.items()
        }

    async def _close(self) -> str:
        await self._api("POST", "/close")
        state = await self._api("GET", "")
        return f"{state['seq']} 条日志记录 / log entries"
