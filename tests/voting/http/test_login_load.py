"""Login load against a real ``congress serve`` process at the production scrypt cost: parallel
password guesses do not stall the event loop, and a wrong password for an existing account takes
as long as any password for an unknown name. The figures go to docs/security.md."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Figures
from tests.voting.live_server import LiveServer, live_server

STREAMS = 4
PROBES = 40


def milliseconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def healthz(server: LiveServer) -> None:
    assert server.request("GET", "/healthz")[0] == 200


def guess(server: LiveServer, username: str) -> None:
    status, _ = server.request("POST", "/api/login", {"username": username, "password": "guess"})
    assert status == 401


def test_parallel_logins_leave_the_event_loop_free(tmp_path: Path, figures: Figures) -> None:
    with live_server(tmp_path, 2) as server:
        idle = [milliseconds(lambda: healthz(server)) for _ in range(PROBES)]
        stop = threading.Event()
        guesses = [0] * STREAMS

        def stream(n: int) -> None:
            while not stop.is_set():
                # A new name each time: the throttle never answers before scrypt has run.
                guess(server, f"guess-{n}-{guesses[n]}")
                guesses[n] += 1

        threads = [threading.Thread(target=stream, args=(n,)) for n in range(STREAMS)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.5)
            loaded = []
            for _ in range(PROBES):
                loaded.append(milliseconds(lambda: healthz(server)))
                time.sleep(0.02)
        finally:
            stop.set()
            for thread in threads:
                thread.join()

        # Four wrong passwords for each of three accounts (under the throttle's five free
        # attempts), interleaved with as many unknown names.
        names = [f"member{n}" for n in range(3)]
        for name in names:
            server.api(
                "POST",
                "/api/accounts",
                {"username": name, "role": "operator", "password": f"{name}-password"},
            )
        known: list[float] = []
        unknown: list[float] = []
        for n in range(12):
            known.append(milliseconds(lambda n=n: guess(server, names[n % 3])))
            unknown.append(milliseconds(lambda n=n: guess(server, f"nobody-{n}")))
        assert server.errors() == 0
    numbers = {
        "healthz_idle_median_ms": round(statistics.median(idle), 2),
        "healthz_under_4_login_streams_median_ms": round(statistics.median(loaded), 2),
        "login_guesses_made": sum(guesses),
        "wrong_password_known_name_median_ms": round(statistics.median(known), 1),
        "unknown_name_median_ms": round(statistics.median(unknown), 1),
    }
    figures("logins", numbers)
    assert sum(guesses) >= STREAMS
    # Before the password check left the event loop: a median of 231 ms under the same load.
    assert statistics.median(loaded) < 50, numbers
