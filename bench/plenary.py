"""The plenary load scenario, against the meeting server and against the echo baseline.

Both runs go through the same phases with the same client processes (:mod:`bench.load`):

1. set-up: the meeting server gets a meeting of N deputies, opened, with an agenda, and one
   tablet paired per deputy (pairing code, then key registration, over HTTP);
2. memory: the server's resident set size (``VmRSS`` in ``/proc/<pid>/status``) before the
   tablets connect and after every tablet is connected and signed in;
3. sign-in: every tablet signs in at once (signed ``sign_in``, acknowledged after the commit);
   on the meeting server, then until every tablet shows the whole hall present, so that the
   fan-out below does not queue behind the sign-ins' pushes;
4. fan-out: the chair makes an item current (one HTTP call), three times; for each tablet, the
   time from just before the call until the ``state`` push naming the item arrived;
5. named burst: a named (记名, roll-call) motion is opened; every tablet signs its vote
   (赞成/反对/弃权) in advance, then all send at one shared start time; for each, the time from
   its send to its ``ack``. (The encrypted burst, :mod:`bench.encrypted`, follows on the meeting
   server: secret polls are encrypted, so this plaintext burst is a named one, labelled as such);
6. the poll is closed (its votes counted) — the meeting server only;
7. reconnect: at one shared time every tablet drops its connection without a close frame and
   reconnects; the time until the last tablet has its ``welcome``.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.load import BenchError, Clients, split
from devices.simulator import HttpClient, Latencies
from voting.cli.serve import bind, listening_url
from voting.cli.simulate import local_server

ROOT = Path(__file__).resolve().parent.parent
Say = Callable[[str], None]

#: The named burst's poll: a roll-call motion, the vote a congress takes most often in the open.
NAMED_MOTION: dict[str, Any] = {"kind": "motion"}
#: A heavier named ballot for ``bench/burst.py --kind selection``: 5 of 7 projects (the size of a
#: 5-of-7 election ballot, which is never named).
NAMED_SELECTION: dict[str, Any] = {
    "kind": "selection",
    "form": "choose",
    "seats": 5,
    "candidates": [{"id": f"x{n}", "name": f"项目{n}"} for n in range(1, 8)],
}
#: Named poll definitions by agenda item kind.
NAMED_POLLS: dict[str, dict[str, Any]] = {"motion": NAMED_MOTION, "selection": NAMED_SELECTION}
#: The acknowledgements a burst counts: ``ack`` of a named vote, ``ballot_ack`` of an encrypted
#: ballot.
ACKS = frozenset({"ack", "ballot_ack"})
FANOUT_ROUNDS = ("r1", "r2", "r3")
#: Seconds between sending a timed command to the clients and its shared start time.
START_MARGIN_S = 1.0
#: Seconds a tablet waits for a reply or a push before the benchmark counts it as failed.
WAIT_S = 120.0


def choices(tablets: int, seed: int = 2026, kind: str = "motion") -> list[Any]:
    """Each deputy's named vote: on a motion 赞成, 反对 or 弃权 (three in five for); on the
    selection five of the seven projects."""
    rng = random.Random(seed)
    if kind == "motion":
        return [rng.choice(("for", "for", "for", "against", "abstain")) for _ in range(tablets)]
    ids = [c["id"] for c in NAMED_SELECTION["candidates"]]
    return [{"chosen": sorted(rng.sample(ids, 5))} for _ in range(tablets)]


@dataclass
class Figures:
    """What one run measured; times in seconds."""

    tablets: int
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    sign_in_s: float = 0.0
    settled_s: float | None = None  # first sign-in sent → every tablet shows everyone present
    sign_in_failed: int = 0
    fanout: list[float] = field(default_factory=list)
    burst: list[float] = field(default_factory=list)  # send → acknowledgement, every request
    burst_outcomes: Counter[str] = field(default_factory=Counter)
    burst_s: float = 0.0  # first send → last acknowledgement
    burst_cpu_s: float = 0.0  # the server's CPU time during the burst
    close_s: float | None = None
    reconnect_s: float = 0.0
    reconnect_failed: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    then: Any = None  # what ``run_congress``'s ``then`` answered

    @property
    def accepted(self) -> int:
        return sum(self.burst_outcomes[kind] for kind in ACKS)

    @property
    def per_s(self) -> float:
        return self.accepted / self.burst_s if self.burst_s > 0 else 0.0

    @property
    def kib_per_tablet(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / self.tablets


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0.0 when empty)."""
    return Latencies.percentile(sorted(values), share)


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` and of its child processes (the signature
    worker), in KiB."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1])
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_kib(int(child))
    return total


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User and system CPU time process ``pid`` has used, all its threads included, or only
    its thread ``thread`` (the main thread's id is ``pid``)."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_files_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return line.split()[3]
    return "?"


def _gather(answers: list[dict[str, Any]], key: str) -> list[Any]:
    return [item for answer in answers for item in answer[key]]


def _sizes(answers: list[dict[str, Any]], into: dict[str, int]) -> None:
    for answer in answers:
        for kind, size in answer["sizes"].items():
            into.setdefault(kind, size)


# The phases both servers go through ----------------------------------------------------------


def _connect_and_sign_in(
    clients: Clients, figures: Figures, pid: int, connect_limit: int, say: Say, *, settle: bool
) -> None:
    """Connect and sign in every tablet; with ``settle``, also wait until every tablet shows the
    whole hall present (the pushes of the sign-ins delivered), before the memory is read."""
    figures.rss_before_kib = rss_kib(pid)
    started = time.monotonic()
    answers = clients.call("connect", {"limit": connect_limit})
    _sizes(answers, figures.sizes)
    say(f"  connected {figures.tablets} tablets in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    answers = clients.call("sign_in", {"timeout": WAIT_S})
    requests = _gather(answers, "requests")
    figures.sign_in_s = max(r["answered"] for r in requests) - min(r["sent"] for r in requests)
    figures.sign_in_failed = sum(r["outcome"] != "ack" for r in requests)
    _sizes(answers, figures.sizes)
    odd = Counter(r["outcome"].split(":")[0] for r in requests if r["outcome"] != "ack")
    if odd:
        example = next(r["outcome"] for r in requests if r["outcome"] != "ack")
        say(f"  sign-in: other outcomes {dict(odd)}; e.g. {example[:300]}")
    if settle:
        present = str(figures.tablets - figures.sign_in_failed)
        seen = _flatten(
            clients.call("wait_for", {"what": "present", "value": present, "timeout": WAIT_S})
        )
        figures.settled_s = max(seen) - min(r["sent"] for r in requests)
    figures.rss_after_kib = rss_kib(pid)
    say(
        f"  signed in {len(requests) - figures.sign_in_failed} tablets in "
        f"{time.monotonic() - started:.1f} s; server RSS {figures.rss_before_kib / 1024:.0f} → "
        f"{figures.rss_after_kib / 1024:.0f} MiB"
    )


def _fanout(clients: Clients, figures: Figures, push: Callable[[str], None], say: Say) -> None:
    rounds = []
    for item in FANOUT_ROUNDS:
        before = time.monotonic()
        push(item)
        seen = _flatten(
            clients.call("wait_for", {"what": "item", "value": item, "timeout": WAIT_S})
        )
        delays = [moment - before for moment in seen]
        figures.fanout.extend(delays)
        rounds.append(f"{percentile(delays, 0.50) * 1000:.0f}/{max(delays) * 1000:.0f}")
    say(
        f"  fan-out: p99 {percentile(figures.fanout, 0.99) * 1000:.0f} ms (median/last of each"
        f" round: {', '.join(rounds)} ms)"
    )


def _flatten(answers: list[list[Any]]) -> list[Any]:
    return [item for answer in answers for item in answer]


@dataclass
class Burst:
    """One burst: every tablet sends its prepared message at the same moment."""

    latencies: list[float]  # send → acknowledgement, every request
    outcomes: Counter[str]
    seconds: float  # first send → last acknowledgement
    cpu_s: float  # the server's CPU time during the burst
    first_odd: str  # the first outcome that is not an acknowledgement, if any

    @property
    def accepted(self) -> int:
        return sum(self.outcomes[kind] for kind in ACKS)


def timed_burst(
    clients: Clients,
    pid: int,
    prepare: tuple[str, list[dict[str, Any]]],
    figures: Figures,
    say: Say,
    label: str = "burst",
    sizes: dict[str, int] | None = None,
) -> Burst:
    """Have the clients prepare every tablet's message (``prepare``: the clients' command and
    each client's arguments), then send them all at once and time each acknowledgement. The
    messages' sizes go into ``sizes`` (default the figures' own, which the echo baseline
    mimics)."""
    clients.call(*prepare)
    start_at = time.monotonic() + START_MARGIN_S
    say(f"  {label}: {figures.tablets} ballots ready, every tablet sends in {START_MARGIN_S:g} s")
    cpu = cpu_seconds(pid)
    answers = clients.call("burst", {"start_at": start_at, "timeout": WAIT_S})
    cpu_s = cpu_seconds(pid) - cpu
    requests = _gather(answers, "requests")
    _sizes(answers, figures.sizes if sizes is None else sizes)
    burst = Burst(
        latencies=[r["answered"] - r["sent"] for r in requests],
        outcomes=Counter(r["outcome"].split(":")[0] for r in requests),
        seconds=max(r["answered"] for r in requests) - min(r["sent"] for r in requests),
        cpu_s=cpu_s,
        first_odd=_first_odd(requests),
    )
    per_s = burst.accepted / burst.seconds if burst.seconds > 0 else 0.0
    say(
        f"  {label}: {burst.accepted} of {len(requests)} acknowledged in {burst.seconds:.2f} s"
        f" ({per_s:,.0f}/s), p99 {percentile(burst.latencies, 0.99):.3f} s; server CPU"
        f" {cpu_s:.2f} s ({cpu_s / len(requests) * 1e6:.0f} µs a ballot)"
    )
    odd = {k: v for k, v in burst.outcomes.items() if k not in ACKS}
    if odd:
        say(f"  {label}: other outcomes {odd}; e.g. {burst.first_odd}")
    return burst


def _burst(clients: Clients, figures: Figures, poll: str, pid: int, say: Say) -> None:
    ballots = split(choices(figures.tablets), len(clients))
    prepare = ("prepare", [{"poll": poll, "choices": share} for share in ballots])
    burst = timed_burst(clients, pid, prepare, figures, say, "named burst")
    figures.burst = burst.latencies
    figures.burst_outcomes = burst.outcomes
    figures.burst_s = burst.seconds
    figures.burst_cpu_s = burst.cpu_s


def _first_odd(requests: list[dict[str, Any]]) -> str:
    return next((r["outcome"] for r in requests if r["outcome"] not in ACKS), "")


def _reconnect(clients: Clients, figures: Figures, connect_limit: int, say: Say) -> None:
    start_at = time.monotonic() + START_MARGIN_S
    say(f"  reconnect: every tablet drops its connection in {START_MARGIN_S:g} s")
    answers = clients.call("reconnect", {"start_at": start_at, "limit": connect_limit})
    welcomed = _gather(answers, "welcomed")
    figures.reconnect_failed = sum(a["failed"] for a in answers)
    figures.reconnect_s = max(welcomed) - start_at if welcomed else 0.0
    say(
        f"  reconnect: {len(welcomed)} tablets welcomed back within {figures.reconnect_s:.2f} s"
        + (
            f"; {figures.reconnect_failed} failed: {answers[0]['failures'][:1]}"
            if figures.reconnect_failed
            else ""
        )
    )


# The meeting server ------------------------------------------------------------------------


@dataclass
class Session:
    """The running scenario, for what runs after the named burst (``then``)."""

    clients: Clients
    api: Callable[..., Any]  # (method, path under the meeting, body) → the JSON answer
    url: str
    meeting: str
    deputies: list[str]
    pid: int


def run_congress(
    clients: Clients,
    tablets: int,
    *,
    connect_limit: int,
    say: Say,
    extra_items: Callable[[list[str]], list[dict[str, Any]]] | None = None,
    then: Callable[[Session, Figures], Any] | None = None,
    db: str | None = None,
) -> Figures:
    """The scenario against ``congress serve`` (a fresh data directory; a SQLite database in it,
    or the empty database at URL ``db``). ``extra_items(deputies)`` adds agenda items;
    ``then(session, figures)`` runs after the named burst and its close, with every tablet still
    connected; its answer is kept in ``figures.then``."""
    meeting = f"plenary-{secrets.token_hex(3)}"
    origin = f"bench.congress.local/{meeting}"
    figures = Figures(tablets)
    database = "SQLite" if db is None else "PostgreSQL"
    say(f"meeting server ({database}): {tablets} tablets in {len(clients)} client processes")
    with local_server(origin, db) as server:
        say(
            f"  server process {server.pid} at {server.url}, open files limit "
            f"{open_files_limit(server.pid)}"
        )
        http = HttpClient(server.url, timeout=300.0)
        token = _json(
            http, "POST", "/api/login", {"username": server.admin, "password": server.password}
        )["token"]

        def api(method: str, path: str, body: Any = None) -> Any:
            return _json(http, method, f"/api/meetings/{meeting}{path}", body, token=token)

        _json(
            http,
            "POST",
            "/api/meetings",
            {
                "meeting": meeting,
                "origin": origin,
                "title": "全国人民代表大会（基准测试）",
                "date": date.today().isoformat(),
            },
            token=token,
        )
        deputies = [(n, f"d{n:05}") for n in range(1, tablets + 1)]
        roster = [
            {"deputy": d, "name": f"代表{n:05}", "seat": f"{n // 100 + 1}-{n % 100:02}"}
            for n, d in deputies
        ]
        api("PUT", "/roster", {"deputies": roster})
        api("POST", "/open")
        items = [{"item": i, "title": f"报告 {i}", "kind": "report"} for i in FANOUT_ROUNDS]
        items.append({"item": "s1", "title": "关于年度计划的决议（记名表决）", "kind": "motion"})
        if extra_items is not None:
            items += extra_items([d for _, d in deputies])
        api("PUT", "/agenda", {"items": items})
        started = time.monotonic()
        shares = split(deputies, len(clients))
        clients.call(
            "pair",
            [
                {
                    "url": server.url,
                    "meeting": meeting,
                    "origin": origin,
                    "token": token,
                    "deputies": share,
                }
                for share in shares
            ],
        )
        say(f"  paired {tablets} tablets in {time.monotonic() - started:.1f} s")
        _connect_and_sign_in(clients, figures, server.pid, connect_limit, say, settle=True)
        _fanout(clients, figures, lambda item: api("POST", f"/items/{item}/current"), say)
        named = {"poll": "p1", "item": "s1", "definition": NAMED_MOTION, "mode": "named"}
        api("POST", "/polls", named)
        clients.call("wait_for", {"what": "poll", "value": "p1", "timeout": WAIT_S})
        _burst(clients, figures, "p1", server.pid, say)
        started = time.monotonic()
        closed = api("POST", "/polls/p1/close")
        figures.close_s = time.monotonic() - started
        say(
            f"  closed the poll in {figures.close_s:.2f} s: {closed['result']['ballots']['cast']}"
            " named votes counted"
        )
        if then is not None:
            session = Session(
                clients, api, server.url, meeting, [d for _, d in deputies], server.pid
            )
            figures.then = then(session, figures)
        _reconnect(clients, figures, connect_limit, say)
        clients.call("reset", {})
    return figures


def _json(
    http: HttpClient, method: str, path: str, body: Any = None, *, token: str | None = None
) -> Any:
    return json.loads(http.request_sync(method, path, body, token=token))


# The echo baseline -------------------------------------------------------------------------


@contextmanager
def echo_server(sizes: dict[str, int], log_path: Path) -> Iterator[tuple[str, int]]:
    """``python -m bench.echo`` on a loopback socket bound here (a port the system picks) and
    handed to it; yields its URL and process id."""
    with bind("127.0.0.1", 0) as sock, open(log_path, "wb") as log:
        fd = sock.fileno()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.echo", "--fd", str(fd), "--sizes", json.dumps(sizes)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
        )
        base = listening_url(sock)
    try:
        _wait_healthy(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError("the echo server exited at start")
        try:
            with opener.open(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise BenchError("the echo server did not start")


def run_echo(
    clients: Clients,
    tablets: int,
    sizes: dict[str, int],
    *,
    connect_limit: int,
    scratch: Path,
    say: Say,
) -> Figures:
    """The same scenario against the echo server, its answers padded to ``sizes``."""
    figures = Figures(tablets)
    say(f"echo baseline: {tablets} tablets in {len(clients)} client processes")
    with echo_server(sizes, scratch / "echo.log") as (url, pid):
        http = HttpClient(url, timeout=300.0)
        deputies = [(n, f"d{n:05}") for n in range(1, tablets + 1)]
        origin = "bench.congress.local/echo"
        clients.call(
            "make",
            [
                {"url": url, "meeting": "echo", "origin": origin, "deputies": s}
                for s in split(deputies, len(clients))
            ],
        )
        _connect_and_sign_in(clients, figures, pid, connect_limit, say, settle=False)
        _fanout(
            clients, figures, lambda item: http.request_sync("POST", f"/broadcast?item={item}"), say
        )
        _burst(clients, figures, "p1", pid, say)
        _reconnect(clients, figures, connect_limit, say)
        clients.call("reset", {})
    return figures
