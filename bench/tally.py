"""How long counting takes: ``ballots.tally`` against a plain ``Counter`` pass over the same marks.

Cases: an election with 3,000 ballots × 50 candidates (45 seats, write-ins, over-voted ballots)
and a selection with 3,000 ballots × 20 projects (choose 10). Ballots are random but seeded, so
every run counts the same ballots. Prints the best of several runs; asserts nothing.

    .venv/bin/python bench/tally.py
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ballots import tally

BALLOTS = 3_000
REPEATS = 7
GOAL_MS = 100.0
SEED = 2026


def election_document(rng: random.Random) -> dict[str, Any]:
    candidates = [{"id": f"c{i:02d}", "name": f"候选人{i:02d}"} for i in range(1, 51)]
    ids = [candidate["id"] for candidate in candidates]
    seats = 45
    ballots: list[dict[str, Any]] = []
    for _ in range(BALLOTS):
        chosen = set(rng.sample(ids, rng.randint(38, seats + (1 if rng.random() < 0.02 else 0))))
        marks = {}
        for cid in ids:
            if cid in chosen:
                marks[cid] = "for"
            elif rng.random() < 0.9:
                marks[cid] = rng.choice(("against", "abstain"))
        ballot: dict[str, Any] = {"marks": marks}
        if rng.random() < 0.01:
            ballot["write_ins"] = [rng.choice(("刘备", "关羽", "张飞"))]
        ballots.append(ballot)
    poll = {
        "kind": "election",
        "electorate": BALLOTS,
        "seats": seats,
        "candidates": candidates,
    }
    return {"poll": poll, "ballots": ballots}


def selection_document(rng: random.Random) -> dict[str, Any]:
    projects = [{"id": f"p{i:02d}", "name": f"项目{i:02d}"} for i in range(1, 21)]
    ids = [project["id"] for project in projects]
    ballots = [
        {"chosen": rng.sample(ids, 11 if rng.random() < 0.01 else rng.randint(8, 10))}
        for _ in range(BALLOTS)
    ]
    poll = {"kind": "selection", "electorate": BALLOTS, "seats": 10, "candidates": projects}
    return {"poll": poll, "ballots": ballots}


def counter_marks(document: dict[str, Any]) -> Counter[Any]:
    counter: Counter[Any] = Counter()
    for ballot in document["ballots"]:
        counter.update(ballot["marks"].items())
    return counter


def counter_chosen(document: dict[str, Any]) -> Counter[Any]:
    counter: Counter[Any] = Counter()
    for ballot in document["ballots"]:
        counter.update(ballot["chosen"])
    return counter


def best_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    rng = random.Random(SEED)
    cases = [
        ("election", "3,000 ballots × 50 candidates", election_document(rng), counter_marks),
        ("selection", "3,000 ballots × 20 projects", selection_document(rng), counter_chosen),
    ]
    print(f"ballots.tally, best of {REPEATS} runs (goal: under {GOAL_MS:.0f} ms each)")
    for kind, size, document, baseline in cases:
        tally_ms = best_ms(lambda document=document: tally(document))
        baseline_ms = best_ms(lambda document=document, baseline=baseline: baseline(document))
        print(
            f"  {kind:<9}  {size:<30}  tally {tally_ms:7.1f} ms"
            f"   baseline (plain Counter pass) {baseline_ms:6.1f} ms"
            f"   ratio {tally_ms / baseline_ms:4.1f}×"
        )


if __name__ == "__main__":
    main()
