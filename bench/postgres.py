"""A throwaway PostgreSQL cluster for the tests and the benchmarks, deleted at the end.

:func:`start_cluster` runs the distribution's ``initdb`` into a new temporary directory and
``pg_ctl start`` on a free loopback port, with its Unix socket in that directory and trust
authentication for local connections only (the server listens on 127.0.0.1 alone). PostgreSQL
refuses to run as root, so under root (as in CI) the cluster belongs to the distribution's
``postgres`` user and its commands run through ``runuser``. Each test gets a database of its own
(:meth:`Cluster.new_database`), dropped after it. Under pytest-xdist every worker process starts a
cluster of its own on first use (about a second), so workers share nothing.

The cluster trades durability for speed (``fsync=off``): the tests kill the meeting server, and
PostgreSQL only in the failover test, which never restarts the killed cluster (its data is not
read again); the directory is deleted at the end. :meth:`Cluster.replica` makes a streaming hot
standby (``pg_basebackup -R``) and :meth:`Cluster.require_synchronous` makes the primary's
commits wait for it (``synchronous_commit = remote_apply``). Anything that stops the cluster from starting
fails the tests with the reason and the server's log; nothing is skipped.

``bench/run.py --db postgresql`` starts one the same way for the plenary benchmark. The test
suite imports this module; nothing the project installs does.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

#: The distribution's PostgreSQL programs: ``/usr/lib/postgresql/<version>/bin`` on Debian.
DEBIAN_PROGRAMS = Path("/usr/lib/postgresql")
#: The account a cluster runs as when the tests run as root.
SERVICE_USER = "postgres"
#: Attempts at starting the server, each on a newly picked free port.
START_ATTEMPTS = 3
#: Seconds ``pg_ctl`` waits for the server to accept connections.
START_TIMEOUT_S = 60


class ClusterError(Exception):
    """PostgreSQL could not be set up; the message says which step failed and why."""


def programs_directory() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: the newest Debian version, else the one
    on ``PATH``."""
    versions = sorted(
        (p for p in DEBIAN_PROGRAMS.glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found is None:
        raise ClusterError(
            f"PostgreSQL's initdb was found neither under {DEBIAN_PROGRAMS}/<version>/bin nor on "
            "PATH: install the distribution's postgresql package (make postgresql)"
        )
    return Path(found).resolve().parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class Cluster:
    """A running PostgreSQL server in ``directory`` listening on ``127.0.0.1:port``."""

    directory: Path
    port: int
    programs: Path
    as_user: str | None
    _databases: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The database URL that ``congress`` takes (``--db``, ``CONGRESS_DB``)."""
        return f"postgresql://{SERVICE_USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SERVICE_USER, dbname=database, autocommit=True
        )

    def new_database(self, prefix: str = "test") -> str:
        """Create an empty database (a copy of the pristine ``template0``) and return its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._databases)}"
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending connections a test left open."""
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of PostgreSQL's programs as the cluster's owner."""
        command = [str(self.programs / args[0]), *args[1:]]
        if self.as_user is not None:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, check=False
        )

    def stop(self) -> None:
        """Stop the server (fast: nothing in it is kept) and delete the directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def postmaster_pid(self) -> int:
        """The process id of the running server (the first line of ``postmaster.pid``)."""
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    def kill(self) -> None:
        """SIGKILL the server (the postmaster): a machine that died. Its backends notice and
        exit on their own; nothing is flushed or shut down."""
        os.kill(self.postmaster_pid(), signal.SIGKILL)

    def replica(self, name: str = "standby") -> Cluster:
        """A hot standby of this cluster in a new directory, started and streaming: a copy by
        ``pg_basebackup -R`` that connects back as ``application_name`` ``name``."""
        directory = _new_directory(self.as_user)
        replica = Cluster(directory, 0, self.programs, self.as_user)
        try:
            backup = replica.run(
                "pg_basebackup", "-D", str(replica.data), "-h", "127.0.0.1", "-p", str(self.port),
                "-U", SERVICE_USER, "-R", "-X", "stream", "--no-sync",
            )  # fmt: skip
            if backup.returncode != 0:
                raise ClusterError(f"pg_basebackup failed:\n{backup.stdout}{backup.stderr}")
            conninfo = (
                f"host=127.0.0.1 port={self.port} user={SERVICE_USER} application_name={name}"
            )
            with (replica.data / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
                conf.write(f"primary_conninfo = '{conninfo}'\n")
            _start(replica)
        except BaseException:
            replica.stop()
            raise
        return replica

    def require_synchronous(self, name: str = "standby", timeout_s: float = 30.0) -> None:
        """Make every commit wait until the standby ``name`` has applied it
        (``synchronous_standby_names`` and ``synchronous_commit = remote_apply``), once it streams
        as a synchronous standby."""
        with self.connect() as conn:
            conn.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{name}'")
            conn.execute("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
            conn.execute("SELECT pg_reload_conf()")
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT sync_state FROM pg_stat_replication WHERE application_name = %s",
                    (name,),
                ).fetchone()
                if row is not None and row[0] == "sync":
                    return
                time.sleep(0.05)
        raise ClusterError(f"the standby {name} did not stream as synchronous within {timeout_s} s")

    def in_recovery(self) -> bool:
        with self.connect() as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        return bool(row and row[0])

    def promote(self) -> None:
        """Promote this standby to a primary (``pg_ctl promote``, waiting until it is done)."""
        promoted = self.run("pg_ctl", "promote", "-D", str(self.data), "-w")
        if promoted.returncode != 0:
            raise ClusterError(f"pg_ctl promote failed:\n{promoted.stdout}{promoted.stderr}")


def _server_log(cluster: Cluster) -> str:
    text = cluster.log.read_text(encoding="utf-8", errors="replace") if cluster.log.exists() else ""
    return text[-3000:] or "(the server wrote no log)"


def start_cluster(*, durable: bool = False) -> Cluster:
    """Initialise and start a cluster in a new temporary directory; raise :class:`ClusterError`
    saying what failed. ``durable`` keeps PostgreSQL's own defaults (``fsync`` and full-page
    writes on), for figures that compare with a durable SQLite; the tests leave it off."""
    programs = programs_directory()
    as_user = SERVICE_USER if os.geteuid() == 0 else None
    cluster = Cluster(_new_directory(as_user), 0, programs, as_user)
    try:
        init = cluster.run(
            "initdb", "-D", str(cluster.data), "-U", SERVICE_USER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            raise ClusterError(f"initdb failed in {cluster.data}:\n{init.stdout}{init.stderr}")
        _start(cluster, durable=durable)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _new_directory(as_user: str | None) -> Path:
    """A new temporary directory for a cluster, owned by ``as_user`` when given."""
    directory = Path(tempfile.mkdtemp(prefix="congress-postgres-"))
    if as_user is not None:
        try:
            account = pwd.getpwnam(as_user)
        except KeyError:
            shutil.rmtree(directory, ignore_errors=True)
            raise ClusterError(
                f"the tests run as root and PostgreSQL refuses root, but there is no "
                f"{as_user!r} user to run it as: install the distribution's postgresql package"
            ) from None
        os.chown(directory, account.pw_uid, account.pw_gid)
    return directory


def _start(cluster: Cluster, *, durable: bool = False) -> None:
    """``pg_ctl start`` on a newly picked free port; raise :class:`ClusterError` if it fails.
    ``durable`` keeps ``fsync`` and full-page writes on."""
    options = (
        f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={cluster.directory} "
        "-c max_connections=200"
    ) + ("" if durable else " -c fsync=off -c full_page_writes=off")
    for _ in range(START_ATTEMPTS):
        cluster.port = free_port()
        started = cluster.run(
            "pg_ctl", "start", "-D", str(cluster.data), "-l", str(cluster.log), "-w",
            "-t", str(START_TIMEOUT_S), "-o", f"-p {cluster.port} {options}",
        )  # fmt: skip
        if started.returncode == 0:
            return
    raise ClusterError(
        f"pg_ctl could not start PostgreSQL in {cluster.data} "
        f"({START_ATTEMPTS} attempts):\n{started.stdout}{started.stderr}\n"
        f"server log:\n{_server_log(cluster)}"
    )


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A durable cluster of its own with one empty database: yields the database's URL, then
    stops the cluster and deletes it."""
    cluster = start_cluster(durable=True)
    try:
        yield cluster.url(cluster.new_database(prefix))
    finally:
        cluster.stop()
