"""Votes and commands that must be refused with a stable code, writing nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from devices.tablet import Tablet
from tests.voting.conftest import ORIGIN
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair

AGENDA = {
    "items": [
        {"item": "a", "title": "议案一", "kind": "motion"},
        {"item": "b", "title": "议案二", "kind": "motion"},
    ]
}


class Hall:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.chair = open_meeting(client, 3)
        self.chair.call("PUT", "/agenda", AGENDA)
        self.tablets = [pair(client, self.chair, f"d0{i}") for i in (1, 2, 3)]
        self.sessions = [TabletSession(client, t) for t in self.tablets]

    def log_size(self) -> int:
        service = self.client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
        size: int = service.log.size
        return size

    def refused(self, session: TabletSession, message: dict[str, object], code: str) -> None:
        before = self.log_size()
        reply = session.request(message)
        assert reply["type"] == "error", reply
        assert reply["error"] == code, reply
        assert self.log_size() == before

    def close(self) -> None:
        for s in self.sessions:
            s.close()


@pytest.fixture
def hall(client: TestClient) -> Iterator[Hall]:
    found = Hall(client)
    yield found
    found.close()


#: A named motion on item a: the refusals below do not depend on how a poll is voted (encrypted
#: ballots: tests/voting/test_encrypted_sitting.py).
NAMED_MOTION = {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}


def sign_in_all(hall: Hall) -> None:
    for s in hall.sessions:
        assert s.request(s.tablet.sign_in())["type"] == "ack"


def test_vote_before_sign_in_is_refused(hall: Hall) -> None:
    for s in hall.sessions[:2]:
        s.request(s.tablet.sign_in())
    hall.chair.post("/polls", NAMED_MOTION)
    late = hall.sessions[2]
    hall.refused(late, late.tablet.named_vote("p1", "for"), "not-signed-in")
    reply = late.request(late.tablet.named_vote("p1", "for"))
    assert reply["message"] == "请先签到再表决"


def test_first_press_is_final_for_named_votes(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.post(
        "/polls",
        {"item": "a", "definition": {"kind": "motion"}, "mode": "named", "change_policy": "first"},
    )
    s = hall.sessions[0]
    assert s.request(s.tablet.named_vote("p1", "for"))["type"] == "ack"
    hall.refused(s, s.tablet.named_vote("p1", "against"), "double-vote")


def test_vote_after_close_and_on_an_unknown_poll(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.post("/polls", NAMED_MOTION)
    hall.chair.post("/polls/p1/close")
    s = hall.sessions[0]
    hall.refused(s, s.tablet.named_vote("p1", "for"), "poll-closed")
    hall.refused(s, s.tablet.named_vote("p9", "for"), "unknown-poll")


def test_a_vote_for_another_meeting_is_refused(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.sessions[0]
    foreign = Tablet(origin="other.congress.local/2026-1", device=s.tablet.device, key=s.tablet.key)
    foreign.deputy, foreign.counter = s.tablet.deputy, s.tablet.counter
    hall.refused(s, foreign.named_vote("p1", "for"), "wrong-meeting")


def test_a_malformed_choice_is_refused(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.sessions[0]
    hall.refused(s, s.tablet.named_vote("p1", "yes"), "invalid-ballot")


def test_replayed_and_forged_messages_are_refused(hall: Hall) -> None:
    s = hall.sessions[0]
    old = s.tablet.sign_in()
    assert s.request(old)["type"] == "ack"
    hall.chair.post("/deputies/d01/sign-out")
    assert s.request(s.tablet.sign_in())["type"] == "ack"
    hall.chair.post("/deputies/d01/sign-out")
    hall.refused(s, old, "replayed-message")
    forged = s.tablet.sign_in()
    forged["body"]["deputy"] = "d02"
    hall.refused(s, forged, "bad-signature")


def test_a_resent_vote_is_acknowledged_once(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.post("/polls", NAMED_MOTION)
    s = hall.sessions[0]
    message = s.tablet.named_vote("p1", "for")
    first = s.request(message)
    size = hall.log_size()
    again = s.request(message)
    you = first.pop("you")  # the deputy's own view after the vote comes with the answer
    assert (you["deputy"], you["poll"], you["took_part"], you["choice"]) == (
        s.tablet.deputy,
        "p1",
        True,
        "for",
    )
    assert {k: v for k, v in first.items() if k != "id"} == {"type": "ack", "seq": size - 1}
    assert {k: v for k, v in again.items() if k != "id"} == {"type": "ack", "duplicate": True}
    assert hall.log_size() == size
    result = hall.chair.post("/polls/p1/close")["result"]
    assert result["ballots"]["cast"] == 1


def test_a_poll_opened_in_the_retired_mode_secret_is_refused_naming_the_modes(hall: Hall) -> None:
    sign_in_all(hall)
    before = hall.log_size()
    refused = hall.chair.post("/polls", dict(NAMED_MOTION, mode="secret"), status=400)
    assert refused == {
        "error": "invalid-message",
        "message": "请求格式错误：mode: Input should be 'encrypted', 'named' or 'manual'",
        "message_en": "invalid request: mode: Input should be 'encrypted', 'named' or 'manual'",
    }
    assert hall.log_size() == before


def test_a_poll_without_a_mode_is_refused_as_no_mode_is_chosen_for_the_chair(hall: Hall) -> None:
    sign_in_all(hall)
    before = hall.log_size()
    body = {"item": "a", "definition": {"kind": "motion"}}
    refused = hall.chair.post("/polls", body, status=400)
    assert (refused["error"], refused["message_en"]) == (
        "invalid-message",
        "invalid request: mode: Field required",
    )
    assert hall.log_size() == before


def test_an_election_opened_named_is_refused(hall: Hall) -> None:
    sign_in_all(hall)
    hall.chair.call(
        "PUT", "/agenda", {"items": [{"item": "e", "title": "选举副镇长", "kind": "election"}]}
    )
    before = hall.log_size()
    election = {"kind": "election", "seats": 1, "candidates": [{"id": "c1", "name": "王建国"}]}
    body = {"item": "e", "definition": election, "mode": "named"}
    refused = hall.chair.post("/polls", body, status=400)
    assert refused == {
        "error": "election-secret",
        "message": "选举必须采用无记名投票",
        "message_en": "elections are always secret (组织法 Art 28)",
    }
    assert hall.log_size() == before


def test_chair_actions_from_a_deputy_connection_are_refused(hall: Hall) -> None:
    s = hall.sessions[0]
    hall.refused(s, {"type": "open_poll", "item": "a"}, "invalid-message")
    response = hall.client.post(f"/api/meetings/{MEETING}/polls", json={"item": "a"})
    assert response.status_code == 401
    assert response.json()["error"] == "not-logged-in"


def test_operator_may_not_open_polls(hall: Hall) -> None:
    hall.chair.client.post(
        "/api/accounts",
        json={
            "username": "op",
            "role": "operator",
            "password": "operator-pass",
            "meetings": "all",
        },
        headers=hall.chair.headers,
    )
    operator = Staff.login(hall.client, "op", "operator-pass")
    refused = operator.post("/polls", NAMED_MOTION, status=403)
    assert refused == {
        "error": "forbidden",
        "message": "当前角色无权主持表决",
        "message_en": "role operator may not do poll",
    }


def test_garbage_closes_the_connection_with_1008(hall: Hall) -> None:
    s = hall.sessions[0]
    for _ in range(19):
        s.ws.send_text("not json")
        assert s.ws.receive_json()["error"] == "invalid-message"
    s.ws.send_text("still not json")
    assert s.ws.receive_json()["error"] == "invalid-message"
    message = s.ws.receive()
    assert message == {"type": "websocket.close", "code": 1008, "reason": ""}


def test_a_second_device_for_a_deputy_is_refused_until_the_first_is_revoked(hall: Hall) -> None:
    code = hall.chair.post("/deputies/d01/pairing-code")["code"]
    spare = Tablet(origin=ORIGIN, device="spare", deputy="d01")
    before = hall.log_size()
    refused = hall.client.post(f"/api/meetings/{MEETING}/pair", json=spare.pair_request(code))
    assert refused.status_code == 409
    assert refused.json()["error"] == "device-active"
    assert refused.json()["message"] == "该代表已有配对的平板，请先注销原平板再重新配对"
    assert hall.log_size() == before
    hall.chair.post("/deputies/d01/revoke-device")
    paired = hall.client.post(f"/api/meetings/{MEETING}/pair", json=spare.pair_request(code))
    assert paired.status_code == 200, paired.text
    old = hall.sessions[0]
    # The revoked tablet's signed messages are refused, over any connection.
    hall.refused(hall.sessions[1], old.tablet.sign_in(), "device-revoked")


def test_pairing_codes_are_single_use(hall: Hall) -> None:
    hall.chair.post("/deputies/d01/revoke-device")
    code = hall.chair.post("/deputies/d01/pairing-code")["code"]
    tablet = Tablet(origin=ORIGIN, device="spare", deputy="d01")
    first = hall.client.post(f"/api/meetings/{MEETING}/pair", json=tablet.pair_request(code))
    assert first.status_code == 200
    hall.chair.post("/deputies/d01/revoke-device")
    again = hall.client.post(
        f"/api/meetings/{MEETING}/pair",
        json=Tablet(origin=ORIGIN, device="spare2", deputy="d01").pair_request(code),
    )
    assert again.status_code == 401
    assert again.json()["error"] == "pairing-code-used"
