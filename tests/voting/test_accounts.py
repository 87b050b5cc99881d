"""Accounts, logins and tokens: who gets in, for how long, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.conftest import ADMIN, Server
from tests.voting.sitting import MEETING, Staff, bootstrap_admin, open_meeting
from voting.passwords import LoginThrottle


@dataclass
class Monotonic:
    """A stand-in for ``time.monotonic``, moved by hand."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/login", json={"username": username, "password": password})


def new_account(admin: Staff, username: str, role: str, password: str) -> Any:
    return admin.client.post(
        "/api/accounts",
        json={"username": username, "role": role, "password": password},
        headers=admin.headers,
    )


def issue_token(staff: Staff, role: str) -> str:
    response = staff.client.post(
        "/api/tokens", json={"role": role, "label": "一号大屏"}, headers=staff.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == role
    token: str = response.json()["token"]
    return token


BAD_LOGIN = {
    "error": "bad-login",
    "message": "用户名或密码错误",
    "message_en": "wrong username or password",
}
BAD_TOKEN = {
    "error": "bad-token",
    "message": "登录已失效，请重新登录",
    "message_en": "invalid or expired token",
}


# Logging in ------------------------------------------------------------------------------------


def test_login_returns_a_bearer_token(client: TestClient) -> None:
    bootstrap_admin(client)
    response = login(client, *ADMIN)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "role", "username"}
    assert (body["role"], body["username"]) == ("admin", "admin")
    listed = client.get("/api/meetings", headers={"Authorization": f"Bearer {body['token']}"})
    assert listed.status_code == 200
    assert listed.json() == {"meetings": []}


@pytest.mark.parametrize(
    ("username", "password"), [("admin", "wrong-password"), ("nobody", "admin-password-1")]
)
def test_a_wrong_password_or_unknown_user_is_refused_alike(
    client: TestClient, username: str, password: str
) -> None:
    bootstrap_admin(client)
    response = login(client, username, password)
    assert response.status_code == 401
    assert response.json() == BAD_LOGIN


