"""Accounts and sessions: log in and out, create and list accounts and set the meetings they
run, issue, list and revoke read-only tokens (display and auditor).

Password checks run scrypt in a worker thread, never on the event loop, and at most
:data:`LOGIN_SLOTS` at once (each takes 16 MiB and a core for some 40 ms); a login waiting for a
slot checks the throttle only once it has one, so parallel guesses cannot slip past it.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import asdict
from typing import Any

from voting import protocol
from voting.errors import TooManyAttempts, Unauthenticated
from voting.http.answers import (
    AccountCreated,
    AccountList,
    LoggedIn,
    LoggedOut,
    MeetingAccounts,
    TokenIssued,
    TokenList,
    TokenRevoked,
)
from voting.http.endpoints import Call, Endpoints
from voting.runtime import Runtime
from voting.scopes import EVERY_MEETING, Scope

#: Password checks that may run at once.
LOGIN_SLOTS = 2

ROUTES = Endpoints()


def login_slots(call: Call[Any]) -> asyncio.Semaphore:
    """The app's semaphore of password checks (made on first use, in the app's event loop)."""
    state = call.request.app.state
    slots: asyncio.Semaphore | None = getattr(state, "login_slots", None)
    if slots is None:
        slots = state.login_slots = asyncio.Semaphore(LOGIN_SLOTS)
    return slots


def check_throttle(runtime: Runtime, key: str, now: float) -> None:
    """429 ``too-many-attempts`` while ``key`` must wait after failed logins."""
    wait = runtime.throttle.wait_time(key, now)
    if wait > 0:
        seconds = math.ceil(wait)
        raise TooManyAttempts(
            "too-many-attempts",
            f"登录失败次数过多，请{seconds}秒后再试",
            f"too many failed logins; try again in {seconds} s",
            retry_after=seconds,
        )


@ROUTES.route(
    "POST",
    "/api/login",
    permission=None,
    body=protocol.Login,
    answer=LoggedIn,
    summary="登录 / log in",
)
async def login(call: Call[protocol.Login]) -> Any:
    body, runtime = call.body, call.runtime
    key = f"{body.username}@{call.client}"
    async with login_slots(call):
        now = runtime.monotonic()
        check_throttle(runtime, key, now)
        try:
            token, role = await asyncio.to_thread(call.congress.login, body.username, body.password)
        except Unauthenticated:
            runtime.throttle.failed(key, now)
            raise
    runtime.throttle.succeeded(key)
    return {"token": token, "role": role, "username": body.username}


@ROUTES.route(
    "POST",
    "/api/logout",
    permission="logout",
    answer=LoggedOut,
    summary="退出登录（令牌立即失效）/ log out: the token is refused from now on",
)
async def logout(call: Call[None]) -> Any:
    call.congress.logout(call.token)
    return {"logged_out": True}


@ROUTES.route(
    "POST",
    "/api/accounts",
    permission="account.create",
    body=protocol.NewAccount,
    answer=AccountCreated,
    summary="创建账户 / create an account",
)
async def create_account(call: Call[protocol.NewAccount]) -> Any:
    body = call.body
    meetings = Scope.from_json(body.meetings)
    async with login_slots(call):
        await asyncio.to_thread(
            call.congress.create_account, body.username, body.role, body.password, meetings
        )
    scope = EVERY_MEETING if body.role == "admin" else meetings
    return {"username": body.username, "role": body.role, "meetings": scope.to_json()}


@ROUTES.route(
    "GET",
    "/api/accounts",
    permission="account.manage",
    answer=AccountList,
    summary="账户及其可管理的会议 / the accounts, their roles and the meetings they run",
)
async def list_accounts(call: Call[None]) -> Any:
    return {
        "accounts": [
            {"username": row.username, "role": row.role, "meetings": scope.to_json()}
            for row, scope in call.congress.accounts()
        ]
    }


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/accounts",
    permission="account.read",
    answer=MeetingAccounts,
    summary="可管理本会议的账户 / the accounts that may run the meeting",
)
async def meeting_accounts(call: Call[None]) -> Any:
    call.congress.meeting_row(call.meeting)
    return {
        "meeting": call.meeting,
        "accounts": [
            {"username": row.username, "role": row.role}
            for row, scope in call.congress.accounts()
            if scope.permits(call.meeting)
        ],
    }


@ROUTES.route(
    "PUT",
    "/api/accounts/{username}/meetings",
    permission="account.manage",
    body=protocol.AccountMeetings,
    answer=AccountCreated,
    summary="设定账户可管理的会议（全部或列出的会议）/ set the meetings an account runs",
)
async def set_account_meetings(call: Call[protocol.AccountMeetings]) -> Any:
    username = call.params["username"]
    role, scope = call.congress.set_scope(username, Scope.from_json(call.body.meetings))
    return {"username": username, "role": role, "meetings": scope.to_json()}


@ROUTES.route(
    "POST",
    "/api/tokens",
    permission="token.create",
    body=protocol.NewToken,
    answer=TokenIssued,
    summary="签发大屏或审计只读令牌（默认24小时有效）/ issue a display or auditor token",
)
async def create_token(call: Call[protocol.NewToken]) -> Any:
    body = call.body
    token, listed = call.congress.issue_read_token(
        body.role, body.label, hours=body.hours, issuer=call.principal, meeting=body.meeting
    )
    return {"token": token, **asdict(listed)}


@ROUTES.route(
    "GET",
    "/api/tokens",
    permission="token.revoke",
    answer=TokenList,
    summary="有效的大屏和审计令牌 / the display and auditor tokens still valid",
)
async def list_tokens(call: Call[None]) -> Any:
    assert call.principal is not None
    visible = call.congress.scope_of(call.principal)
    return {"tokens": [asdict(listed) for listed in call.congress.read_tokens(visible)]}


@ROUTES.route(
    "POST",
    "/api/tokens/{token_id}/revoke",
    permission="token.revoke",
    answer=TokenRevoked,
    summary="撤销大屏或审计令牌 / revoke a display or auditor token",
)
async def revoke_token(call: Call[None]) -> Any:
    token_id = call.params["token_id"]
    assert call.principal is not None
    call.congress.revoke_read_token(token_id, call.congress.scope_of(call.principal))
    return {"id": token_id, "revoked": True}
