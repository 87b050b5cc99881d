"""Options and fixtures shared by every test package.

``--long`` runs the long variants of the reliability tests (the crash test with 40 kill points
instead of 5). ``store`` is a fresh, empty database, once on SQLite and once on PostgreSQL
(tests/stores.py): the storage, service, server and crash tests take it; the PostgreSQL cluster
is started by the suite itself, once per test process, on first use (bench/postgres.py).
``figures`` records the numbers a reliability test reports (kill points survived, votes
acknowledged and counted, hostile messages sent, server errors) as a small JSON file under the
pytest temporary directory, ``<basetemp>/figures/<name>.json``, and prints them; the summary
at the end of the run shows them all (the failover test's recovery time among them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bench.postgres import Cluster, ClusterError, start_cluster
from tests.stores import STORES, Store, sqlite_store

# Property tests assert what is true of every example, never how fast one runs: no per-example
# deadline (the suite runs one process per core, beside browsers and servers, and a slow moment
# of the machine must not fail a test whose property held).
settings.register_profile("congress", deadline=None)
settings.load_profile("congress")

Figures = Callable[[str, dict[str, Any]], None]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="run the long reliability tests (the crash test with 40 kill points instead of 5)",
    )


@pytest.fixture(scope="session")
def long_run(pytestconfig: pytest.Config) -> bool:
    """True under ``pytest --long``."""
    return bool(pytestconfig.getoption("--long"))


@pytest.fixture(scope="session")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    """``figures(name, numbers)``: keep a test's reported numbers (merged with earlier ones of
    the same name) in ``<basetemp>/figures/<name>.json`` and print them."""
    folder = tmp_path_factory.getbasetemp() / "figures"
    folder.mkdir(exist_ok=True)

    def record(name: str, numbers: dict[str, Any]) -> None:
        path = folder / f"{name}.json"
        merged = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        merged.update(numbers)
        path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"figures {name}: {json.dumps(merged, sort_keys=True)} ({path})")

    return record


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """After the results, show the figures the reliability tests recorded in this run (those of
    every pytest-xdist worker too, whose output is not shown otherwise)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or getattr(config, "workerinput", None) is not None:
        return
    found = sorted(factory.getbasetemp().glob("**/figures/*.json"))
    if found:
        terminalreporter.section("figures")
        for path in found:
            numbers = json.loads(path.read_text(encoding="utf-8"))
            terminalreporter.write_line(f"{path.stem}: {json.dumps(numbers, sort_keys=True)}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """The test process's own PostgreSQL server, stopped and deleted after the last test."""
    try:
        cluster = start_cluster()
    except ClusterError as exc:
        pytest.fail(f"PostgreSQL could not be started for the tests: {exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty database: a SQLite file, then a new database on the PostgreSQL cluster."""
    if request.param == "sqlite":
        yield sqlite_store(tmp_path)
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.new_database()
    yield Store("postgresql", cluster.url(name))
    cluster.drop_database(name)
