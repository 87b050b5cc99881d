"""Logins: scrypt off the event loop, the same time for unknown and known names, the cost as a
setting, and a throttle keyed by the real client address with bounded memory."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.note import NoteSigner
from audit.tables import create_engine_for
from tests.conftest import Figures
from tests.voting.conftest import ADMIN, LOG_KEY, TEST_SCRYPT_N
from tests.voting.sitting import bootstrap_admin
from voting.congress import Congress
from voting.errors import Unauthenticated
from voting.http.peers import client_address
from voting.passwords import SCRYPT_N, LoginThrottle, Passwords
from voting.settings import Settings


def login(client: TestClient, username: str, password: str, **headers: str) -> Any:
    return client.post(
        "/api/login", json={"username": username, "password": password}, headers=headers
    )


# Timing and the event loop ---------------------------------------------------------------------


def test_unknown_and_known_names_take_the_same_time(tmp_path: Path, figures: Figures) -> None:
    """At the production cost, the median time of a wrong password for an existing account and
    of any password for an unknown name are within 10 % of each other.

    The 10 % bound is on the CPU time of the calling thread (where scrypt runs), which other
    programs on a busy machine do not stretch; the wall-clock medians, which they do, must be
    within a factor of 1.5 (before the dummy hash an unknown name took a twentieth of the
    time)."""
    congress = Congress(
        engine=create_engine_for(f"sqlite:///{tmp_path / 'c.sqlite'}"),
        signer_for=lambda origin: NoteSigner(origin, LOG_KEY),
        clock=lambda: datetime(2026, 3, 1, tzinfo=UTC),
        passwords=Passwords(SCRYPT_N),
    )
    congress.create_account("chair", "chair", "chair-password-1")

    def timed(username: str) -> tuple[float, float]:
        """CPU and wall-clock seconds of one refused login."""
        cpu, wall = time.thread_time(), time.perf_counter()
        with pytest.raises(Unauthenticated):
            congress.login(username, "wrong-password")
        return time.thread_time() - cpu, time.perf_counter() - wall

    known: list[tuple[float, float]] = []
    unknown: list[tuple[float, float]] = []
    for _ in range(21):  # interleaved, so that a busy moment of the machine hits both alike
        known.append(timed("chair"))
        unknown.append(timed("nobody"))

    def median_ms(samples: list[tuple[float, float]], which: int) -> float:
        return round(statistics.median(sample[which] for sample in samples) * 1000, 1)

    medians = {
        "known_cpu_median_ms": median_ms(known, 0),
        "unknown_cpu_median_ms": median_ms(unknown, 0),
        "known_wall_median_ms": median_ms(known, 1),
        "unknown_wall_median_ms": median_ms(unknown, 1),
    }
    figures("login_timing", medians)
    cpu_ratio = medians["unknown_cpu_median_ms"] / medians["known_cpu_median_ms"]
    wall_ratio = medians["unknown_wall_median_ms"] / medians["known_wall_median_ms"]
    assert 0.9 <= cpu_ratio <= 1.1, medians
    assert 1 / 1.5 <= wall_ratio <= 1.5, medians


def test_the_password_check_runs_in_a_worker_thread(client: TestClient) -> None:
    bootstrap_admin(client)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    threads: dict[str, int] = {}
    checking = runtime.congress.passwords.check
    monotonic = runtime.monotonic

    def check(password: str, stored: str | None) -> bool:
        threads["check"] = threading.get_ident()
        return bool(checking(password, stored))

    def loop_clock() -> float:  # the login handler reads the clock on the event loop
        threads["loop"] = threading.get_ident()
        return float(monotonic())

    runtime.congress.passwords.check = check
    runtime.monotonic = loop_clock
    assert login(client, *ADMIN).status_code == 200
    assert set(threads) == {"check", "loop"}
    assert threads["check"] != threads["loop"]


def test_the_scrypt_cost_is_a_setting(client: TestClient) -> None:
    assert Settings().scrypt_n == SCRYPT_N == 2**14
    assert Settings.from_env({"CONGRESS_SCRYPT_N": "1024"}).scrypt_n == 1024
    bootstrap_admin(client)
    engine = client.app.state.runtime.congress.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password FROM account").scalar_one()
    assert stored.startswith(f"scrypt${TEST_SCRYPT_N}$8$1$")
    with pytest.raises(ValueError, match="power of two"):
        Passwords(1000)


def test_a_hash_of_another_cost_still_checks() -> None:
    stored = Passwords(2**4).hash("password-1")
    assert Passwords(2**6).check("password-1", stored) is True
    assert Passwords(2**6).check("password-2", stored) is False
    assert Passwords(2**6).check("password-1", None) is False


# The throttle's key: the client's address --------------------------------------------------------


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(client: TestClient) -> None:
    bootstrap_admin(client)
    for n in range(5):
        forged = {"X-Forwarded-For": f"10.9.8.{n}"}
        assert login(client, "admin", "wrong-password", **forged).status_code == 401
    refused = login(client, "admin", "wrong-password", **{"X-Forwarded-For": "10.9.8.77"})
    assert refused.status_code == 429
    assert refused.json()["error"] == "too-many-attempts"


def test_a_trusted_proxy_names_the_client(client: TestClient) -> None:
    bootstrap_admin(client)
    client.app.state.trusted_proxies = frozenset({"testclient"})  # type: ignore[attr-defined]
    first = {"X-Forwarded-For": "10.0.0.5"}
    for _ in range(5):
        assert login(client, "admin", "wrong-password", **first).status_code == 401
    assert login(client, "admin", "wrong-password", **first).status_code == 429
    assert login(client, *ADMIN, **{"X-Forwarded-For": "10.0.0.6"}).status_code == 200


def scope(peer: str | None, *forwarded: str) -> dict[str, Any]:
    return {
        "client": None if peer is None else (peer, 50000),
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }


@pytest.mark.parametrize(
    ("request_scope", "trusted", "expected"),
    [
        (scope("192.168.1.20", "10.0.0.1"), frozenset(), "192.168.1.20"),
        (scope("127.0.0.1", "10.0.0.1"), frozenset(), "127.0.0.1"),
        (scope("192.168.1.20", "10.0.0.1"), frozenset({"127.0.0.1"}), "192.168.1.20"),
        (scope("127.0.0.1", "10.0.0.1"), frozenset({"127.0.0.1"}), "10.0.0.1"),
        (scope("127.0.0.1", "6.6.6.6, 10.0.0.1"), frozenset({"127.0.0.1"}), "10.0.0.1"),
        (
            scope("127.0.0.1", "6.6.6.6", "10.0.0.1, 192.168.0.2"),
            frozenset({"127.0.0.1", "192.168.0.2"}),
            "10.0.0.1",
        ),
        (scope("127.0.0.1"), frozenset({"127.0.0.1"}), "127.0.0.1"),
        (scope(None, "10.0.0.1"), frozenset(), "?"),
    ],
)
def test_the_client_address(
    request_scope: dict[str, Any], trusted: frozenset[str], expected: str
) -> None:
    assert client_address(request_scope, trusted) == expected


# The throttle's memory ---------------------------------------------------------------------------


def test_the_throttle_keeps_at_most_max_keys_records() -> None:
    throttle = LoginThrottle(max_keys=3)
    for key in ("a", "b", "c"):
        for _ in range(5):
            throttle.failed(key, 100.0)
    throttle.failed("a", 101.0)  # "a" failed last: "b" now has the oldest failure
    throttle.failed("d", 102.0)
    assert len(throttle) == 3
    assert throttle.wait_time("b", 100.0) == 0.0  # forgotten
    assert throttle.wait_time("a", 101.0) == 2.0  # its 6th failure
    assert throttle.wait_time("c", 100.0) == 1.0
    assert throttle.wait_time("d", 102.0) == 0.0  # one failure so far
    throttle.succeeded("a")
    assert len(throttle) == 2


def test_the_throttle_of_the_server_is_bounded(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.throttle.max_keys = 50
    for n in range(120):
        assert login(client, f"user{n}", "wrong-password").status_code == 401
    assert len(runtime.throttle) == 50
