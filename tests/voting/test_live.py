"""Live pushes: the hall display and chair console on the watcher socket, and the tablets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from ballots.crypto.shape import Choice
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    complete_key,
    open_encrypted,
    post_shares,
)
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair
from tests.voting.watching import Receiver, Watcher, is_state, tablet_push

AGENDA = {
    "items": [
        {"item": "a", "title": "关于财政预算的决议", "kind": "motion"},
        {"item": "b", "title": "副镇长选举", "kind": "election"},
    ]
}
ELECTION = {
    "kind": "election",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "王建国"}, {"id": "c2", "name": "李秀英"}],
}
#: The agenda of a hall that makes the scrutineers' key first, for its encrypted polls.
CRYPTO_AGENDA = {"items": [*AGENDA["items"], SCRUTINEERS_ITEM]}


def token_for(staff: Staff, role: str) -> str:
    response = staff.client.post(
        "/api/tokens", json={"role": role, "label": "会场大屏"}, headers=staff.headers
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(staff: Staff) -> str:
    return staff.headers["Authorization"].removeprefix("Bearer ")


def this(state: dict[str, Any], poll: str) -> bool:
    """Whether a pushed state's current poll is ``poll``."""
    return state["poll"] is not None and state["poll"]["poll"] == poll


def log_size(client: TestClient) -> int:
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    size: int = service.log.size
    return size


class Hall:
    """A meeting of three with an agenda, every deputy's tablet paired and connected (with
    ``deputies`` more, the others have no tablet)."""

    def __init__(
        self,
        client: TestClient,
        *,
        sign_in: bool = True,
        deputies: int = 3,
        agenda: dict[str, Any] = AGENDA,
    ) -> None:
        self.client = client
        self.chair = open_meeting(client, deputies)
        self.chair.call("PUT", "/agenda", agenda)
        self.sessions = [
            TabletSession(client, pair(client, self.chair, f"d0{i}")) for i in (1, 2, 3)
        ]
        if sign_in:
            for s in self.sessions:
                assert s.request(s.tablet.sign_in())["type"] == "ack"

    def close(self) -> None:
        for s in self.sessions:
            s.close()


@pytest.fixture
def hall(client: TestClient) -> Iterator[Hall]:
    found = Hall(client)
    yield found
    found.close()


@pytest.fixture
def crypto_hall(client: TestClient) -> Iterator[tuple[Hall, Scrutineers]]:
    """Four deputies, three with tablets, d04 signed in by an operator; the scrutineers adopted
    on paper (p1) and the sitting's key made."""
    found = Hall(client, deputies=4, agenda=CRYPTO_AGENDA)
    found.chair.post("/deputies/d04/sign-in")
    scrutineers = complete_key(client, found.chair)
    yield found, scrutineers
    found.close()


# The hall display ------------------------------------------------------------------------------


def test_a_display_token_is_welcomed_with_the_public_view(hall: Hall) -> None:
    display = Watcher(hall.client, token_for(hall.chair, "display"))
    try:
        assert display.welcome["type"] == "welcome"
        assert display.welcome["role"] == "display"
        state = display.welcome["state"]
        served = hall.chair.state()
        public = {k: v for k, v in served.items() if k not in {"roster", "polls"}}
        assert state == {
            k: v for k, v in public.items() if k not in {"status", "origin", "log_key"}
        }
        assert state["seq"] == log_size(hall.client)
        assert state["attendance"] == {
            "electorate": 3,
            "present": 3,
            "leave": 0,
            "quorum_met": True,
        }
        assert state["items"] == [
            {"item": "a", "title": "关于财政预算的决议", "kind": "motion", "status": "draft"},
            {"item": "b", "title": "副镇长选举", "kind": "election", "status": "draft"},
        ]
        assert (state["current_item"], state["poll"]) == (None, None)
    finally:
        display.close()


