"""Size limits and number parsing at the edge: refused with invalid-message, never a crash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair


@pytest.fixture
def chair(client: TestClient) -> Staff:
    return open_meeting(client, 2)


@pytest.fixture
def tablet(client: TestClient, chair: Staff) -> Iterator[TabletSession]:
    session = TabletSession(client, pair(client, chair, "d01"))
    yield session
    session.close()


def test_a_message_over_64_kib_of_utf8_is_refused(tablet: TabletSession) -> None:
    text = '{"type": "ping", "id": "' + "票" * 22_000 + '"}'
    assert len(text) < 64 * 1024 < len(text.encode())
    tablet.ws.send_text(text)
    assert tablet.ws.receive_json() == {
        "type": "error",
        "id": None,
        "error": "invalid-message",
        "message": "消息格式错误：message too large",
        "message_en": "invalid message: message too large",
    }
    assert tablet.request({"type": "ping"})["type"] == "pong"


def test_binary_frames_are_refused(tablet: TabletSession) -> None:
    tablet.ws.send_bytes(b'{"type": "ping"}')
    reply = tablet.ws.receive_json()
    assert (reply["error"], reply["message"]) == (
        "invalid-message",
        "消息格式错误：binary frames are not accepted",
    )


@pytest.mark.parametrize("value", ["²", "١", "-1", "1.0", "", "1" * 13])
def test_query_numbers_are_ascii_digits(client: TestClient, chair: Staff, value: str) -> None:
    response = client.get(f"/api/meetings/{MEETING}/log/proof/inclusion", params={"seq": value})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid-message",
        "message": "请求格式错误：query parameter seq must be a whole number",
        "message_en": "invalid request: query parameter seq must be a whole number",
    }


def test_an_http_body_over_1_mib_is_refused(client: TestClient, chair: Staff) -> None:
    body = b'{"reason": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(
        f"/api/meetings/{MEETING}/items/a/withdraw",
        content=body,
        headers={**chair.headers, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "error": "body-too-large",
        "message": "请求体过大（上限 1048576 字节）",
        "message_en": "request body too large (limit 1048576 bytes)",
    }
