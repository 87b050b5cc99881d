"""The verifier's ceiling: bare Ed25519 verification turned into entries a second of a bundle,
and the verifier's rate as a share of it."""

from __future__ import annotations

import math

from bench.ceiling import Ceiling, ceiling, verify_for
from bench.run import goals, verify_figures
from tests.bench.test_goals import document


def test_the_ceiling_is_the_signature_rate_over_the_signatures_per_entry() -> None:
    # 30,000 signatures a second; half the entries carry one: 60,000 entries a second.
    assert ceiling(30_000.0, 2, 1_000_000, 500_000) == Ceiling(2, 30_000.0, 60_000.0)
    # One signature in four entries: four times the signature rate.
    assert ceiling(15_000.0, 1, 400, 100).entries_per_s == 60_000.0


def test_a_bundle_without_signatures_has_no_ceiling() -> None:
    assert math.isinf(ceiling(30_000.0, 2, 1_000, 0).entries_per_s)


def test_the_verifier_is_measured_against_the_ceiling_of_the_same_bundle() -> None:
    limit = ceiling(30_000.0, 2, 1_000_000, 500_000)
    figures = verify_figures(1_000_000, 20.0, limit)  # 50,000 entries/s against 60,000
    assert figures == {
        "entries": 1_000_000,
        "entries_per_s": 50_000,
        "ceiling_per_s": 60_000,
        "vs_ceiling": 0.833,
        "ed25519_per_s": 30_000,
        "ed25519_processes": 2,
        "seconds": 20.0,
    }


def test_the_goal_is_nine_tenths_of_the_ceiling() -> None:
    def met(share: float) -> bool | None:
        return goals(_document(share), 3000)["verify.vs_ceiling"]

    assert (met(0.9), met(0.899), met(None)) == (True, False, None)  # type: ignore[arg-type]


def test_a_process_of_the_ceiling_verifies_for_the_time_asked() -> None:
    count, seconds = verify_for(0.05)
    assert count >= 400 and count % 400 == 0
    assert seconds >= 0.05


def _document(share: float) -> dict[str, dict[str, object]]:
    figures = document(accepted=3000, p99=1.0)
    figures["verify"]["vs_ceiling"] = share
    return figures
