"""Two meeting servers on a primary PostgreSQL cluster and its synchronous hot standby, on one
machine: the set-up of docs/operations.md §14 for the failover tests (tests/e2e/test_failover.py,
tests/e2e/test_tablet_failover.py).

:func:`synchronous_pair` starts the clusters; :func:`start_servers` runs ``congress init`` on the
primary, copies the data directory (the log key) for the standby's server as an operator copies
it to the second machine, and starts server A on the primary and server B on the standby, each
with the other's address (``--peer-url``): A serves, B waits (``standby``).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.postgres import Cluster, start_cluster
from devices.simulator import HttpClient, HttpError, SimulationError
from tests.devices.processes import congress, environment
from voting.cli.serve import bind

#: Seconds a server process has to answer after it was started (or promoted).
START_TIMEOUT_S = 60.0


@contextlib.contextmanager
def synchronous_pair() -> Iterator[tuple[Cluster, Cluster]]:
    """A primary and its hot standby (``application_name`` ``standby``), whose commits wait
    until the standby has applied them; both deleted at the end."""
    primary = start_cluster()
    try:
        standby = primary.replica("standby")
        try:
            primary.require_synchronous("standby")
            yield primary, standby
        finally:
            standby.stop()
    finally:
        primary.stop()


class ServerProcess:
    """``congress serve`` on a socket bound here, with the peer's address and its own data."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.env = env
        self.socket = bind("127.0.0.1", 0)
        self.base = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, database_url: str, peer: str) -> None:
        fd = self.socket.fileno()
        with self.log_path.open("a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "voting.cli", "serve", "--db", database_url,
                 "--fd", str(fd), "--peer-url", peer],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,),
            )  # fmt: skip

    def wait(self, *, standby: bool) -> None:
        """Wait until ``/healthz`` answers ok, or (``standby``) 503 with the error ``standby``."""
        http = HttpClient(self.base, timeout=5)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log()
            try:
                http.request_sync("GET", "/healthz")
                assert not standby, "the standby's server served before its promotion"
                return
            except HttpError as error:
                if standby and (error.status, error.code) == (503, "standby"):
                    return
            except SimulationError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server {self.name} did not answer in time:\n{self.log()}")

    async def answers(self, *, standby: bool) -> None:
        """:meth:`wait`, from a coroutine."""
        await asyncio.to_thread(self.wait, standby=standby)

    def kill(self) -> None:
        """SIGKILL the server, and close its listening socket (held here too): its port
        refuses connections, as a machine's does when its server process is gone."""
        assert self.process is not None
        self.process.kill()
        self.socket.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.socket.close()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


def start_servers(
    tmp_path: Path, primary: Cluster, standby: Cluster, *, origin: str, admin: tuple[str, str]
) -> tuple[ServerProcess, ServerProcess, str]:
    """``congress init`` on a new database of ``primary``, then server A on it and server B on
    the standby's copy (each with its own data directory and the other's address); returns A,
    B and the database's name. The caller waits for them (:meth:`ServerProcess.answers`)."""
    database = primary.new_database("failover")
    data_a = tmp_path / "data-a"
    env_a = environment(data_a)
    init = congress(
        "init", "--origin", origin, "--admin", admin[0],
        env=dict(env_a, CONGRESS_DB=primary.url(database)), stdin=admin[1] + "\n",
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    data_b = tmp_path / "data-b"
    shutil.copytree(data_a, data_b)  # the log key (and any CA) copied to the standby machine
    a = ServerProcess("A", env_a, tmp_path / "server-a.log")
    b = ServerProcess("B", environment(data_b), tmp_path / "server-b.log")
    a.start(primary.url(database), b.base)
    b.start(standby.url(database), a.base)
    return a, b, database
