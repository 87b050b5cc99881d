"""Many meetings on one server: each account runs only the meetings granted to it.

The server of a county congress office: town A's session, town B's session and the county
congress, each with its own log and origin. Town A's chair runs only A's meeting, town B's
chair only B's, and the county office's account runs every meeting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.voting.conftest import Clock, Server
from tests.voting.ledger import digest
from tests.voting.sitting import Staff, bootstrap_admin, roster
from voting.http import ENDPOINTS

TOWN_A = "a-17-3"
TOWN_B = "b-17-3"
COUNTY = "county-16-5"
MEETINGS = {
    TOWN_A: ("town-a.congress.local/17-3", "甲镇第十七届人民代表大会第三次会议"),
    TOWN_B: ("town-b.congress.local/17-3", "乙镇第十七届人民代表大会第三次会议"),
    COUNTY: ("county.congress.local/16-5", "县第十六届人民代表大会第五次会议"),
}


def not_permitted(meeting: str) -> dict[str, str]:
    return {
        "error": "meeting-not-permitted",
        "message": f"您的账户无权管理会议 {meeting}",
        "message_en": f"your account may not act on meeting {meeting}",
    }


@dataclass
class County:
    client: TestClient
    admin: Staff
    accounts: dict[str, Staff]

    def as_(self, name: str) -> Staff:
        return self.admin if name == "admin" else self.accounts[name]

    def get(self, name: str, path: str) -> Any:
        return self.client.get(path, headers=self.as_(name).headers)


def summary(meeting: str) -> dict[str, str]:
    origin, title = MEETINGS[meeting]
    return {
        "meeting": meeting,
        "origin": origin,
        "title": title,
        "date": "2026-03-01",
        "status": "open",
    }


def new_account(admin: Staff, username: str, role: str, meetings: Any) -> Staff:
    password = f"{username}-password"
    body = {"username": username, "role": role, "password": password, "meetings": meetings}
    created = admin.client.post("/api/accounts", json=body, headers=admin.headers)
    assert created.status_code == 200, created.text
    assert created.json() == {"username": username, "role": role, "meetings": meetings}
    return Staff.login(admin.client, username, password)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """The three meetings open, each with two deputies; accounts ``chair-a`` (A's meeting),
    ``chair-b`` (B's) and ``office`` (every meeting)."""
    server = Server(tmp_path_factory.mktemp("county") / "congress.sqlite", Clock())
    with server.client() as client:
        admin = bootstrap_admin(client)
        for meeting, (origin, title) in MEETINGS.items():
            body = {"meeting": meeting, "origin": origin, "title": title, "date": "2026-03-01"}
            assert client.post("/api/meetings", json=body, headers=admin.headers).status_code == 200
            path = f"/api/meetings/{meeting}"
            client.put(f"{path}/roster", json=roster(2), headers=admin.headers)
            assert client.post(f"{path}/open", headers=admin.headers).status_code == 200
        accounts = {
            "chair-a": new_account(admin, "chair-a", "chair", [TOWN_A]),
            "chair-b": new_account(admin, "chair-b", "chair", [TOWN_B]),
            "office": new_account(admin, "office", "chair", "all"),
        }
        yield County(client, admin, accounts)


# Listing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "meetings"),
    [
        ("chair-a", [TOWN_A]),
        ("chair-b", [TOWN_B]),
        ("office", [TOWN_A, TOWN_B, COUNTY]),
        ("admin", [TOWN_A, TOWN_B, COUNTY]),
    ],
)
def test_each_account_lists_only_its_meetings(
    county: County, account: str, meetings: list[str]
) -> None:
    listed = county.get(account, "/api/meetings")
    assert listed.status_code == 200
    assert listed.json() == {"meetings": [summary(m) for m in sorted(meetings)]}


def test_the_county_account_reads_every_meeting(county: County) -> None:
    for meeting in MEETINGS:
        answer = county.get("office", f"/api/meetings/{meeting}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["origin"] == MEETINGS[meeting][0]


def test_an_admin_lists_the_accounts_with_their_meetings(county: County) -> None:
    listed = county.get("admin", "/api/accounts")
    assert listed.status_code == 200
    assert listed.json() == {
        "accounts": [
            {"username": "admin", "role": "admin", "meetings": "all"},
            {"username": "chair-a", "role": "chair", "meetings": [TOWN_A]},
            {"username": "chair-b", "role": "chair", "meetings": [TOWN_B]},
            {"username": "office", "role": "chair", "meetings": "all"},
        ]
    }


def test_a_chair_sees_who_may_run_its_meeting(county: County) -> None:
    answer = county.get("chair-a", f"/api/meetings/{TOWN_A}/accounts")
    assert answer.status_code == 200
    assert answer.json() == {
        "meeting": TOWN_A,
        "accounts": [
            {"username": "admin", "role": "admin"},
            {"username": "chair-a", "role": "chair"},
            {"username": "office", "role": "chair"},
        ],
    }


# Every route of another town's meeting -------------------------------------------------------


def meeting_routes() -> list[Any]:
    """Every route that needs a token and names a meeting, from the route table itself."""
    return [
        pytest.param(spec.method, spec.path, id=f"{spec.method} {spec.path}")
        for spec in ENDPOINTS
        if "{meeting}" in spec.path and spec.permission is not None
    ]


def test_the_walk_finds_the_routes_of_a_meeting() -> None:
    # Of the 79 routes, 69 name a meeting; 19 of those are public (checkpoints, proofs, notices,
    # documents, pairing, the stations' posts, the ceremony board and the write-in mix).
    assert len(meeting_routes()) == 50


@pytest.mark.parametrize(("method", "template"), meeting_routes())
def test_town_a_may_not_act_on_town_b(county: County, method: str, template: str) -> None:
    params = {name: "x1" for name in re.findall(r"{(\w+)}", template)}
    path = template.format(**{**params, "meeting": TOWN_B})
    before = digest(county.client, TOWN_B)
    response = county.client.request(
        method, path, json={}, headers=county.accounts["chair-a"].headers
    )
    assert (response.status_code, response.json()) == (403, not_permitted(TOWN_B))
    assert digest(county.client, TOWN_B) == before


def test_a_meeting_that_does_not_exist_is_refused_alike(county: County) -> None:
    response = county.get("chair-a", "/api/meetings/nowhere")
    assert (response.status_code, response.json()) == (403, not_permitted("nowhere"))
    found = county.get("office", "/api/meetings/nowhere")
    assert (found.status_code, found.json()["error"]) == (404, "unknown-meeting")


def watch(client: TestClient, meeting: str, token: str) -> dict[str, Any]:
    with client.websocket_connect(f"/ws/meetings/{meeting}/watch") as ws:
        ws.send_json({"type": "hello", "token": token})
        reply: dict[str, Any] = ws.receive_json()
        if reply["type"] == "error":
            assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    return reply


def token_of(staff: Staff) -> str:
    return staff.headers["Authorization"].removeprefix("Bearer ")


def test_town_a_may_not_watch_town_b_on_the_console_socket(county: County) -> None:
    token = token_of(county.accounts["chair-a"])
    refused = watch(county.client, TOWN_B, token)
    assert refused == {"type": "error", "id": None, **not_permitted(TOWN_B)}
    assert watch(county.client, TOWN_A, token)["type"] == "welcome"


# Changes of scope --------------------------------------------------------------------------------


def set_meetings(county: County, username: str, meetings: Any) -> Any:
    return county.client.put(
        f"/api/accounts/{username}/meetings",
        json={"meetings": meetings},
        headers=county.admin.headers,
    )


def test_a_scope_change_takes_effect_on_the_next_request(county: County) -> None:
    chair = county.accounts["chair-b"]
    changed = set_meetings(county, "chair-b", [TOWN_B, COUNTY])
    try:
        assert changed.status_code == 200
        assert changed.json() == {
            "username": "chair-b",
            "role": "chair",
            "meetings": [TOWN_B, COUNTY],
        }
        assert county.get("chair-b", f"/api/meetings/{COUNTY}").status_code == 200
        assert county.client.get("/api/meetings", headers=chair.headers).json() == {
            "meetings": [summary(TOWN_B), summary(COUNTY)]
        }
        assert set_meetings(county, "chair-b", []).json()["meetings"] == []
        refused = county.get("chair-b", f"/api/meetings/{TOWN_B}")
        assert (refused.status_code, refused.json()) == (403, not_permitted(TOWN_B))
        assert county.get("chair-b", "/api/meetings").json() == {"meetings": []}
    finally:
        assert set_meetings(county, "chair-b", [TOWN_B]).status_code == 200


def test_refused_scope_changes_change_nothing(county: County) -> None:
    before = digest(county.client, TOWN_A)
    unknown = set_meetings(county, "chair-a", [TOWN_A, "nowhere"])
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown-meeting")
    nobody = set_meetings(county, "nobody", "all")
    assert (nobody.status_code, nobody.json()) == (
        404,
        {
            "error": "unknown-account",
            "message": "账户 nobody 不存在",
            "message_en": "no account nobody",
        },
    )
    admin = set_meetings(county, "admin", [TOWN_A])
    assert (admin.status_code, admin.json()["error"]) == (400, "admin-scope")
    bad = set_meetings(county, "chair-a", "some")
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid-message")
    by_chair = county.client.put(
        "/api/accounts/chair-a/meetings",
        json={"meetings": "all"},
        headers=county.accounts["chair-a"].headers,
    )
    assert (by_chair.status_code, by_chair.json()["error"]) == (403, "forbidden")
    unknown_on_create = county.client.post(
        "/api/accounts",
        json={"username": "x", "role": "chair", "password": "x-password", "meetings": ["zz"]},
        headers=county.admin.headers,
    )
    assert (unknown_on_create.status_code, unknown_on_create.json()["error"]) == (
        404,
        "unknown-meeting",
    )
    assert digest(county.client, TOWN_A) == before


# Read-only tokens --------------------------------------------------------------------------------


def issue(county: County, name: str, **body: Any) -> Any:
    return county.client.post(
        "/api/tokens",
        json={"role": "display", "label": "大屏", **body},
        headers=county.as_(name).headers,
    )


def test_a_scoped_chairs_display_token_sees_only_its_meetings(county: County) -> None:
    issued = issue(county, "chair-a")
    assert issued.status_code == 200
    display = Staff(county.client, issued.json()["token"])
    assert county.client.get("/api/meetings", headers=display.headers).json() == {
        "meetings": [summary(TOWN_A)]
    }
    refused = county.client.get(f"/api/meetings/{TOWN_B}", headers=display.headers)
    assert (refused.status_code, refused.json()) == (403, not_permitted(TOWN_B))
    assert watch(county.client, TOWN_B, issued.json()["token"]) == {
        "type": "error",
        "id": None,
        **not_permitted(TOWN_B),
    }
    assert watch(county.client, TOWN_A, issued.json()["token"])["type"] == "welcome"
    # Town B's chair neither sees nor revokes it; town A's chair does.
    listed_b = county.get("chair-b", "/api/tokens").json()["tokens"]
    assert issued.json()["id"] not in [t["id"] for t in listed_b]
    revoke = f"/api/tokens/{issued.json()['id']}/revoke"
    by_b = county.client.post(revoke, headers=county.accounts["chair-b"].headers)
    assert (by_b.status_code, by_b.json()["error"]) == (404, "unknown-token")
    listed_a = county.get("chair-a", "/api/tokens").json()["tokens"]
    assert issued.json()["id"] in [t["id"] for t in listed_a]


def test_a_token_for_one_meeting_reads_only_that_one(county: County) -> None:
    issued = issue(county, "office", meeting=COUNTY)
    assert issued.status_code == 200
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    assert county.client.get("/api/meetings", headers=headers).json() == {
        "meetings": [summary(COUNTY)]
    }
    assert county.client.get(f"/api/meetings/{TOWN_A}", headers=headers).status_code == 403


def test_a_token_never_reads_more_than_its_issuer(county: County) -> None:
    outside = issue(county, "chair-a", meeting=TOWN_B)
    assert (outside.status_code, outside.json()) == (403, not_permitted(TOWN_B))
    issued = issue(county, "chair-a")
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    try:
        assert set_meetings(county, "chair-a", [TOWN_B]).status_code == 200
        # Its issuer no longer runs A's meeting, and the token never read B's.
        assert county.client.get("/api/meetings", headers=headers).json() == {"meetings": []}
        assert county.client.get(f"/api/meetings/{TOWN_A}", headers=headers).status_code == 403
    finally:
        assert set_meetings(county, "chair-a", [TOWN_A]).status_code == 200
    assert county.client.get("/api/meetings", headers=headers).json() == {
        "meetings": [summary(TOWN_A)]
    }


# Creating a meeting ------------------------------------------------------------------------------


def test_creating_a_meeting_grants_it_to_its_creator(county: County) -> None:
    chair = county.accounts["chair-a"]
    body = {"meeting": "a-17-4", "origin": "town-a.congress.local/17-4", "title": "甲镇第四次会议"}
    created = county.client.post(
        "/api/meetings", json={**body, "date": "2026-09-01"}, headers=chair.headers
    )
    assert created.status_code == 200, created.text
    listed = county.client.get("/api/meetings", headers=chair.headers).json()["meetings"]
    assert [m["meeting"] for m in listed] == [TOWN_A, "a-17-4"]
    assert county.get("chair-a", "/api/meetings/a-17-4").json()["status"] == "draft"
    refused = county.get("chair-b", "/api/meetings/a-17-4")
    assert (refused.status_code, refused.json()) == (403, not_permitted("a-17-4"))
    accounts = county.get("admin", "/api/accounts").json()["accounts"]
    assert {"username": "chair-a", "role": "chair", "meetings": [TOWN_A, "a-17-4"]} in accounts
