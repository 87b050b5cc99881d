"""A server on a standby database refuses everyone with ``standby`` and serves once promoted;
the two servers of a pair know each other's address (pairing card, tablet page, socket origin).
The takeover itself, with two PostgreSQL clusters, is tests/e2e/test_failover.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from devices.cards import tablet_url
from tests.stores import Store
from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, open_meeting, pair, say_hello
from voting.cli.main import build_parser, main
from voting.client.compare import policy_allowed
from voting.pages import SECURITY_HEADERS, tablet_headers
from voting.settings import Settings, peer_origin
from voting.standby import STANDBY_CLOSE, StandbyGate, database_in_recovery

TABLET = f"/ws/meetings/{MEETING}/tablet"
PEER = "https://10.0.0.2:8443"


def test_a_server_on_a_standby_database_refuses_everything_until_it_is_promoted(
    server: Server,
) -> None:
    recovering = True
    built = []

    def build() -> Any:
        built.append(True)
        return server.app()

    gate = StandbyGate(build, lambda: recovering, poll_s=0.01)
    with TestClient(gate) as client:
        for path in ("/healthz", "/api/meetings", "/chair"):
            answer = client.get(path)
            assert answer.status_code == 503
            assert answer.headers["retry-after"] == "1"
            assert answer.json() == {
                "error": "standby",
                "message": "备用服务器待命中",
                "message_en": "standby server: its database is a read-only replica until it"
                " is promoted",
            }
        assert client.post("/api/login", json={"username": "a", "password": "b"}).status_code == 503
        with client.websocket_connect(TABLET) as ws:
            refused = ws.receive_json()
            assert (refused["type"], refused["error"]) == ("error", "standby")
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == STANDBY_CLOSE == 1013
        time.sleep(0.1)
        assert built == []  # nothing was built, so nothing was written to the database
        recovering = False
        deadline = time.monotonic() + 10
        while client.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "the promoted server did not serve"
            time.sleep(0.02)
        assert gate.promoted.is_set()
        assert built == [True]
        assert client.get("/api/meetings").json()["error"] == "not-logged-in"
        assert client.get(f"/tablet/{MEETING}").status_code == 200
        with client.websocket_connect(TABLET) as ws:
            assert ws.receive_json()["type"] == "challenge"


def test_a_standby_whose_database_cannot_be_asked_keeps_waiting(server: Server) -> None:
    asked = []

    def unreachable() -> bool:
        asked.append(True)
        raise OSError("connection refused")

    done: list[str] = []

    async def prepare() -> None:
        done.append("prepared")

    async def release() -> None:
        done.append("released")

    gate = StandbyGate(server.app, unreachable, poll_s=0.01, prepare=prepare, release=release)
    with TestClient(gate) as client:
        time.sleep(0.1)
        assert client.get("/healthz").json()["error"] == "standby"
        assert len(asked) > 1
        assert gate.app is None
        assert done == ["prepared"]
    assert done == ["prepared", "released"]  # stopped before a promotion: undone


def test_a_standby_that_cannot_serve_after_its_promotion_says_so_and_stops(
    capsys: pytest.CaptureFixture[str],
) -> None:
    failures: list[Exception] = []

    def build() -> Any:
        raise RuntimeError("table ballot still holds 3 rows")

    gate = StandbyGate(build, lambda: False, poll_s=0.01, on_failure=failures.append)
    with TestClient(gate) as client:
        deadline = time.monotonic() + 10
        while not failures:
            assert time.monotonic() < deadline, "the failure was not reported"
            time.sleep(0.02)
        assert client.get("/healthz").json()["error"] == "standby"
    assert [str(f) for f in failures] == ["table ballot still holds 3 rows"]
    assert not gate.promoted.is_set()
    assert capsys.readouterr().err == (
        "数据库已提升，但服务器无法启动：table ballot still holds 3 rows"
        " The database was promoted but the server cannot start: table ballot still holds 3"
        " rows\n"
    )


def test_a_primary_and_a_sqlite_file_are_not_in_recovery(store: Store) -> None:
    assert database_in_recovery(store.url) is False


@pytest.fixture
def paired(server: Server, tmp_path: Path) -> Server:
    """A server whose peer (the other server of a primary/standby pair) is :data:`PEER`."""

    class PairedServer(Server):
        def app(self) -> Any:
            app = super().app()
            app.state.peer_url = PEER
            return app

    return PairedServer(server.db, server.clock)


def test_the_peer_servers_pages_may_open_a_tablet_socket(paired: Server) -> None:
    with paired.client() as client:
        chair = open_meeting(client, 2)
        tablet = pair(client, chair, "d01")
        with client.websocket_connect(TABLET, headers={"origin": PEER}) as ws:
            assert say_hello(ws, tablet)["type"] == "welcome"
        for other in ("https://10.0.0.2:8444", "http://10.0.0.2:8443", "https://10.0.0.3:8443"):
            with (
                pytest.raises(WebSocketDisconnect) as refused,
                client.websocket_connect(TABLET, headers={"origin": other}),
            ):
                pass
            assert refused.value.code == 1008
        policy = client.get(f"/tablet/{MEETING}").headers["content-security-policy"]
        assert "connect-src 'self' https://10.0.0.2:8443 wss://10.0.0.2:8443;" in policy
        assert policy_allowed(policy, SECURITY_HEADERS["Content-Security-Policy"])


#: The reads of the tablet page over HTTP (devices/static/verify.js, witness.js).
TABLET_READS = [
    f"/api/meetings/{MEETING}/log/checkpoint",
    f"/api/meetings/{MEETING}/log/proof/consistency?from=1&to=2",
    f"/api/meetings/{MEETING}/log/proof/inclusion?seq=0&size=2",
    f"/api/meetings/{MEETING}/log/encrypted-ballots/ABCD-EFGH",
]
#: Routes the tablet page does not read from another server.
OTHER_ROUTES = [
    f"/api/meetings/{MEETING}/log/checkpoints",
    f"/api/meetings/{MEETING}/log/checkpoint.svg",
    f"/api/meetings/{MEETING}/log/entries",
    f"/api/meetings/{MEETING}/documents/{'0' * 64}",
    "/api/meetings",
    "/healthz",
]


def test_the_peer_servers_tablet_page_may_read_the_log_here_and_nothing_else(
    paired: Server,
) -> None:
    with paired.client() as client:
        open_meeting(client, 2)
        for path in TABLET_READS:
            answer = client.get(path, headers={"origin": PEER})
            assert answer.headers["access-control-allow-origin"] == PEER, path
            assert answer.headers["vary"] == "Origin", path
            for other in ("https://10.0.0.2:8444", "http://10.0.0.2:8443", "null"):
                refused = client.get(path, headers={"origin": other})
                assert "access-control-allow-origin" not in refused.headers, (path, other)
                assert refused.headers["vary"] == "Origin", path
                assert refused.status_code == answer.status_code, path
            assert "access-control-allow-origin" not in client.get(path).headers
        for path in OTHER_ROUTES:
            answer = client.get(path, headers={"origin": PEER})
            assert "access-control-allow-origin" not in answer.headers, path
            assert "origin" not in answer.headers.get("vary", "").lower(), path
        post = client.post(TABLET_READS[0], headers={"origin": PEER})
        assert post.status_code == 405
        assert "access-control-allow-origin" not in post.headers


def test_a_lone_server_allows_no_other_origin_to_read_its_log(server: Server) -> None:
    with server.client() as client:
        open_meeting(client, 2)
        for path in TABLET_READS:
            answer = client.get(path, headers={"origin": PEER})
            assert "access-control-allow-origin" not in answer.headers, path


def test_a_lone_server_refuses_the_would_be_peer(server: Server) -> None:
    with server.client() as client:
        chair = open_meeting(client, 2)
        pair(client, chair, "d01")
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(TABLET, headers={"origin": PEER}),
        ):
            pass
        assert refused.value.code == 1008
        policy = client.get(f"/tablet/{MEETING}").headers["content-security-policy"]
        assert policy == SECURITY_HEADERS["Content-Security-Policy"]


def test_the_pairing_card_names_both_servers() -> None:
    assert (
        tablet_url("https://10.0.0.1:8443/", "2026-3", "AB CD", peer=PEER)
        == "https://10.0.0.1:8443/tablet/2026-3#code=AB%20CD&peer=https://10.0.0.2:8443"
    )
    assert tablet_url("https://10.0.0.1:8443/", "2026-3", "ABCD") == (
        "https://10.0.0.1:8443/tablet/2026-3#code=ABCD"
    )


def test_the_release_policy_allows_one_peer_socket_and_nothing_else() -> None:
    release = SECURITY_HEADERS["Content-Security-Policy"]
    assert tablet_headers(None) == SECURITY_HEADERS
    with_peer = tablet_headers("http://[fd00::2]:8000")["Content-Security-Policy"]
    assert "connect-src 'self' http://[fd00::2]:8000 ws://[fd00::2]:8000;" in with_peer
    assert policy_allowed(with_peer, release)
    assert policy_allowed(release, release)
    assert not policy_allowed(None, release)
    assert not policy_allowed(release.replace("connect-src 'self'", "connect-src *"), release)
    assert not policy_allowed(
        release.replace("connect-src 'self'", "connect-src 'self' https://evil.example"), release
    )
    assert not policy_allowed(
        release.replace("connect-src 'self'", "connect-src 'self' wss://a:1 wss://b:2"), release
    )
    for added in (
        "wss://a:1",  # the socket alone: this release's servers allow the peer's reads too
        "https://a:1 wss://b:1",  # two different servers
        "https://a:1 ws://a:1",  # https with an unencrypted socket
        "http://a:1 wss://a:1",
        "https://a:1 wss://a:1 https://b:1",
    ):
        assert not policy_allowed(
            release.replace("connect-src 'self'", f"connect-src 'self' {added}"), release
        ), added


def test_the_peer_address_comes_from_the_environment_or_the_command_line() -> None:
    assert Settings.from_env({"CONGRESS_PEER_URL": "https://10.0.0.2:8443/tablet"}).peer_url == (
        PEER
    )
    assert Settings.from_env({}).peer_url is None
    args = build_parser().parse_args(["serve", "--peer-url", "http://b.hall.local:8000/"])
    assert args.peer_url == "http://b.hall.local:8000"
    assert peer_origin("HTTPS://B.Hall.Local:443/") == "https://b.hall.local"
    assert peer_origin("http://[FD00::2]:80") == "http://[fd00::2]"
    assert peer_origin("http://[fd00::2]:8000/x") == "http://[fd00::2]:8000"
    for wrong in ("ftp://b.hall.local", "https://", "https://b.hall.local:99999", "b.hall:8000"):
        with pytest.raises(ValueError, match="not an http"):
            peer_origin(wrong)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--peer-url", "b.hall.local:8000"])


def test_promote_refuses_a_database_that_is_not_a_standby(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["promote", "--db", store.url]) == 1
    said = capsys.readouterr().err
    if store.kind == "postgresql":
        assert (
            said
            == "congress promote: 该数据库不是备库，已是主库。 This database is not a standby.\n"
        )
    else:
        assert said == (
            "congress promote: 只有 PostgreSQL 备库可以提升。 Only a PostgreSQL standby can be"
            " promoted.\n"
        )