def test_a_secret_poll_pushes_counts_and_never_choices(
    crypto_hall: tuple[Hall, Scrutineers],
) -> None:
    hall, scrutineers = crypto_hall
    hall.chair.post("/items/b/current")
    poll = open_encrypted(hall.chair, scrutineers, "b", ELECTION)
    encryption = hall.chair.state()["poll"]["encryption"]
    display = Watcher(hall.client, token_for(hall.chair, "display"))
    console = Watcher(hall.client, bearer(hall.chair))
    bystander = Receiver(hall.sessions[2].ws)
    try:
        assert display.welcome["state"]["poll"]["cast"] == 0
        assert console.welcome["state"]["poll"]["cast"] == 0
        for session in hall.sessions[:2]:
            cast(session, poll, encryption, Choice.stances(["against", "for"]))
        two_cast = is_state(lambda s: s["poll"]["cast"] == 2)
        display.until(two_cast)
        console.until(two_cast)

        for watcher in (display, console):
            counts = [m["state"]["poll"]["cast"] for m in watcher.messages]
            assert counts[0] == 0
            assert counts[-1] == 2
            assert counts == sorted(counts)
        assert [p["cast"] for p in console.messages[-1]["state"]["polls"]] == [0, 2]  # p1: paper
        assert "polls" not in display.messages[-1]["state"]
        assert hall.chair.post(f"/polls/{poll}/close")["result"] is None
        post_shares(hall.client, scrutineers, poll, 1)
        post_shares(hall.client, scrutineers, poll, 2)
        closed = is_state(lambda s: this(s, poll) and s["poll"]["status"] == "closed")
        # Tablets are not pushed live counts; the third one hears of the poll again at close.
        bystander.until(closed)
        before_close = display.texts + console.texts + bystander.texts[:-1]
        for text in before_close:
            assert '"marks"' not in text and "ciphertexts" not in text
            shown = json.loads(text).get("state", {}).get("poll")
            if shown is not None and shown["poll"] == poll:  # the open poll's view
                assert "against" not in json.dumps(shown) and "result" not in shown
        # An election result waits for the presidium: the display hears of it once confirmed.
        decrypted = is_state(lambda s: this(s, poll) and s["poll"].get("result_held") is True)
        held = display.until(decrypted)["state"]["poll"]
        assert "result" not in held
        announced = is_state(lambda s: this(s, poll) and "result" in s["poll"])
        result = console.until(announced)["state"]["poll"]["result"]
        assert result["counts"] == {
            "c1": {"for": 0, "against": 2, "abstain": 0},
            "c2": {"for": 2, "against": 0, "abstain": 0},
        }
        decision = {"decision": "主席团第二次会议决定确认选举结果", "by": ["赵敏", "钱进"]}
        hall.chair.post(f"/polls/{poll}/confirm", decision)
        confirmed = display.until(is_state(lambda s: "result" in s["poll"]))["state"]["poll"]
        assert confirmed["result"] == result
        assert confirmed["confirmation"] == {
            "decision": decision["decision"],
            "presidium": ["赵敏", "钱进"],
        }
    finally:
        display.close()
        console.close()


def test_the_display_sees_the_public_view_even_for_an_auditor(hall: Hall) -> None:
    auditor = Watcher(hall.client, token_for(hall.chair, "auditor"))
    try:
        assert auditor.welcome["role"] == "auditor"
        assert "roster" not in auditor.welcome["state"]
    finally:
        auditor.close()


# The chair console -----------------------------------------------------------------------------


