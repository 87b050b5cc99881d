"""The tests' own PostgreSQL cluster (bench/postgres.py): a database per test, a clear failure
when PostgreSQL is missing, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from audit.tables import create_engine_for
from bench import postgres
from bench.postgres import Cluster, ClusterError, start_cluster
from tests.stores import Store, table_names


def test_each_test_gets_an_empty_database_of_its_own(
    store: Store, postgres_cluster: Cluster
) -> None:
    engine = create_engine_for(store.url)
    with engine.begin() as conn:
        assert table_names(conn) == []
        conn.execute(text("CREATE TABLE left_by_a_test (n integer)"))
    engine.dispose()
    other = postgres_cluster.new_database()
    engine = create_engine_for(postgres_cluster.url(other))
    with engine.connect() as conn:
        assert table_names(conn) == []
    engine.dispose()
    postgres_cluster.drop_database(other)


def test_the_cluster_listens_on_loopback_only_and_is_deleted_when_stopped() -> None:
    cluster = start_cluster()
    try:
        with cluster.connect() as conn:
            row = conn.execute("SHOW listen_addresses").fetchone()
        assert row == ("127.0.0.1",)
        assert (cluster.data / "postmaster.pid").is_file()
    finally:
        cluster.stop()
    assert not cluster.directory.exists()


def test_missing_postgresql_programs_are_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "DEBIAN_PROGRAMS", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ClusterError) as caught:
        start_cluster()
    assert str(caught.value) == (
        f"PostgreSQL's initdb was found neither under {tmp_path}/<version>/bin nor on PATH: "
        "install the distribution's postgresql package (make postgresql)"
    )
