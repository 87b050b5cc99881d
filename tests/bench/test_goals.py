"""The benchmark's verdicts on its goals: a burst's p99 counts only when every ballot got through."""

from __future__ import annotations

from typing import Any

from bench.run import GOALS, goals


def document(*, accepted: int, p99: float) -> dict[str, Any]:
    """Every goal figure of a 3,000-tablet run met, but the encrypted burst's as given."""
    figures: dict[str, dict[str, Any]] = {}
    met_values = {
        "burst.accepted": 3000,
        "burst.p99_ack_s": 0.5,
        "burst.vs_echo": 0.6,
        "encrypted.accepted": accepted,
        "encrypted.p99_ack_s": p99,
        "fanout.p99_s": 0.1,
        "reconnect.resynced_s": 2.0,
        "memory.kib_per_tablet": 40.0,
        "verify.vs_ceiling": 0.95,
        "tally.ms_3000x50": 20.0,
    }
    assert set(met_values) == set(GOALS)
    for name, value in met_values.items():
        group, key = name.split(".")
        figures.setdefault(group, {})[key] = value
    return figures


def test_a_fast_p99_of_a_burst_that_lost_ballots_is_not_met() -> None:
    met = goals(document(accepted=0, p99=0.0), 3000)
    assert (met["encrypted.accepted"], met["encrypted.p99_ack_s"]) == (False, False)
    assert [name for name, ok in met.items() if not ok] == [
        "encrypted.accepted",
        "encrypted.p99_ack_s",
    ]


def test_a_fast_p99_of_a_whole_burst_is_met() -> None:
    met = goals(document(accepted=3000, p99=2.5), 3000)
    assert all(met.values()) and len(met) == len(GOALS)
