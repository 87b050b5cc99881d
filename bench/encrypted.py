"""The encrypted burst of the plenary benchmark (``docs/ballot-secrecy.md``; goal: 3,000 of 3,000
acknowledged, p99 ≤ 3 s).

After the named burst, on the same server and tablets: the scrutineers are adopted by a
paper vote, three simulated scrutineer stations (in this process, over HTTP) pair and run the
key ceremony and answer the liveness challenge, an encrypted motion opens, every client process
encrypts, proves and signs its tablets' ballots, then all tablets send at once. The server checks
every ballot's proofs in its worker processes before acknowledging. Then the poll closes with
its aggregate.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import split
from bench.plenary import WAIT_S, Burst, Figures, Say, Session, cpu_seconds, timed_burst
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import run_until_settled, simulated_station
from voting import sample

#: The agenda items the encrypted burst needs: the scrutineers' list and the motion.
SCRUTINEERS_ITEM = "scrut"
MOTION_ITEM = "m-enc"
STANCES = ("for", "against", "abstain")


def agenda_items(deputies: list[str]) -> list[dict[str, Any]]:
    """总监票人 the first deputy, 监票人 the next two, 计票人 the fourth; then the motion."""
    scrutineers = {
        "chief": deputies[:1],
        "scrutineers": deputies[1:3],
        "tellers": deputies[3:4],
    }
    return [
        {
            "item": SCRUTINEERS_ITEM,
            "title": "通过总监票人、监票人、计票人名单",
            "kind": "motion",
            "adopts": {"scrutineers": scrutineers},
        },
        {"item": MOTION_ITEM, "title": "关于预算的决议（加密表决）", "kind": "motion"},
    ]


@dataclass
class EncryptedFigures:
    """What the encrypted part measured; times in seconds."""

    ceremony_s: float
    burst: Burst
    close_s: float
    counted: int
    workers_cpu_s: float = 0.0  # the server's child processes (its signature worker) during it
    clients_cpu_s: float = 0.0  # the client processes during the burst


def child_pids(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (the server's signature workers, and the helper
    process ``multiprocessing`` may start beside them)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_of(pids: list[int]) -> float:
    """The CPU time the processes ``pids`` have used, together."""
    return sum(cpu_seconds(pid) for pid in pids)


def stances(tablets: int, seed: int = 2027) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(STANCES) for _ in range(tablets)]


def run_encrypted(session: Session, figures: Figures, say: Say) -> EncryptedFigures:
    """The encrypted part of the scenario on ``session``'s server and tablets."""
    api, clients, pid = session.api, session.clients, session.pid
    present = api("GET", "")["attendance"]["present"]
    adopted = api(
        "POST",
        "/polls",
        {"item": SCRUTINEERS_ITEM, "definition": {"kind": "motion"}, "mode": "manual"},
    )["poll"]
    paper = sample.unanimous_paper_result(present)
    api("POST", f"/polls/{adopted}/manual-result", paper)
    started = time.monotonic()
    stations = []
    for deputy in session.deputies[:3]:
        code = api("POST", f"/scrutineers/{deputy}/station-code")["code"]
        station = simulated_station(
            HttpTransport(session.url, timeout=WAIT_S), session.meeting, deputy
        )
        station.pair(code)
        stations.append(station)
    api("POST", "/ceremony/start", {})
    phase = run_until_settled(stations)
    if phase != "complete":
        raise RuntimeError(f"the key ceremony ended {phase!r}, not complete")
    ceremony_s = time.monotonic() - started
    say(f"  encrypted: 3 simulated scrutineer stations completed the key in {ceremony_s:.2f} s")
    poll = f"p-enc-{adopted}"
    api("POST", "/liveness/challenge", {"poll": poll})
    for station in stations:
        station.step()
    api(
        "POST",
        "/polls",
        {"poll": poll, "item": MOTION_ITEM, "definition": {"kind": "motion"}, "mode": "encrypted"},
    )
    encryption = api("GET", "")["poll"]["encryption"]
    clients.call("wait_for", {"what": "poll", "value": poll, "timeout": WAIT_S})
    shares = split(stances(figures.tablets), len(clients))
    clients.call(
        "prepare_encrypted",
        [{"poll": poll, "encryption": encryption, "stances": share} for share in shares],
    )
    # Prepared above, so that the clients' CPU below is the burst's only; the burst's own
    # preparation is then a check that every tablet still shows the poll.
    ready = ("wait_for", {"what": "poll", "value": poll, "timeout": WAIT_S})
    workers, client_pids = child_pids(pid), [p.pid for p in clients.processes if p.pid]
    cpu = (cpu_of(workers), cpu_of(client_pids))
    burst = timed_burst(clients, pid, ready, figures, say, "encrypted burst", sizes={})
    workers_cpu_s, clients_cpu_s = cpu_of(workers) - cpu[0], cpu_of(client_pids) - cpu[1]
    ballots = max(1, figures.tablets)
    say(
        f"  encrypted burst: CPU of the server's {len(workers)} child processes (its signature"
        f" workers) {workers_cpu_s:.2f} s"
        f" ({workers_cpu_s / ballots * 1e6:.0f} µs a ballot), of {len(client_pids)} client"
        f" processes {clients_cpu_s:.2f} s ({clients_cpu_s / ballots * 1e6:.0f} µs a ballot)"
    )
    started = time.monotonic()
    api("POST", f"/polls/{poll}/close")
    close_s = time.monotonic() - started
    closed = next(p for p in api("GET", "/polls")["polls"] if p["poll"] == poll)
    counted = int(closed.get("cast", 0))
    say(f"  encrypted: closed in {close_s:.2f} s with its aggregate; {counted} ballots cast")
    return EncryptedFigures(ceremony_s, burst, close_s, counted, workers_cpu_s, clients_cpu_s)
