"""Forged, replayed and borrowed tablet messages: each refused with its code, nothing written.

``test_rejections.py`` covers a body altered after signing, an old sign-in replayed, a second
pairing for a deputy and a revoked device's open connection; these are the other ways to try:
someone else's key, an old counter on a vote, a re-sent vote with another choice, a body naming
another deputy, a second device speaking for a deputy, a revoked device coming back. The polls
are named: the checks are the same for every signed body (encrypted ballots:
``test_encrypted_sitting.py``).
"Nothing written" is checked on the whole database (:mod:`tests.voting.ledger`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from audit.tablet import sign_tablet_body
from devices.tablet import Tablet
from tests.voting.conftest import ORIGIN
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair, say_hello

AGENDA = {
    "items": [
        {"item": "a", "title": "议案一", "kind": "motion"},
        {"item": "b", "title": "议案二", "kind": "motion"},
    ]
}


class Hall:
    """Three deputies with paired, connected, signed-in tablets; the chair."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.chair: Staff = open_meeting(client, 3)
        self.chair.call("PUT", "/agenda", AGENDA)
        self.sessions = [
            TabletSession(client, pair(client, self.chair, f"d0{i}")) for i in (1, 2, 3)
        ]
        for s in self.sessions:
            assert s.request(s.tablet.sign_in())["type"] == "ack"

    def open_poll(self, **options: Any) -> None:
        poll = {"item": "a", "definition": {"kind": "motion"}, "mode": "named", **options}
        self.chair.post("/polls", poll)

    def refused(self, session: TabletSession, message: dict[str, Any], code: str) -> dict[str, Any]:
        before = digest(self.client)
        reply = session.request(message)
        assert (reply["type"], reply["error"]) == ("error", code), reply
        assert digest(self.client) == before
        return reply

    def close(self) -> None:
        for s in self.sessions:
            s.close()


@pytest.fixture
def hall(client: TestClient) -> Iterator[Hall]:
    found = Hall(client)
    yield found
    found.close()


def signed(key: Ed25519PrivateKey, body: dict[str, Any], kind: str) -> dict[str, Any]:
    return {"type": kind, "body": body, "sig": sign_tablet_body(key, body)}


def test_a_signature_by_another_key_is_refused(hall: Hall) -> None:
    hall.open_poll(mode="named")
    d01, d02 = hall.sessions[0], hall.sessions[1]
    body = {
        "type": "vote",
        "origin": ORIGIN,
        "deputy": "d01",
        "device": "tab-d01",
        "n": d01.tablet.counter + 1,
        "poll": "p1",
        "choice": "for",
    }
    stranger = Ed25519PrivateKey.generate()
    reply = hall.refused(d01, signed(stranger, body, "vote"), "bad-signature")
    assert reply["message"] == "签名验证失败"
    # The key of another paired tablet does not sign for this one either.
    assert isinstance(d02.tablet.key, Ed25519PrivateKey)
    hall.refused(d01, signed(d02.tablet.key, body, "vote"), "bad-signature")
    # Nor does a signature over other bytes, or no valid base64 at all.
    message = d01.tablet.named_vote("p1", "for")
    message["sig"] = d01.tablet.named_vote("p1", "against")["sig"]
    hall.refused(d01, message, "bad-signature")
    hall.refused(d01, dict(message, sig="!!!!"), "bad-signature")


def test_a_vote_with_a_used_counter_is_refused(hall: Hall) -> None:
    hall.open_poll()
    s = hall.sessions[0]
    old_counter = s.tablet.counter  # the sign-in's
    s.tablet.counter = old_counter - 1
    reply = hall.refused(s, s.tablet.named_vote("p1", "for"), "replayed-message")
    assert reply["message"] == "消息计数器重复或倒退，已拒绝"
    # The refused counter value is not used up: the next vote with a fresh one is taken.
    s.tablet.counter = old_counter
    assert s.request(s.tablet.named_vote("p1", "for"))["type"] == "ack"


def test_a_resent_vote_with_another_choice_is_refused(hall: Hall) -> None:
    hall.open_poll()
    s = hall.sessions[0]
    assert s.request(s.tablet.named_vote("p1", "for"))["type"] == "ack"
    s.tablet.counter -= 1  # the same counter, signed over another choice
    reply = hall.refused(s, s.tablet.named_vote("p1", "against"), "replayed-message")
    assert reply["message"] == "消息计数器重复或倒退，已拒绝"
    result = hall.chair.post("/polls/p1/close")["result"]
    assert result["counts"]["for"] == 1
    assert result["counts"]["against"] == 0


def test_a_vote_naming_another_deputy_is_refused(hall: Hall) -> None:
    hall.open_poll(mode="named")
    s = hall.sessions[0]
    s.tablet.deputy = "d02"  # d01's own device and key, signing a body that names d02
    reply = hall.refused(s, s.tablet.named_vote("p1", "for"), "wrong-deputy")
    assert reply["message"] == "设备与代表不符"
    s.tablet.deputy = "d01"
    assert s.request(s.tablet.named_vote("p1", "for"))["type"] == "ack"


def test_a_second_device_cannot_speak_for_a_deputy(hall: Hall, client: TestClient) -> None:
    hall.open_poll()
    # A tablet of its own (another key) that claims d01's paired device id in its hello.
    impostor = Tablet(origin=ORIGIN, device="tab-d01", deputy="d01")
    impostor.counter = 100
    before = digest(client)
    with client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        reply = say_hello(ws, impostor)
        assert (reply["error"], reply["message"]) == ("bad-signature", "签名验证失败")
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    # Its messages, sent over d01's own connection, do not verify either.
    hall.refused(hall.sessions[0], impostor.named_vote("p1", "for"), "bad-signature")
    assert digest(client) == before
    # A device id that was never paired is not even welcomed.
    stranger = Tablet(origin=ORIGIN, device="tab-x", deputy="d01")
    before = digest(client)
    with client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        reply = say_hello(ws, stranger)
        assert (reply["error"], reply["message"]) == ("unknown-device", "设备未配对")
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    assert digest(client) == before


def test_a_revoked_device_can_neither_vote_nor_reconnect(hall: Hall, client: TestClient) -> None:
    hall.open_poll()
    s = hall.sessions[0]
    hall.chair.post("/deputies/d01/revoke-device")
    # Its open connection is closed at once, with the code that says why.
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            s.ws.receive_json()
    assert closed.value.code == 4003
    # Its signed messages, carried by any connection, are refused.
    reply = hall.refused(hall.sessions[1], s.tablet.named_vote("p1", "for"), "device-revoked")
    assert reply["message"] == "设备已被注销"
    before = digest(client)
    with client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        reply = say_hello(ws, s.tablet)
        assert (reply["error"], reply["message"]) == ("device-revoked", "设备已被注销")
        assert ws.receive()["code"] == 1008
    assert digest(client) == before
