"""How long a scrutineer's station takes to verify a plenary's encrypted poll and decrypt it.

On a meeting built through the real server (:mod:`bench.station_meeting`: N deputies' tablets,
the key of three simulated stations, the poll closed with its aggregate), times exactly what a
station does before it posts its share set, in this one process as the station's CLI runs it:

- verify: :func:`~devices.scrutineer.decrypting.read_verified_log` — read every entry, check
  the checkpoint's signature and Merkle root, every ballot's signature and proofs, the counted
  set and the aggregate;
- share: the station's decryption share of every aggregated ciphertext, with its proof;
- combine: the first t share sets on the log combined into the totals (the discrete logs).

Then the second station posts its share set, the server writes the decrypted totals, and these
are compared with the choices the tablets made. The goal is 60 s or less for 3,000 selection
ballots (verify + share + combine); it is printed, not asserted.

    .venv/bin/python bench/station.py [--station-ballots 3000] [--station-kind selection]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots import parse_poll
from ballots.crypto.shape import shape_of
from bench.station_meeting import BuiltMeeting, build, expected_totals
from devices.scrutineer.decrypting import read_verified_log
from devices.scrutineer.tally import check_once, offer_for, remember, share_body
from voting.core.encrypted_tally import aggregate_ciphertexts, combine_totals

GOAL_S = 60.0
#: What the decrypted totals count, in the ballot's layout.
MARKS = {"selection": "projects p01-p12 chosen", "motion": "for and against"}


def decrypt_at_station(meeting: BuiltMeeting) -> dict[str, Any]:
    """Time the first station's verification and share, post it and the second station's share
    set, then time the combination of the two sets on the log; the figures."""
    station, other = meeting.stations[0], meeting.stations[1]
    client, state = station.client, station.state
    start = time.perf_counter()
    log = read_verified_log(client, state, meeting.token, client.checkpoint())
    verified = time.perf_counter()
    offer = offer_for(log.entries, meeting.poll, state)
    check_once(state, offer)
    body = share_body(state, offer, log.checkpoint, station.random)
    shared = time.perf_counter()
    remember(state, offer)
    client.post_shares(meeting.poll, body)
    second = offer_for(log.entries, meeting.poll, other.state)
    other.client.post_shares(
        meeting.poll, share_body(other.state, second, log.checkpoint, other.random)
    )
    entries = [json.loads(line) for line in meeting.log_entries()]
    share_sets = {
        e["scrutineer"]: e
        for e in entries
        if e["type"] == "decryption_shares" and e["poll"] == meeting.poll
    }
    ciphertexts = aggregate_ciphertexts(offer.aggregate)
    (opened,) = [e for e in entries if e["type"] == "poll_opened" and e["poll"] == meeting.poll]
    shape = shape_of(parse_poll(opened["definition"]))
    limits = [shape.sum_limit(offer.counted)] * len(ciphertexts)
    start_combine = time.perf_counter()
    values, _ = combine_totals(ciphertexts, share_sets, len(share_sets), limits)
    totals = shape.totals(values, offer.counted)
    combined = time.perf_counter()
    (written,) = [
        e for e in entries if e["type"] == "decrypted_totals" and e["poll"] == meeting.poll
    ]
    return {
        "verify_s": verified - start,
        "share_s": shared - verified,
        "combine_s": combined - start_combine,
        "counted": offer.counted,
        "checks": len(log.checks),
        "totals": totals,
        "server_totals": written["totals"],
        "expected_totals": expected_totals(meeting.kind, meeting.deputies),
    }


def run(*, ballots: int, kind: str, workers: int) -> dict[str, Any]:
    """Build the meeting, time the station; the figures (set-up times included)."""
    with ExitStack() as stack:
        meeting = build(stack, deputies=ballots, kind=kind, workers=workers)
        figures = decrypt_at_station(meeting)
        figures.update(meeting.times)
    figures.update(ballots=ballots, kind=kind, workers=workers, goal_s=GOAL_S)
    figures["station_s"] = figures["verify_s"] + figures["share_s"] + figures["combine_s"]
    return figures


def report(figures: dict[str, Any], scalar_mul_ms: float | None = None) -> list[str]:
    """The lines the benchmark prints about the station; with the time of a bare scalar
    multiplication measured in the same run, the station's time per ballot in those."""
    n, kind = figures["ballots"], figures["kind"]
    same = figures["totals"] == figures["server_totals"] == figures["expected_totals"]
    verdict = "equal to the choices made" if same else (
        f"NOT the choices made {figures['expected_totals']} "
        f"(server: {figures['server_totals']})"
    )  # fmt: skip
    per_ballot = ""
    if scalar_mul_ms:
        each_ms = figures["station_s"] * 1000 / max(1, figures["counted"])
        per_ballot = f"; per ballot {each_ms / scalar_mul_ms:.0f} bare scalar multiplications"
    return [
        f"station set-up (not measured): {n} tablets paired and signed in "
        f"{figures['hall_s']:.1f} s, key ceremony {figures['ceremony_s']:.1f} s, {n} {kind} "
        f"ballots made with {figures['workers']} processes {figures['make_s']:.1f} s, "
        f"cast and acknowledged {figures['cast_s']:.1f} s, poll closed {figures['close_s']:.1f} s",
        f"station: verify {figures['counted']} {kind} ballots and decrypt: "
        f"{figures['station_s']:.1f} s (goal ≤ {figures['goal_s']:.0f} s)",
        f"station split: read and verify the log {figures['verify_s']:.1f} s "
        f"({figures['checks']} checks passed), share with proofs {figures['share_s']:.2f} s, "
        f"combine 2 share sets into totals {figures['combine_s']:.2f} s{per_ballot}",
        f"station totals, {MARKS[kind]}: {' '.join(str(t) for t in figures['totals'])} ({verdict})",
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--station-ballots", type=int, default=3_000, help="ballots the station verifies (3000)"
    )
    parser.add_argument(
        "--station-kind", choices=("selection", "motion"), default="selection",
        help="the encrypted poll: a 12-project choose-10 selection (default) or a motion",
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_arguments(parser)
    parser.add_argument("--workers", type=int, default=2, help="processes making ballots (2)")
    args = parser.parse_args(argv)
    figures = run(ballots=args.station_ballots, kind=args.station_kind, workers=args.workers)
    print("\n".join(report(figures)))


if __name__ == "__main__":
    main()