def test_the_console_shows_who_is_signed_in_paired_and_online(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    tablets = [pair(client, chair, deputy) for deputy in ("d01", "d02")]
    console = Watcher(client, bearer(chair))
    try:
        assert console.welcome["role"] == "admin"
        assert console.welcome["state"]["roster"] == [
            {
                "deputy": f"d0{i}",
                "name": f"代表0{i}",
                "seat": f"0{i}",
                "status": "active",
                "signed_in": False,
                "leave": False,
                "device": f"tab-d0{i}" if i < 3 else None,
                "online": False,
            }
            for i in (1, 2, 3)
        ]

        def flags(deputy: str, **wanted: Any) -> Any:
            def check(state: dict[str, Any]) -> bool:
                row = next(r for r in state["roster"] if r["deputy"] == deputy)
                return all(row[k] == v for k, v in wanted.items())

            return is_state(check)

        session = TabletSession(client, tablets[0])
        pushed = console.until(flags("d01", online=True))
        d02 = next(r for r in pushed["state"]["roster"] if r["deputy"] == "d02")
        assert (d02["online"], d02["device"]) == (False, "tab-d02")

        assert session.request(session.tablet.sign_in())["type"] == "ack"
        pushed = console.until(flags("d01", signed_in=True))
        assert pushed["state"]["attendance"]["present"] == 1

        session.close()
        console.until(flags("d01", online=False, signed_in=True))
    finally:
        console.close()


def test_the_watcher_answers_pings_and_refuses_anything_else(hall: Hall) -> None:
    console = Watcher(hall.client, bearer(hall.chair))
    try:
        console.ws.send_json({"type": "ping", "id": "k1"})
        assert console.until(lambda m: m["type"] != "state") == {
            "type": "pong",
            "id": "k1",
            "seq": log_size(hall.client),
        }
        console.ws.send_json({"type": "vote", "poll": "p1", "id": "k2"})
        assert console.until(lambda m: m["type"] != "state") == {
            "type": "error",
            "id": "k2",
            "error": "invalid-message",
            "message": "消息格式错误：only ping is accepted on this channel",
            "message_en": "invalid message: only ping is accepted on this channel",
        }
        console.ws.send_json({"type": "vote", "poll": "p1"})
        assert console.until(lambda m: m["type"] != "state") == {
            "type": "error",
            "id": None,
            "error": "invalid-message",
            "message": "消息格式错误：only ping is accepted on this channel",
            "message_en": "invalid message: only ping is accepted on this channel",
        }
    finally:
        console.close()


def test_a_bad_token_is_refused_with_1008(hall: Hall) -> None:
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/watch") as ws:
        ws.send_json({"type": "hello", "token": "not-a-token"})
        refused = Receiver(ws)
        assert refused.next() == {
            "type": "error",
            "id": None,
            "error": "bad-token",
            "message": "登录已失效，请重新登录",
            "message_en": "invalid or expired token",
        }
        assert refused.next() == {"type": "closed", "code": 1008}


# Tablets ---------------------------------------------------------------------------------------


def test_making_an_item_current_reaches_every_tablet(hall: Hall) -> None:
    hall.chair.post("/items/a/current")
    for session in hall.sessions:
        pushed = tablet_push(session, is_state(lambda s: s["current_item"] == "a"))
        assert [i["status"] for i in pushed["state"]["items"]] == ["current", "draft"]
        assert pushed["state"]["seq"] == log_size(hall.client)


def test_a_closed_polls_result_reaches_the_tablets(crypto_hall: tuple[Hall, Scrutineers]) -> None:
    hall, scrutineers = crypto_hall
    hall.chair.post("/items/a/current")
    poll = open_encrypted(hall.chair, scrutineers, "a", {"kind": "motion"})
    encryption = hall.chair.state()["poll"]["encryption"]
    for session, choice in zip(hall.sessions, ["for", "for", "abstain"], strict=True):
        answer = cast(session, poll, encryption, Choice.stances([choice]))
        # The tablet's own view comes with the acknowledgement, not as a push of its own.
        assert answer["you"]["took_part"] is True
        assert answer["you"]["poll"] == poll
        assert "choice" not in answer["you"]
        assert [m for m in session.pushed if m["type"] == "you"] == []
    assert hall.chair.post(f"/polls/{poll}/close")["result"] is None
    post_shares(hall.client, scrutineers, poll, 1)
    post_shares(hall.client, scrutineers, poll, 2)
    result = hall.chair.state()["poll"]["result"]
    assert result["counts"] == {"for": 2, "against": 0, "abstain": 1, "not_voted": 1}
    for session in hall.sessions:
        pushed = tablet_push(session, is_state(lambda s: this(s, poll) and "result" in s["poll"]))
        assert pushed["state"]["poll"]["result"] == result
        assert "votes" not in pushed["state"]["poll"]


def test_a_reconnecting_tablet_is_welcomed_with_the_current_state(hall: Hall) -> None:
    session = hall.sessions[0]
    seen = session.welcome["state"]["seq"]
    session.close()
    hall.chair.post("/items/a/current")
    hall.chair.post("/polls", {"item": "a", "definition": {"kind": "motion"}, "mode": "named"})
    with hall.client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(session.tablet.hello(challenge["nonce"], seq=seen))
        welcome = Receiver(ws).next()
    assert welcome["type"] == "welcome"
    assert welcome["state"]["seq"] == log_size(hall.client)
    assert welcome["state"]["poll"]["status"] == "open"
    assert welcome["state"]["current_item"] == "a"
    assert welcome["you"] == {
        "deputy": "d01",
        "name": "代表01",
        "seat": "01",
        "status": "active",
        "signed_in": True,
        "poll": "p1",
        "took_part": False,
    }
    hall.sessions = hall.sessions[1:]
