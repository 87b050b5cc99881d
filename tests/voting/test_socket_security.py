"""Who may hold a WebSocket: the hello proves the device key over a fresh challenge, a device has
one live connection, a revoked device is cut off at once, and browsers of other sites are
refused at the upgrade."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from devices.tablet import Tablet
from tests.voting.conftest import Server
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, Staff, open_meeting, pair, say_hello

TABLET = f"/ws/meetings/{MEETING}/tablet"
WATCH = f"/ws/meetings/{MEETING}/watch"


@pytest.fixture
def meeting(server: Server) -> Iterator[tuple[TestClient, Staff, Tablet]]:
    with server.client() as client:
        chair = open_meeting(client, 3)
        yield client, chair, pair(client, chair, "d01")


def test_every_connection_gets_its_own_challenge(
    meeting: tuple[TestClient, Staff, Tablet],
) -> None:
    client, _, tablet = meeting
    nonces = []
    for _ in range(2):
        with client.websocket_connect(TABLET) as ws:
            challenge = ws.receive_json()
            assert set(challenge) == {"type", "nonce"} and challenge["type"] == "challenge"
            raw = base64.urlsafe_b64decode(challenge["nonce"] + "=")
            assert len(raw) == 32 and "=" not in challenge["nonce"]
            nonces.append(challenge["nonce"])
            ws.send_json(tablet.hello(challenge["nonce"]))
            assert ws.receive_json()["type"] == "welcome"
    assert nonces[0] != nonces[1]


def test_a_hello_signed_for_another_connection_is_refused(
    meeting: tuple[TestClient, Staff, Tablet],
) -> None:
    client, _, tablet = meeting
    with client.websocket_connect(TABLET) as first:
        seen = first.receive_json()["nonce"]
    before = digest(client)
    with client.websocket_connect(TABLET) as ws:
        ws.receive_json()  # a new challenge, not answered
        ws.send_json(tablet.hello(seen))  # a replayed hello, signed over the old nonce
        assert ws.receive_json() == {
            "type": "error",
            "id": None,
            "error": "bad-signature",
            "message": "签名验证失败",
            "message_en": "signature from device tab-d01: ed25519 signature does not verify",
        }
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    assert digest(client) == before


def test_the_newest_connection_of_a_device_wins(
    meeting: tuple[TestClient, Staff, Tablet],
) -> None:
    client, chair, tablet = meeting
    with client.websocket_connect(TABLET) as older:
        assert say_hello(older, tablet)["type"] == "welcome"
        with client.websocket_connect(TABLET) as newer:
            assert say_hello(newer, tablet)["type"] == "welcome"
            with pytest.raises(WebSocketDisconnect) as replaced:
                while True:
                    older.receive_json()
            assert replaced.value.code == 4001
            newer.send_json({"type": "ping", "id": "k"})
            assert newer.receive_json()["type"] == "pong"
            devices = chair.call("GET", "/devices")["devices"]
            assert [(d["device"], d["online"]) for d in devices] == [("tab-d01", True)]


def test_revoking_a_device_closes_its_connection_at_once(
    meeting: tuple[TestClient, Staff, Tablet],
) -> None:
    client, chair, tablet = meeting
    with client.websocket_connect(TABLET) as ws:
        assert say_hello(ws, tablet)["type"] == "welcome"
        chair.post("/deputies/d01/revoke-device")
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
        assert closed.value.code == 4003
    devices = chair.call("GET", "/devices")["devices"]
    assert [(d["device"], d["active"], d["online"]) for d in devices] == [("tab-d01", False, False)]


@pytest.mark.parametrize("path", [TABLET, WATCH], ids=["tablet", "watch"])
def test_a_browser_page_of_another_site_cannot_open_a_socket(
    meeting: tuple[TestClient, Staff, Tablet], path: str
) -> None:
    client, _, _ = meeting
    for origin in ("http://evil.example", "http://testserver.evil.example", "null"):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(path, headers={"origin": origin}),
        ):
            pass
        assert refused.value.code == 1008


@pytest.mark.parametrize("headers", [{"origin": "http://testserver"}, {}], ids=["same", "none"])
def test_the_servers_own_pages_and_non_browser_clients_may(
    meeting: tuple[TestClient, Staff, Tablet], headers: dict[str, str]
) -> None:
    client, chair, tablet = meeting
    with client.websocket_connect(TABLET, headers=headers) as ws:
        assert say_hello(ws, tablet)["type"] == "welcome"
    token = chair.headers["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(WATCH, headers=headers) as ws:
        ws.send_json({"type": "hello", "token": token})
        assert ws.receive_json()["type"] == "welcome"
