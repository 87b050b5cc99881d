"""Test helpers that drive a sitting through the real HTTP API and WebSockets."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession

from devices.tablet import Tablet
from tests.voting.conftest import ADMIN, ORIGIN

MEETING = "m1"
TITLE = "新洲镇第十七届人民代表大会第三次会议"


class Staff:
    """A logged-in chair/operator/admin talking to the HTTP API."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    def login(cls, client: TestClient, username: str, password: str) -> Staff:
        response = client.post("/api/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return cls(client, response.json()["token"])

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.request(
            method, f"/api/meetings/{MEETING}{path}", json=body, headers=self.headers
        )
        assert response.status_code == status, response.text
        return response.json()

    def post(self, path: str, body: Any = None, status: int = 200) -> Any:
        return self.call("POST", path, body, status)

    def state(self) -> Any:
        return self.call("GET", "")


def bootstrap_admin(client: TestClient) -> Staff:
    client.app.state.runtime.congress.create_account(ADMIN[0], "admin", ADMIN[1])  # type: ignore[attr-defined]
    return Staff.login(client, *ADMIN)


def roster(n: int) -> dict[str, Any]:
    return {
        "deputies": [
            {"deputy": f"d{i:02}", "name": f"代表{i:02}", "seat": f"{i:02}"}
            for i in range(1, n + 1)
        ]
    }


def open_meeting(client: TestClient, deputies: int) -> Staff:
    admin = bootstrap_admin(client)
    response = client.post(
        "/api/meetings",
        json={"meeting": MEETING, "origin": ORIGIN, "title": TITLE, "date": "2026-03-01"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    admin.call("PUT", "/roster", roster(deputies))
    admin.post("/open")
    return admin


def say_hello(ws: WebSocketTestSession, tablet: Tablet, seq: int | None = None) -> Any:
    """Read the server's challenge, answer with the tablet's signed hello, return the reply."""
    challenge = ws.receive_json()
    assert challenge["type"] == "challenge", challenge
    ws.send_json(tablet.hello(challenge["nonce"], seq))
    return ws.receive_json()


class TabletSession:
    """A tablet connected over the WebSocket: sends messages, waits for their replies."""

    def __init__(self, client: TestClient, tablet: Tablet) -> None:
        self.tablet = tablet
        self._cm: AbstractContextManager[WebSocketTestSession] = client.websocket_connect(
            f"/ws/meetings/{MEETING}/tablet"
        )
        self.ws = self._cm.__enter__()
        self.pushed: list[dict[str, Any]] = []
        self.welcome = say_hello(self.ws, tablet)
        assert self.welcome["type"] == "welcome", self.welcome
        self._n = 0

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send ``message`` (its ``id`` set) and return the reply with that id."""
        self._n += 1
        ref = f"r{self._n}"
        message = dict(message, id=ref)
        self.ws.send_json(message)
        while True:
            reply = self.ws.receive_json()
            if reply.get("id") == ref:
                return reply
            self.pushed.append(reply)

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


def pair(client: TestClient, staff: Staff, deputy: str, device: str | None = None) -> Tablet:
    code = staff.post(f"/deputies/{deputy}/pairing-code")["code"]
    tablet = Tablet(origin=ORIGIN, device=device or f"tab-{deputy}", deputy=deputy)
    response = client.post(f"/api/meetings/{MEETING}/pair", json=tablet.pair_request(code))
    assert response.status_code == 200, response.text
    return tablet