def test_a_malformed_login_is_a_400(client: TestClient) -> None:
    response = client.post("/api/login", json={"username": "admin"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid-message"
    assert response.json()["message"] == "请求格式错误：password: Field required"


# Throttling ------------------------------------------------------------------------------------


def test_the_throttle_waits_after_five_failures_and_doubles() -> None:
    throttle = LoginThrottle()
    for _ in range(4):
        throttle.failed("admin@10.0.0.5", 100.0)
    assert throttle.wait_time("admin@10.0.0.5", 100.0) == 0.0
    throttle.failed("admin@10.0.0.5", 100.0)
    assert throttle.wait_time("admin@10.0.0.5", 100.0) == 1.0
    assert throttle.wait_time("admin@10.0.0.5", 100.25) == 0.75
    assert throttle.wait_time("admin@10.0.0.5", 101.0) == 0.0
    assert throttle.wait_time("chair@10.0.0.5", 100.0) == 0.0
    throttle.failed("admin@10.0.0.5", 101.0)
    assert throttle.wait_time("admin@10.0.0.5", 101.0) == 2.0
    throttle.failed("admin@10.0.0.5", 103.0)
    assert throttle.wait_time("admin@10.0.0.5", 103.0) == 4.0
    throttle.succeeded("admin@10.0.0.5")
    assert throttle.wait_time("admin@10.0.0.5", 103.0) == 0.0


def test_the_throttle_delay_is_capped() -> None:
    throttle = LoginThrottle(max_delay=300.0)
    for _ in range(30):
        throttle.failed("k", 0.0)
    assert throttle.wait_time("k", 0.0) == 300.0


def test_the_sixth_attempt_within_the_delay_gets_429(client: TestClient) -> None:
    bootstrap_admin(client)
    clock = Monotonic()
    client.app.state.runtime.monotonic = clock  # type: ignore[attr-defined]
    for _ in range(5):
        assert login(client, "admin", "wrong-password").status_code == 401
    clock.now += 0.25
    refused = login(client, *ADMIN)  # even the right password waits
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {
        "error": "too-many-attempts",
        "message": "登录失败次数过多，请1秒后再试",
        "message_en": "too many failed logins; try again in 1 s",
        "details": {"retry_after": 1},
    }

    clock.now += 0.75
    assert login(client, "admin", "wrong-password").status_code == 401  # the 6th failure
    refused = login(client, *ADMIN)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["message"] == "登录失败次数过多，请2秒后再试"

    clock.now += 2
    assert login(client, *ADMIN).status_code == 200
    assert login(client, "admin", "wrong-password").status_code == 401  # the record was cleared


def test_the_throttle_is_per_user_name(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    assert new_account(admin, "chair", "chair", "chair-password").status_code == 200
    client.app.state.runtime.monotonic = Monotonic()  # type: ignore[attr-defined]
    for _ in range(5):
        login(client, "admin", "wrong-password")
    assert login(client, "admin", "wrong-password").status_code == 429
    assert login(client, "chair", "chair-password").status_code == 200


# Accounts --------------------------------------------------------------------------------------


def test_an_admin_creates_accounts_that_can_log_in(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    created = new_account(admin, "op1", "operator", "operator-pass-1")
    assert created.status_code == 200
    assert created.json() == {"username": "op1", "role": "operator", "meetings": []}
    response = login(client, "op1", "operator-pass-1")
    assert response.status_code == 200
    assert response.json()["role"] == "operator"


@pytest.mark.parametrize("role", ["chair", "operator"])
def test_only_an_admin_creates_accounts(client: TestClient, role: str) -> None:
    admin = bootstrap_admin(client)
    new_account(admin, "someone", role, "someone-password")
    staff = Staff.login(client, "someone", "someone-password")
    refused = new_account(staff, "op2", "operator", "operator-pass-2")
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "forbidden",
        "message": "当前角色无权创建账户",
        "message_en": f"role {role} may not do account.create",
    }
    assert login(client, "op2", "operator-pass-2").json() == BAD_LOGIN


def test_a_weak_password_is_refused(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    refused = new_account(admin, "op1", "operator", "short")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "weak-password",
        "message": "密码至少需要8个字符",
        "message_en": "the password needs at least 8 characters",
    }
    assert login(client, "op1", "short").status_code == 401


def test_a_taken_user_name_is_a_conflict(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    refused = new_account(admin, "admin", "operator", "operator-pass-1")
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "account-exists",
        "message": "该用户名已存在",
        "message_en": "account admin exists",
    }


def test_an_unknown_role_is_refused(client: TestClient) -> None:
    admin = bootstrap_admin(client)
    refused = new_account(admin, "d01", "deputy", "deputy-password")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid-message"


# Tokens ----------------------------------------------------------------------------------------


def test_a_session_token_expires_after_twelve_hours(server: Server, client: TestClient) -> None:
    admin = bootstrap_admin(client)
    server.clock.advance(12 * 3600 - 1)
    assert client.get("/api/meetings", headers=admin.headers).status_code == 200
    server.clock.advance(1)
    response = client.get("/api/meetings", headers=admin.headers)
    assert response.status_code == 401
    assert response.json() == BAD_TOKEN


def test_an_unknown_or_missing_token(client: TestClient) -> None:
    response = client.get("/api/meetings", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.json() == BAD_TOKEN
    response = client.get("/api/meetings", headers={"Authorization": "Basic YWRtaW46eA=="})
    assert response.status_code == 401
    assert response.json() == {
        "error": "not-logged-in",
        "message": "请先登录",
        "message_en": "authentication required",
    }


def test_a_display_token_reads_the_meeting_but_opens_no_poll(
    server: Server, client: TestClient
) -> None:
    chair = open_meeting(client, 3)
    chair.call("PUT", "/agenda", {"items": [{"item": "a", "title": "议案", "kind": "motion"}]})
    for deputy in ("d01", "d02", "d03"):
        chair.post(f"/deputies/{deputy}/sign-in")
    display = Staff(client, issue_token(chair, "display"))
    server.clock.advance(23 * 3600)  # display tokens outlive a login session (24 h by default)
    state = display.state()
    assert "roster" not in state
    assert state["attendance"] == {"electorate": 3, "present": 3, "leave": 0, "quorum_met": True}
    assert state["status"] == "open"
    refused = display.post("/polls", {"item": "a", "definition": {"kind": "motion"}}, status=403)
    assert refused == {
        "error": "forbidden",
        "message": "当前角色无权主持表决",
        "message_en": "role display may not do poll",
    }
    refused = display.post("/deputies/d01/sign-out", status=403)
    assert refused["message"] == "当前角色无权登记出席"
    response = client.post(
        "/api/tokens", json={"role": "display", "label": "x"}, headers=display.headers
    )
    assert response.status_code == 403
    entries = client.get(f"/api/meetings/{MEETING}/log/entries", headers=display.headers)
    assert entries.status_code == 403
    assert entries.json()["message"] == "当前角色无权读取审计日志"


def test_an_auditor_token_reads_the_log(client: TestClient) -> None:
    chair = open_meeting(client, 2)
    auditor = issue_token(chair, "auditor")
    response = client.get(
        f"/api/meetings/{MEETING}/log/entries", headers={"Authorization": f"Bearer {auditor}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    lines = response.content.splitlines()
    assert len(lines) == 1
    assert b'"type":"meeting_opened"' in lines[0]
