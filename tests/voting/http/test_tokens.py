"""Display and auditor tokens expire and can be listed and revoked; logging out ends a session."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.testclient import TestClient

from tests.voting.conftest import Server
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, Staff, bootstrap_admin, open_meeting

BAD_TOKEN = {
    "error": "bad-token",
    "message": "登录已失效，请重新登录",
    "message_en": "invalid or expired token",
}


def issue(staff: Staff, role: str, label: str, **extra: Any) -> dict[str, Any]:
    response = staff.client.post(
        "/api/tokens", json={"role": role, "label": label, **extra}, headers=staff.headers
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listed(staff: Staff) -> list[dict[str, Any]]:
    response = staff.client.get("/api/tokens", headers=staff.headers)
    assert response.status_code == 200, response.text
    tokens: list[dict[str, Any]] = response.json()["tokens"]
    return tokens


def test_a_display_token_lasts_24_hours_by_default(server: Server, client: TestClient) -> None:
    admin = bootstrap_admin(client)
    token = issue(admin, "display", "一号大屏")
    assert token["expires_at"] == "2026-03-02T01:30:00Z"  # the test clock starts at 01:30
    assert token["id"] == hashlib.sha256(token["token"].encode()).hexdigest()
    assert (token["role"], token["label"]) == ("display", "一号大屏")
    server.clock.advance(24 * 3600 - 1)
    assert client.get("/api/meetings", headers=bearer(token["token"])).status_code == 200
    server.clock.advance(1)
    refused = client.get("/api/meetings", headers=bearer(token["token"]))
    assert (refused.status_code, refused.json()) == (401, BAD_TOKEN)


def test_the_issuer_sets_how_long_a_token_lasts(server: Server, client: TestClient) -> None:
    admin = bootstrap_admin(client)
    token = issue(admin, "auditor", "审计组", hours=2)
    assert token["expires_at"] == "2026-03-01T03:30:00Z"
    server.clock.advance(2 * 3600)
    refused = client.get("/api/meetings", headers=bearer(token["token"]))
    assert (refused.status_code, refused.json()) == (401, BAD_TOKEN)
    too_long = admin.client.post(
        "/api/tokens",
        json={"role": "display", "label": "x", "hours": 24 * 367},
        headers=admin.headers,
    )
    assert too_long.status_code == 400
    assert too_long.json()["error"] == "invalid-message"
    assert too_long.json()["message"].startswith("请求格式错误：hours: ")


def test_the_list_shows_valid_read_tokens_only(server: Server, client: TestClient) -> None:
    admin = bootstrap_admin(client)
    short = issue(admin, "display", "临时大屏", hours=1)
    display = issue(admin, "display", "一号大屏")
    auditor = issue(admin, "auditor", "审计组", hours=48)
    assert listed(admin) == [
        {
            "id": short["id"],
            "role": "display",
            "label": "临时大屏",
            "expires_at": short["expires_at"],
        },
        {
            "id": display["id"],
            "role": "display",
            "label": "一号大屏",
            "expires_at": display["expires_at"],
        },
        {
            "id": auditor["id"],
            "role": "auditor",
            "label": "审计组",
            "expires_at": auditor["expires_at"],
        },
    ]
    server.clock.advance(3600)
    assert [t["id"] for t in listed(admin)] == [display["id"], auditor["id"]]


def test_a_revoked_token_is_refused_at_once(client: TestClient) -> None:
    chair = open_meeting(client, 2)
    display = issue(chair, "display", "一号大屏")
    other = issue(chair, "display", "二号大屏")
    assert (
        client.get(f"/api/meetings/{MEETING}", headers=bearer(display["token"])).status_code == 200
    )
    revoked = client.post(f"/api/tokens/{display['id']}/revoke", headers=chair.headers)
    assert revoked.status_code == 200
    assert revoked.json() == {"id": display["id"], "revoked": True}
    refused = client.get(f"/api/meetings/{MEETING}", headers=bearer(display["token"]))
    assert (refused.status_code, refused.json()) == (401, BAD_TOKEN)
    with client.websocket_connect(f"/ws/meetings/{MEETING}/watch") as ws:
        ws.send_json({"type": "hello", "token": display["token"]})
        assert ws.receive_json()["error"] == "bad-token"
    assert [t["id"] for t in listed(chair)] == [other["id"]]
    assert client.get(f"/api/meetings/{MEETING}", headers=bearer(other["token"])).status_code == 200


def test_revoking_an_unknown_token_or_a_session_changes_nothing(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    session_id = hashlib.sha256(admin.headers["Authorization"][7:].encode()).hexdigest()
    for token_id in ("0" * 64, session_id):
        refused = client.post(f"/api/tokens/{token_id}/revoke", headers=admin.headers)
        assert refused.status_code == 404
        assert refused.json() == {
            "error": "unknown-token",
            "message": "该令牌不存在或已撤销",
            "message_en": f"no display or auditor token {token_id}",
        }
    assert client.get("/api/meetings", headers=admin.headers).status_code == 200


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    chair = open_meeting(client, 2)
    other = Staff.login(client, "admin", "admin-password-1")
    before = digest(client)
    response = client.post("/api/logout", headers=chair.headers)
    assert response.status_code == 200
    assert response.json() == {"logged_out": True}
    refused = client.get(f"/api/meetings/{MEETING}", headers=chair.headers)
    assert (refused.status_code, refused.json()) == (401, BAD_TOKEN)
    again = client.post("/api/logout", headers=chair.headers)
    assert (again.status_code, again.json()) == (401, BAD_TOKEN)
    assert client.get(f"/api/meetings/{MEETING}", headers=other.headers).status_code == 200
    assert digest(client).log_size == before.log_size  # the meeting's log is untouched
