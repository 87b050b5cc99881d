"""The dress rehearsal: a whole sitting driven by simulated tablets against a real server.

``congress simulate`` runs it before a meeting, on the hall's own server and network, and the
test suite runs it end to end. Every deputy has a simulated tablet (:mod:`devices.simulator`)
that pairs with a one-time code and votes with its own device key over a real WebSocket, all
tablets at once. The sitting:

1. an administrator creates the meeting with N deputies, opens it and sets the agenda;
2. each tablet gets a pairing code from the operator and registers its key;
3. every tablet connects (a semaphore bounds the handshakes in flight);
4. the deputies sign in, most on their tablets, a few by an operator (补签);
5. five polls: a secret motion, a named motion, an election of two deputy town heads from three
   candidates with a write-in, a choice of three livelihood projects from five, and an
   evaluation of three offices. In the secret motion and the named motion one tablet drops its
   connection after sending its vote, before reading the acknowledgement; it reconnects, must be
   welcomed with the current state, re-sends the same signed message and must be answered as a
   duplicate: the vote is counted once. After each close the result must equal the recount of
   the ballots the tablets sent, and every tablet checks its own vote: a secret ballot by its
   receipt, the signed checkpoint and the inclusion proof; a named vote in the published votes;
6. the meeting is closed.

Choices are drawn from a seeded random generator, so a run is repeatable.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ballots
from audit.errors import AuditError
from audit.note import NoteVerifier
from devices.simulator import (
    HttpClient,
    Latencies,
    SimTablet,
    SimulationError,
    check_ballot_counted,
    check_signed_promise,
)
from devices.tablet import Tablet

__all__ = [
    "PLANS",
    "PollOutcome",
    "PollPlan",
    "Rehearsal",
    "Summary",
    "ballot_for",
    "result_lines",
    "summary_lines",
]

TITLE = "新洲镇第十七届人民代表大会第三次会议（演练）"
WRITE_IN = "郑国平"

VICE: dict[str, Any] = {
    "kind": "election",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "黄丽华"},
        {"id": "c2", "name": "周志强"},
        {"id": "c3", "name": "吴海燕"},
    ],
    "write_ins": True,
}
PROJECTS: dict[str, Any] = {
    "kind": "selection",
    "seats": 3,
    "form": "choose",
    "candidates": [
        {"id": "p1", "name": "镇区雨污分流改造"},
        {"id": "p2", "name": "农村公路提档升级"},
        {"id": "p3", "name": "中心小学食堂改造"},
        {"id": "p4", "name": "居家养老服务中心"},
        {"id": "p5", "name": "农村饮用水管网改造"},
    ],
}
REVIEW: dict[str, Any] = {
    "kind": "evaluation",
    "subjects": [
        {"id": "s1", "name": "农业农村办公室"},
        {"id": "s2", "name": "财政所"},
        {"id": "s3", "name": "社会事务办公室"},
    ],
}


@dataclass(frozen=True)
class PollPlan:
    poll: str
    item: str
    title: str
    mode: str  # secret | named
    definition: dict[str, Any]
    rule: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return str(self.definition["kind"])


PLANS: tuple[PollPlan, ...] = (
    PollPlan("p1", "budget", "关于2026年财政预算的决议", "secret", {"kind": "motion"}),
    PollPlan("p2", "liaison", "关于设立人大代表联络站的决定", "named", {"kind": "motion"}),
    PollPlan("p3", "vice", "选举副镇长", "secret", VICE, {"office": "deputy", "extra": 1}),
    PollPlan("p4", "projects", "2026年度民生实事项目票决", "secret", PROJECTS),
    PollPlan("p5", "review", "镇政府工作部门满意度测评", "secret", REVIEW),
)
#: In these polls the tablet at this index loses its connection after sending its vote.
DROPS = {"p1": 0, "p2": 1}

_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
_GIVEN = ("建国", "秀英", "志强", "丽华", "海燕", "国庆", "红梅", "晓东", "立新", "春生", "玉珍")


def _sample(rng: random.Random, items: Sequence[str], weights: Sequence[int], k: int) -> list[str]:
    """``k`` distinct items, each draw weighted."""
    pool, chosen = list(zip(items, weights, strict=True)), []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(range(len(pool)), [w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    return chosen


def ballot_for(plan: PollPlan, index: int, rng: random.Random) -> Any:
    """The choice the deputy at ``index`` makes in ``plan``."""
    if plan.kind == "motion":
        return rng.choices(["for", "against", "abstain"], [75, 15, 10])[0]
    if plan.kind == "election":
        if index % 7 == 2:
            return {
                "marks": {"c1": "for", "c2": "against", "c3": "against"},
                "write_ins": [WRITE_IN],
            }
        ids = [c["id"] for c in plan.definition["candidates"]]
        backed = _sample(rng, ids, [6, 5, 2], rng.choices([2, 1, 0], [80, 15, 5])[0])
        return {
            "marks": {
                c: "for" if c in backed else rng.choices(["against", "abstain"], [2, 1])[0]
                for c in ids
            }
        }
    if plan.kind == "selection":
        ids = [c["id"] for c in plan.definition["candidates"]]
        k = rng.choices([3, 2, 1], [80, 15, 5])[0]
        return {"chosen": sorted(_sample(rng, ids, [6, 5, 4, 3, 2], k))}
    levels = ["satisfied", "basically_satisfied", "dissatisfied"]
    return {
        "ratings": {
            s["id"]: rng.choices(levels, [60, 30, 10])[0] for s in plan.definition["subjects"]
        }
    }


@dataclass
class PollOutcome:
    plan: PollPlan
    result: dict[str, Any]
    matches_recount: bool


@dataclass
class Summary:
    tablets: int
    meeting: str = ""
    origin: str = ""
    log_key: str = ""
    paired: int = 0
    signed_in_by_tablet: int = 0
    signed_in_by_operator: int = 0
    votes_expected: int = 0
    votes_acknowledged: int = 0
    reconnections: int = 0
    duplicates: int = 0
    inclusion_passed: int = 0
    inclusion_total: int = 0
    named_confirmed: int = 0
    named_total: int = 0
    outcomes: list[PollOutcome] = field(default_factory=list)
    latencies: Latencies = field(default_factory=Latencies)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.failures
            and len(self.outcomes) == len(PLANS)
            and all(o.matches_recount for o in self.outcomes)
            and self.votes_acknowledged == self.votes_expected
            and self.inclusion_passed == self.inclusion_total
            and self.named_confirmed == self.named_total
        )


Progress = Callable[[str], None]


class Rehearsal:
    """One run of the standard sitting against the server at ``http.base``."""

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
    ) -> None:
        if tablets < 2:
            raise ValueError("a rehearsal needs at least two tablets")
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
        self.summary = Summary(tablets=tablets, meeting=meeting, origin=origin)
        self.deputies = [f"d{i:03}" for i in range(1, tablets + 1)]
        self.sims: list[SimTablet] = []
        self.token = ""
        self.log: NoteVerifier | None = None
        self._connect_slots = asyncio.Semaphore(connect_limit)
        self._phase = 0

    # Running -----------------------------------------------------------------------------

    async def run(self) -> Summary:
        started = time.perf_counter()
        phases: list[tuple[str, str, Callable[[], Awaitable[str]]]] = [
            ("会议准备", "meeting set up", self._set_up),
            ("平板配对", "pairing", self._pair),
            ("平板连接", "connecting", self._connect),
            ("签到", "sign-in", self._sign_in),
            *[
                (
                    f"表决 {p.poll} {p.title}",
                    f"poll {p.poll} ({p.mode} {p.kind})",
                    self._poll_step(p),
                )
                for p in PLANS
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
                "title": TITLE,
                "date": date.today().isoformat(),
            },
            token=self.token,
        )
        roster = [
            {
                "deputy": deputy,
                "name": _SURNAMES[i % len(_SURNAMES)] + _GIVEN[i % len(_GIVEN)],
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
            for p in PLANS
        ]
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

    async def _run_poll(self, plan: PollPlan) -> str:
        await self._api("POST", f"/items/{plan.item}/current")
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
        result: dict[str, Any] = closed["result"]
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
        return f"{cast}/{everyone} 票 / votes, {verdict(plan, result)}"

    async def _vote(self, index: int, sim: SimTablet, plan: PollPlan, choice: Any) -> None:
        secret = plan.mode == "secret"
        message = (
            sim.tablet.secret_ballot(plan.poll, choice)
            if secret
            else sim.tablet.named_vote(plan.poll, choice)
        )
        try:
            if DROPS.get(plan.poll) == index:
                reply = await self._drop_and_resend(sim, plan, message)
            else:
                reply = await sim.request(message, timeout=self.timeout)
            wanted = "ballot_ack" if secret else "ack"
            if reply.get("type") != wanted:
                raise SimulationError(f"expected {wanted}, got {reply}")
            if secret:
                vote = sim.tablet.votes[plan.poll]
                vote.acknowledgement = reply
                assert self.log is not None
                check_signed_promise(vote, self.log)
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
                poll = sim.poll() or {}
                if poll.get("votes", {}).get(sim.tablet.deputy) != choice:
                    raise SimulationError("the published named votes do not show this vote")
                self.summary.named_confirmed += 1
                return
            self.summary.inclusion_total += 1
            assert self.log is not None
            await check_ballot_counted(
                self.http, self.meeting, sim.tablet.votes[plan.poll], self.log
            )
            self.summary.inclusion_passed += 1
        except SimulationError as error:
            self._fail(f"{sim.device} {plan.poll}: {error}")

    async def _close(self) -> str:
        await self._api("POST", "/close")
        state = await self._api("GET", "")
        return f"{state['seq']} 条日志记录 / log entries"


# Reporting ---------------------------------------------------------------------------------

_LEVELS = {
    "satisfied": "满意 satisfied",
    "basically_satisfied": "基本满意 basically satisfied",
    "dissatisfied": "不满意 dissatisfied",
}


def _names(plan: PollPlan) -> dict[str, str]:
    listed = plan.definition.get("candidates", []) + plan.definition.get("subjects", [])
    return {c["id"]: c["name"] for c in listed}


def verdict(plan: PollPlan, result: dict[str, Any]) -> str:
    """The outcome in a few words, Chinese and English."""
    outcome = result.get("outcome")
    if outcome is None:
        return "本轮无效 / round invalid"
    names = _names(plan)
    if plan.kind == "motion":
        counts = result["counts"]
        said = "通过 / passed" if outcome["passed"] else "未通过 / not passed"
        return (
            f"{said}（赞成 {counts['for']}，反对 {counts['against']}，弃权 {counts['abstain']} / "
            f"for {counts['for']}, against {counts['against']}, abstain {counts['abstain']}）"
        )
    if plan.kind == "evaluation":
        return "，".join(
            f"{names[s]} {_LEVELS.get(level, level)}" for s, level in outcome["ratings"].items()
        )
    word = "当选 / elected" if plan.kind == "election" else "入选 / chosen"
    parts = [f"{word}: " + ("、".join(names.get(c, c) for c in outcome["elected"]) or "—")]
    if outcome.get("runoff"):
        runoff = outcome["runoff"]
        tied = "、".join(names.get(c, c) for c in runoff["candidates"])
        parts.append(f"另行选举 / runoff: {tied} ({runoff['seats']})")
    if outcome.get("unfilled"):
        parts.append(f"缺额 / unfilled: {outcome['unfilled']}")
    write_ins = result.get("write_ins") or {}
    if write_ins:
        shown = "、".join(f"{name} {votes}" for name, votes in write_ins.items())
        parts.append(f"另选他人 / write-ins: {shown}")
    return "；".join(parts)


def result_lines(summary: Summary) -> list[str]:
    lines = ["表决结果 / results"]
    for outcome in summary.outcomes:
        plan, result = outcome.plan, outcome.result
        mode = "无记名 secret" if plan.mode == "secret" else "记名 named"
        recount = "与复核一致 / matches recount" if outcome.matches_recount else "与复核不符 ✗"
        ballots_ = result["ballots"]
        lines.append(f"  {plan.poll} {plan.title}（{mode} {plan.kind}）")
        lines.append(
            f"      {ballots_['cast']} 票，有效 {ballots_['valid']}，无效 {ballots_['void']} / "
            f"cast {ballots_['cast']}, valid {ballots_['valid']}, void {ballots_['void']}; "
            f"{recount}"
        )
        lines.append(f"      {verdict(plan, result)}")
    return lines


def summary_lines(summary: Summary) -> list[str]:
    """The summary table; every number is a count a test can check exactly."""
    s = summary
    votes = s.latencies.of("ballot", "vote")
    p50, p95 = Latencies.percentile(votes, 0.50), Latencies.percentile(votes, 0.95)
    worst = votes[-1] if votes else 0.0
    rows = [
        ("平板 / tablets", f"{s.tablets} tablets, {s.paired} paired"),
        (
            "签到 / signed in",
            f"{s.signed_in_by_tablet} by tablet, {s.signed_in_by_operator} by operator",
        ),
        ("表决 / polls", f"{len(s.outcomes)} polls"),
        ("确认的投票 / votes acknowledged", f"{s.votes_acknowledged} of {s.votes_expected}"),
        (
            "掉线重连 / reconnections",
            f"{s.reconnections} reconnections, {s.duplicates} re-sent votes counted once",
        ),
        (
            "复核一致 / results match recount",
            f"{sum(o.matches_recount for o in s.outcomes)} of {len(s.outcomes)}",
        ),
        (
            "包含证明 / inclusion checks passed",
            f"{s.inclusion_passed} of {s.inclusion_total}",
        ),
        (
            "记名表决核对 / named votes published",
            f"{s.named_confirmed} of {s.named_total}",
        ),
        (
            "投票往返 / vote round trip",
            f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {worst * 1000:.1f} ms",
        ),
        ("用时 / elapsed", f"{s.elapsed:.1f} s"),
        ("日志公钥 / log key", s.log_key or "—"),
        (
            "结论 / verdict",
            "全部通过 / all passed" if s.ok else f"失败 / FAILED ({len(s.failures)})",
        ),
    ]
    width = max(_display_width(label) for label, _ in rows)
    lines = ["模拟会议汇总 / simulation summary"]
    for label, value in rows:
        lines.append(f"  {label}{' ' * (width - _display_width(label))}  {value}")
    lines.extend(f"  ✗ {failure}" for failure in s.failures[:20])
    if len(s.failures) > 20:
        lines.append(f"  … 另有 / and {len(s.failures) - 20} more")
    return lines


def _display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
