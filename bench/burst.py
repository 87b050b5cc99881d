"""The named burst, again and again on one server: to compare two builds of the server.

One burst of 3,000 ballots lasts under a second, and on a shared machine two runs of the same
build differ by 15 % or more. This runs the plenary scenario of ``bench/run.py`` once (pairing,
sign-in, fan-out, the named burst) and then ``--bursts`` more named bursts on new polls, each
on its own agenda item, and prints every burst's duration and the CPU time of the server's event
loop thread during it, with their medians. The bursts are named motions, as in ``bench/run.py``;
``--kind selection`` makes them the heavier 5-of-7 selection. Compare two builds by their medians,
taken in alternating runs::

    python bench/burst.py [--tablets 3000] [--bursts 9] [--clients 2] [--kind motion|selection]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import plenary
from bench.load import Clients, split


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bursts(count: int, kind: str = "motion") -> tuple[Any, Any, list[tuple[float, float]]]:
    """The scenario's extra agenda items and what runs after its first burst: ``count`` more
    named bursts on polls of ``kind`` (motion, selection), each timed; the list fills with
    (seconds, event loop CPU seconds)."""
    measured: list[tuple[float, float]] = []

    def items(_: list[str]) -> list[dict[str, Any]]:
        return [{"item": f"b{k}", "title": f"表决 {k}", "kind": kind} for k in range(count)]

    def then(session: plenary.Session, figures: plenary.Figures) -> None:
        for k in range(count):
            poll = f"q{k}"
            definition = plenary.NAMED_POLLS[kind]
            body = {"poll": poll, "item": f"b{k}", "definition": definition, "mode": "named"}
            session.api("POST", "/polls", body)
            session.clients.call("wait_for", {"what": "poll", "value": poll, "timeout": 60.0})
            ballots = split(plenary.choices(figures.tablets, k, kind), len(session.clients))
            prepare = ("prepare", [{"poll": poll, "choices": share} for share in ballots])
            before = plenary.cpu_seconds(session.pid, thread=session.pid)
            burst = plenary.timed_burst(
                session.clients, session.pid, prepare, figures, say, f"burst {k + 1}"
            )
            loop_s = plenary.cpu_seconds(session.pid, thread=session.pid) - before
            measured.append((burst.seconds, loop_s))
            session.api("POST", f"/polls/{poll}/close")

    return items, then, measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tablets", type=int, default=3000)
    parser.add_argument("--bursts", type=int, default=9)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--kind", choices=sorted(plenary.NAMED_POLLS), default="motion")
    args = parser.parse_args()
    items, then, measured = bursts(args.bursts, args.kind)
    with Clients(args.clients) as clients:
        plenary.run_congress(
            clients, args.tablets, connect_limit=64, say=say, extra_items=items, then=then
        )
    seconds = [s for s, _ in measured]
    loop = [c for _, c in measured]
    load = os.getloadavg()[0]
    print(
        f"{args.bursts} named bursts ({args.kind}) of {args.tablets} ballots"
        f" (load average {load:.2f} after)"
    )
    print("burst seconds:        " + ", ".join(f"{s:.3f}" for s in seconds))
    print("event loop CPU s:     " + ", ".join(f"{c:.2f}" for c in loop))
    print(
        f"median: {statistics.median(seconds):.3f} s a burst,"
        f" {statistics.median(loop) / args.tablets * 1e6:.0f} µs of event loop CPU a ballot"
    )


if __name__ == "__main__":
    main()
