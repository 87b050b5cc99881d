"""The plenary benchmark runs end to end on a small hall, so that it cannot rot.

A real server process, the echo baseline and two client processes over real WebSockets, the
verifier on a small bundle and the tally: only that every figure is there and makes sense is
checked, never how fast anything was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.bench.scripts import run_bench

TABLETS = 20

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    arguments = ["--tablets", str(TABLETS), "--clients", "2", "--verify-entries", "2000"]
    done = run_bench("run.py", *arguments, "--json", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout  # one JSON object, nothing else
    document: dict[str, Any] = json.loads(lines[0])
    return document


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_every_goal_figure_is_there(figures: dict[str, Any]) -> None:
    for name in (
        "burst.accepted",
        "burst.p99_ack_s",
        "burst.vs_echo",
        "encrypted.accepted",
        "encrypted.p99_ack_s",
        "fanout.p99_s",
        "reconnect.resynced_s",
        "memory.kib_per_tablet",
        "verify.vs_ceiling",
        "tally.ms_3000x50",
    ):
        group, key = name.split(".")
        assert key in figures[group], name
        assert name in figures["goals"], name


def test_every_ballot_is_acknowledged_and_every_tablet_comes_back(figures: dict[str, Any]) -> None:
    assert figures["tablets"] == TABLETS
    assert figures["clients"] == 2
    burst = figures["burst"]
    assert burst["accepted"] == burst["sent"] == TABLETS
    assert figures["reconnect"]["failed"] == 0
    assert figures["sign_in"]["failed"] == 0
    assert figures["goals"]["burst.accepted"] is True


def test_every_encrypted_ballot_is_acknowledged_after_a_real_key_ceremony(
    figures: dict[str, Any],
) -> None:
    encrypted = figures["encrypted"]
    assert encrypted["accepted"] == encrypted["sent"] == TABLETS
    assert figures["goals"]["encrypted.accepted"] is True
    assert positive(encrypted["ceremony_s"]) and positive(encrypted["p99_ack_s"])


def test_times_and_rates_are_sane(figures: dict[str, Any]) -> None:
    burst, fanout = figures["burst"], figures["fanout"]
    assert 0 < burst["p50_ack_s"] <= burst["p99_ack_s"] < 120
    assert positive(burst["per_s"]) and positive(burst["echo_per_s"])
    assert positive(burst["vs_echo"])
    assert positive(burst["echo_p99_ack_s"])
    assert 0 < fanout["p50_s"] <= fanout["p99_s"] < 120
    assert positive(fanout["echo_p99_s"])
    assert 0 < figures["reconnect"]["resynced_s"] < 120
    assert positive(figures["reconnect"]["echo_resynced_s"])
    assert positive(figures["sign_in"]["all_s"])
    assert positive(figures["sign_in"]["settled_s"])
    assert positive(figures["close"]["s"])
    assert isinstance(figures["memory"]["kib_per_tablet"], int | float)
    assert figures["memory"]["rss_after_mib"] > 0


def test_the_verifier_and_the_tally_are_measured(figures: dict[str, Any]) -> None:
    verify = figures["verify"]
    assert verify["entries"] >= 2000
    assert positive(verify["entries_per_s"])
    assert positive(verify["seconds"])
    assert verify["signatures"] > 0
    assert positive(verify["ed25519_per_s"]) and verify["ed25519_processes"] >= 1
    assert abs(verify["vs_ceiling"] - verify["entries_per_s"] / verify["ceiling_per_s"]) < 0.001
    # Where the verifier's CPU goes: a bundle this small is checked without signature processes.
    assert positive(verify["main_us_per_entry"])
    assert verify["workers"] == 1 and verify["workers_us_per_entry"] == 0
    assert positive(verify["bare_us_per_signature"])
    assert positive(figures["tally"]["ms_3000x50"])
    assert positive(figures["tally"]["baseline_ms"])


def test_the_machine_is_described(figures: dict[str, Any]) -> None:
    machine = figures["machine"]
    assert machine["cpus"] >= 1
    assert machine["python"].count(".") == 2
    assert len(machine["load_before"]) == len(machine["load_after"]) == 3
