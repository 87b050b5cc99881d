"""How long encrypted ballots take in Python: making, verifying, and verifying a plenary's worth.

Prints, beside a bare scalar multiplication measured in the same run (so figures from a busy
machine can be read against it):

- the time to make and to verify one 12-project choose-10 selection ballot and one
  3-candidate, 2-seat election ballot with an open write-in;
- the wall time to decode and verify 3,000 selection ballots (ballot bytes → strict decoding →
  every proof) with 2 worker processes. Making 3,000 ballots would take longer than verifying
  them, so a few distinct ballots are verified in turn; the work per ballot is the same;
- a scrutineer station's verification of a closed poll of 3,000 selection ballots cast through
  the real server, and its decryption (:mod:`bench.station`; ``--station-ballots 0`` skips it).

The goals, 30 s or less for the bulk verification (``docs/ballot-secrecy.md`` §9) and 60 s or
less for the station, are printed, not asserted.

    .venv/bin/python bench/crypto.py [--ballots 3000] [--workers 2] [--repeats 5] [--json]
        [--station-ballots 3000] [--station-kind selection|motion]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots.crypto.ballot import BallotContext, EncryptedBallot, make_ballot, verify_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_from_bytes
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import BallotShape, Choice
from bench import station

GOAL_S = 30.0
DISTINCT = 8

SELECTION = BallotShape.selection_choose(12, 10)
ELECTION = BallotShape.election(3, 2, write_ins=True)
KEY = Point.base_mul(Scalar.of(0xBE7C4))
CONTEXT = BallotContext(Scalar.of(2026), "d-1", bytes(32), KEY)


def median_ms(action: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``action`` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def selection_ballot(seed: int) -> EncryptedBallot:
    chosen = [(seed + 3 * i) % 12 for i in range(10)]
    choice = Choice.chosen(SELECTION, chosen)
    random = DeterministicRandom(b"bench/%d" % seed)
    return make_ballot(SELECTION, choice, context=CONTEXT, random=random)


def election_ballot(seed: int) -> EncryptedBallot:
    choice = Choice.stances(["for", "against", "abstain"], ["王小明"])
    random = DeterministicRandom(b"bench-election/%d" % seed)
    return make_ballot(ELECTION, choice, context=CONTEXT, random=random)


def verify_batch(batch: list[bytes]) -> int:
    """Strictly decode and verify every selection ballot of ``batch`` (runs in a worker)."""
    for data in batch:
        verify_ballot(SELECTION, ballot_from_bytes(SELECTION, data), context=CONTEXT)
    return len(batch)


def run(*, ballots: int, workers: int, repeats: int) -> dict[str, Any]:
    """Measure everything and return the figures."""
    scalar = Scalar.of(0x1234_5678_9ABC_DEF0_1357_9BDF)
    point = Point.base_mul(Scalar.of(99))
    figures: dict[str, Any] = {
        "scalar_mul_ms": median_ms(lambda: point.mul(scalar), max(repeats * 20, 20)),
        "base_mul_ms": median_ms(lambda: Point.base_mul(scalar), max(repeats * 20, 20)),
    }
    seeds = iter(range(10_000))
    figures["selection_make_ms"] = median_ms(lambda: selection_ballot(next(seeds)), repeats)
    sample = selection_ballot(0)
    figures["selection_verify_ms"] = median_ms(
        lambda: verify_ballot(SELECTION, sample, context=CONTEXT), repeats
    )
    figures["election_make_ms"] = median_ms(lambda: election_ballot(next(seeds)), repeats)
    sample = election_ballot(0)
    figures["election_verify_ms"] = median_ms(
        lambda: verify_ballot(ELECTION, sample, context=CONTEXT), repeats
    )
    figures["selection_bytes"] = len(ballot_bytes(selection_ballot(1)))
    figures["election_bytes"] = len(ballot_bytes(sample))
    distinct = [ballot_bytes(selection_ballot(seed)) for seed in range(min(DISTINCT, ballots))]
    work = [distinct[i % len(distinct)] for i in range(ballots)]
    chunk = max(1, len(work) // (workers * 8))
    batches = [work[i : i + chunk] for i in range(0, len(work), chunk)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(verify_batch, batches[:workers]))  # start the workers before timing
        start = time.perf_counter()
        verified = sum(pool.map(verify_batch, batches))
        figures["bulk_verify_s"] = time.perf_counter() - start
    figures.update(bulk_ballots=verified, workers=workers, goal_s=GOAL_S)
    return figures


def report(figures: dict[str, Any]) -> str:
    """The figures as the lines the benchmark prints."""
    per_mul = figures["scalar_mul_ms"]
    per_ballot = figures["bulk_verify_s"] * 1000 * figures["workers"] / figures["bulk_ballots"]
    return "\n".join(
        [
            f"scalar multiplication (variable base) {figures['scalar_mul_ms']:8.3f} ms",
            f"scalar multiplication (base point)    {figures['base_mul_ms']:8.3f} ms",
            f"selection 12 projects, choose 10: make {figures['selection_make_ms']:7.1f} ms, "
            f"verify {figures['selection_verify_ms']:7.1f} ms, {figures['selection_bytes']} bytes",
            f"election 3 candidates, 2 seats, write-in: make {figures['election_make_ms']:7.1f} ms, "
            f"verify {figures['election_verify_ms']:7.1f} ms, {figures['election_bytes']} bytes",
            f"verify {figures['bulk_ballots']} selection ballots with {figures['workers']} "
            f"workers: {figures['bulk_verify_s']:.1f} s (goal ≤ {figures['goal_s']:.0f} s)",
            f"in bare scalar multiplications: selection verify "
            f"{figures['selection_verify_ms'] / per_mul:.0f}, election verify "
            f"{figures['election_verify_ms'] / per_mul:.0f}, one ballot of the bulk run "
            f"{per_ballot / per_mul:.0f} per worker",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ballots", type=int, default=3_000, help="ballots to verify (3000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per timing (5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    station.add_arguments(parser)
    args = parser.parse_args(argv)
    figures = run(ballots=args.ballots, workers=args.workers, repeats=args.repeats)
    if args.station_ballots > 0:
        figures["station"] = station.run(
            ballots=args.station_ballots, kind=args.station_kind, workers=args.workers
        )
    lines = [report(figures)]
    if "station" in figures:
        lines.extend(station.report(figures["station"], figures["scalar_mul_ms"]))
    print(json.dumps(figures, indent=1) if args.json else "\n".join(lines))


if __name__ == "__main__":
    main()
