"""Who may do what: every HTTP route and every WebSocket command, tried by every role.

The expected answers are written out here by hand from the role descriptions (``voting/auth.py``
and ``docs/protocol.md`` §2, §4, §7), not computed from the server's permission table, so a
change of a permission shows up as a failing case. Roles:

- ``none``: no credentials at all;
- ``deputy``: a paired tablet. It has no bearer token (on HTTP it is ``none``); on the tablet
  WebSocket it signs its messages with its device key;
- ``display``, ``auditor``: read-only tokens; ``operator``, ``chair``, ``admin``: accounts.

A refused HTTP call answers 401 ``not-logged-in`` (no token) or 403 ``forbidden`` with the
error JSON, and writes nothing anywhere in the database. A refused WebSocket hello is one
``error`` and close 1008; a tablet command from someone without the device key is refused by
its signature (``bad-signature``). An allowed
call must get past authentication: it is answered, or refused for a reason that is not about
who is calling (an unknown meeting, a malformed body, the state of the meeting). To keep one
shared meeting for all cases, allowed calls that would change something are made on a meeting
that does not exist, or with a malformed body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from audit.tablet import sign_tablet_body
from devices.tablet import Tablet
from tests.voting.conftest import ORIGIN, Clock, Server
from tests.voting.ledger import digest
from tests.voting.project_sitting import PROJECT
from tests.voting.sitting import MEETING, Staff, TabletSession, open_meeting, pair, roster
from voting.http import ENDPOINTS

ROLES = ("none", "deputy", "display", "auditor", "operator", "chair", "admin")
EVERYONE = frozenset(ROLES)
# The role groups of docs/protocol.md §2, written out.
ADMIN = frozenset({"admin"})
STAFF = frozenset({"admin", "chair"})
OPERATORS = frozenset({"admin", "chair", "operator"})
READERS = frozenset({"admin", "chair", "operator", "display", "auditor"})
LOG_READERS = frozenset({"admin", "chair", "auditor"})

#: Codes that say "not you": a refusal of the caller, not of the request.
REFUSALS = {
    "not-logged-in",
    "bad-token",
    "forbidden",
    "unknown-device",
    "device-revoked",
    "bad-signature",
    "wrong-deputy",
}

DRAFT = "m2"  # a draft meeting, for the roster and opening
NOWHERE = "nowhere"  # a meeting that does not exist


@dataclass(frozen=True)
class Route:
    """One HTTP route: who may call it, a real call (refused for everyone else), and for those
    allowed a call that changes nothing."""

    allowed: frozenset[str]
    path: dict[str, str] = field(default_factory=dict)
    body: Any = None
    query: str = ""
    harmless_path: dict[str, str] | None = None  # default: the same (a read)
    harmless_body: Any = None
    # Allowed callers use a token of their own made for the call (logging out ends it).
    own_token: bool = False


M1 = {"meeting": MEETING}
NEW_ACCOUNT = {"username": "newop", "role": "operator", "password": "password-1234"}
NEW_MEETING = {"meeting": "m9", "origin": "x.local/9", "title": "新会议", "date": "2026-03-02"}
MANUAL = {
    "issued": 3,
    "ballots": {"cast": 3, "valid": 3, "void": 0},
    "counts": {"for": 3, "against": 0, "abstain": 0},
    "confirmed_by": ["监票人"],
}


def on(*, deputy: str = "", item: str = "", poll: str = "", meeting: str = MEETING) -> Any:
    params = {"meeting": meeting}
    for name, value in (("deputy", deputy), ("item", item), ("poll", poll)):
        if value:
            params[name] = value
    return params


def nowhere(**names: str) -> dict[str, str]:
    return on(meeting=NOWHERE, **names)


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/api/login"): Route(EVERYONE, body={}, harmless_body={}),
    ("POST", "/api/accounts"): Route(ADMIN, body=NEW_ACCOUNT, harmless_body={}),
    ("GET", "/api/accounts"): Route(ADMIN),
    ("PUT", "/api/accounts/{username}/meetings"): Route(
        ADMIN, {"username": "op"}, {"meetings": "all"}, harmless_body={}
    ),
    ("POST", "/api/logout"): Route(READERS, own_token=True),
    ("POST", "/api/tokens"): Route(
        STAFF, body={"role": "display", "label": "大屏"}, harmless_body={}
    ),
    ("GET", "/api/tokens"): Route(STAFF),
    ("POST", "/api/tokens/{token_id}/revoke"): Route(STAFF, {"token_id": "0" * 64}),
    ("GET", "/api/meetings"): Route(READERS),
    ("POST", "/api/meetings"): Route(STAFF, body=NEW_MEETING, harmless_body={}),
    ("GET", "/api/meetings/{meeting}"): Route(READERS, M1),
    ("GET", "/api/meetings/{meeting}/accounts"): Route(STAFF, M1),
    ("PUT", "/api/meetings/{meeting}/roster"): Route(
        OPERATORS, {"meeting": DRAFT}, roster(2), harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/open"): Route(
        STAFF, {"meeting": DRAFT}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/close"): Route(STAFF, M1, harmless_path=nowhere()),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/status"): Route(
        STAFF, on(deputy="d06"), {"status": "suspended"}, harmless_path=nowhere(deputy="d06")
    ),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/sign-in"): Route(
        OPERATORS, on(deputy="d06"), harmless_path=nowhere(deputy="d06")
    ),
    ("POST", "/api/meetings/{meeting}/attendance/sign-in"): Route(
        OPERATORS, M1, {"deputies": ["d06"]}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/sign-out"): Route(
        OPERATORS, on(deputy="d01"), harmless_path=nowhere(deputy="d01")
    ),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/leave"): Route(
        OPERATORS, on(deputy="d06"), {"leave": True}, harmless_path=nowhere(deputy="d06")
    ),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/pairing-code"): Route(
        OPERATORS, on(deputy="d06"), harmless_path=nowhere(deputy="d06")
    ),
    ("POST", "/api/meetings/{meeting}/deputies/{deputy}/revoke-device"): Route(
        OPERATORS, on(deputy="d01"), harmless_path=nowhere(deputy="d01")
    ),
    ("GET", "/api/meetings/{meeting}/deputies/{deputy}/pairing-card"): Route(
        OPERATORS, on(deputy="d06"), harmless_path=nowhere(deputy="d06")
    ),
    ("GET", "/api/meetings/{meeting}/pairing-cards"): Route(OPERATORS, M1, harmless_path=nowhere()),
    ("GET", "/api/meetings/{meeting}/devices"): Route(OPERATORS, M1),
    ("POST", "/api/meetings/{meeting}/pair"): Route(EVERYONE, M1, {}, harmless_body={}),
    ("PUT", "/api/meetings/{meeting}/agenda"): Route(
        STAFF,
        M1,
        {"items": [{"item": "a", "title": "议案", "kind": "motion"}]},
        harmless_path=nowhere(),
    ),
    ("POST", "/api/meetings/{meeting}/items/{item}/current"): Route(
        STAFF, on(item="b"), harmless_path=nowhere(item="b")
    ),
    ("POST", "/api/meetings/{meeting}/items/{item}/withdraw"): Route(
        STAFF, on(item="b"), {"reason": "撤回"}, harmless_path=nowhere(item="b")
    ),
    ("POST", "/api/meetings/{meeting}/items/{item}/oath"): Route(
        STAFF,
        on(item="b"),
        {"led_by": "赵敏", "sworn": ["王建国"]},
        harmless_path=nowhere(item="b"),
    ),
    ("POST", "/api/meetings/{meeting}/items/{item}/documents"): Route(
        STAFF, on(item="b"), harmless_path=nowhere(item="b")
    ),
    ("GET", "/api/meetings/{meeting}/documents/{sha256}"): Route(
        EVERYONE, {"meeting": MEETING, "sha256": "0" * 64}
    ),
    ("POST", "/api/meetings/{meeting}/floor/grant"): Route(
        STAFF, M1, {"minutes": 5}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/floor/end"): Route(STAFF, M1, harmless_path=nowhere()),
    ("GET", "/api/meetings/{meeting}/absences"): Route(OPERATORS, M1),
    ("POST", "/api/meetings/{meeting}/notices"): Route(
        STAFF, M1, {"kind": "result", "poll": "p1"}, harmless_path=nowhere()
    ),
    ("GET", "/api/meetings/{meeting}/notices"): Route(EVERYONE, M1),
    ("GET", "/api/meetings/{meeting}/notices/{number}"): Route(
        EVERYONE, {"meeting": MEETING, "number": "1"}
    ),
    ("POST", "/api/meetings/{meeting}/polls"): Route(
        STAFF,
        M1,
        {"item": "b", "definition": {"kind": "motion"}},
        harmless_path=nowhere(),
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/close"): Route(
        STAFF, on(poll="p1"), harmless_path=nowhere(poll="p1")
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result"): Route(
        STAFF, on(poll="p1"), MANUAL, harmless_path=nowhere(poll="p1")
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/announce"): Route(
        STAFF, on(poll="p1"), harmless_path=nowhere(poll="p1")
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/runoff"): Route(
        STAFF, on(poll="p1"), harmless_path=nowhere(poll="p1")
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/further"): Route(
        STAFF, on(poll="p1"), harmless_path=nowhere(poll="p1")
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/confirm"): Route(
        STAFF,
        on(poll="p1"),
        {"decision": "主席团第一次会议决定", "by": ["赵敏"]},
        harmless_path=nowhere(poll="p1"),
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/void"): Route(
        STAFF, on(poll="p1"), {"reason": "重新表决"}, harmless_path=nowhere(poll="p1")
    ),
    ("GET", "/api/meetings/{meeting}/polls"): Route(READERS, M1),
    ("GET", "/api/meetings/{meeting}/proposals"): Route(READERS, M1),
    ("POST", "/api/meetings/{meeting}/proposals/{proposal}/decision"): Route(
        STAFF,
        {**M1, "proposal": "0" * 64},
        {"decision": "agenda", "reference": "主席团第二次会议决定"},
        harmless_path={"meeting": NOWHERE, "proposal": "0" * 64},
    ),
    ("POST", "/api/meetings/{meeting}/proposals/{proposal}/answer"): Route(
        STAFF,
        {**M1, "proposal": "0" * 64},
        {"unit": "镇交通办", "deadline": "2026-06-30", "answer": "已办理"},
        harmless_path={"meeting": NOWHERE, "proposal": "0" * 64},
    ),
    ("GET", "/api/meetings/{meeting}/projects"): Route(READERS, M1),
    ("GET", "/api/meetings/{meeting}/projects/report"): Route(READERS, M1),
    ("GET", "/api/meetings/{meeting}/projects/report.csv"): Route(READERS, M1),
    ("POST", "/api/meetings/{meeting}/projects"): Route(
        STAFF, M1, PROJECT, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/projects/{project}/withdraw"): Route(
        STAFF,
        {**M1, "project": "P1"},
        {"reason": "撤回"},
        harmless_path={"meeting": NOWHERE, "project": "P1"},
    ),
    ("POST", "/api/meetings/{meeting}/projects/selection-poll"): Route(
        STAFF, M1, {"item": "b", "seats": 1, "mode": "manual"}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/projects/evaluation-poll"): Route(
        STAFF, M1, {"item": "b", "mode": "manual"}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/projects/supervisors"): Route(
        STAFF,
        M1,
        {"adopted_in": MEETING, "project": "P1", "deputies": ["d01"]},
        harmless_path=nowhere(),
    ),
    ("POST", "/api/meetings/{meeting}/projects/milestones"): Route(
        STAFF,
        M1,
        {
            "adopted_in": MEETING,
            "project": "P1",
            "date": "2026-05-01",
            "text": "开工",
            "percent": 5,
        },
        harmless_path=nowhere(),
    ),
    ("GET", "/api/meetings/{meeting}/log/checkpoint"): Route(EVERYONE, M1),
    ("GET", "/api/meetings/{meeting}/log/checkpoint.svg"): Route(EVERYONE, M1),
    ("GET", "/api/meetings/{meeting}/log/checkpoints"): Route(EVERYONE, M1, query="?after=0"),
    ("GET", "/api/meetings/{meeting}/log/checkpoints/{size}"): Route(
        EVERYONE, {"meeting": MEETING, "size": "1"}
    ),
    ("GET", "/api/meetings/{meeting}/log/proof/inclusion"): Route(EVERYONE, M1, query="?seq=0"),
    ("GET", "/api/meetings/{meeting}/log/proof/consistency"): Route(EVERYONE, M1, query="?from=1"),
    ("GET", "/api/meetings/{meeting}/log/encrypted-ballots/{tracking_code}"): Route(
        EVERYONE, {"meeting": MEETING, "tracking_code": "AAAA-AAAA-AAAA-AAAA"}
    ),
    ("GET", "/api/meetings/{meeting}/log/entries"): Route(LOG_READERS, M1),
    # No token: decryption shares authenticate themselves by their proofs (p1 is not
    # encrypted, so a well-formed set is refused without writing anything).
    ("POST", "/api/meetings/{meeting}/polls/{poll}/decryption-shares"): Route(
        EVERYONE,
        on(poll="p1"),
        {
            "scrutineer": 1,
            "checkpoint": "x\n1\nroot\n",
            "aggregate": "0" * 64,
            "shares": ["A" * 130],
        },
    ),
    # The key ceremony: stations have no token, they sign what they post; the board is public.
    ("POST", "/api/meetings/{meeting}/scrutineers/{deputy}/station-code"): Route(
        OPERATORS, on(deputy="d01"), harmless_path=nowhere(deputy="d01")
    ),
    ("POST", "/api/meetings/{meeting}/stations/pair"): Route(EVERYONE, M1, {}, harmless_body={}),
    ("POST", "/api/meetings/{meeting}/ceremony/start"): Route(
        STAFF, M1, {}, harmless_path=nowhere()
    ),
    ("GET", "/api/meetings/{meeting}/ceremony"): Route(EVERYONE, M1),
    ("POST", "/api/meetings/{meeting}/ceremony/messages"): Route(
        EVERYONE, M1, {}, harmless_body={}
    ),
    ("GET", "/api/meetings/{meeting}/ceremony/progress"): Route(READERS, M1),
    ("POST", "/api/meetings/{meeting}/liveness/challenge"): Route(
        STAFF, M1, {"poll": "p1"}, harmless_path=nowhere()
    ),
    ("POST", "/api/meetings/{meeting}/liveness/answers"): Route(EVERYONE, M1, {}, harmless_body={}),
    # The write-in mix: the board is public, stations sign their posts (p1 is not encrypted).
    ("GET", "/api/meetings/{meeting}/polls/{poll}/mix"): Route(EVERYONE, on(poll="p1")),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/shuffles"): Route(
        EVERYONE, on(poll="p1"), {}, harmless_body={}
    ),
    ("POST", "/api/meetings/{meeting}/polls/{poll}/write-in-shares"): Route(
        EVERYONE, on(poll="p1"), {}, harmless_body={}
    ),
}

# WebSocket commands. On the tablet channel the hello is signed with the device key over the
# server's challenge: only the deputy's own tablet opens it; every command that changes
# something is signed with the device key too.
SOCKET_COMMANDS: dict[tuple[str, str], frozenset[str]] = {
    ("tablet", "hello"): frozenset({"deputy"}),
    ("tablet", "ping"): frozenset({"deputy"}),
    ("tablet", "sign_in"): frozenset({"deputy"}),
    ("tablet", "vote"): frozenset({"deputy"}),
    ("tablet", "encrypted_ballot"): frozenset({"deputy"}),
    ("watch", "hello"): READERS,
    ("watch", "ping"): READERS,
}


@dataclass
class Meeting:
    client: TestClient
    chair: Staff
    tokens: dict[str, str]
    tablets: dict[str, Tablet]


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Meeting]:
    """m1 open with 6 deputies, d01–d04 paired, d01–d03 and d05 signed in, named poll p1 open on item a
    (d01 has voted); m2 a draft; accounts of every kind and read-only tokens."""
    server = Server(tmp_path_factory.mktemp("authorisation") / "congress.sqlite", Clock())
    with server.client() as client:
        chair = open_meeting(client, 6)
        agenda = [
            {"item": "a", "title": "议案一", "kind": "motion"},
            {"item": "b", "title": "议案二", "kind": "motion"},
        ]
        chair.call("PUT", "/agenda", {"items": agenda})
        tablets = {d: pair(client, chair, d) for d in ("d01", "d02", "d03", "d04")}
        for deputy in ("d01", "d02", "d03", "d05"):
            chair.post(f"/deputies/{deputy}/sign-in")
        chair.post("/polls", {"item": "a", "definition": {"kind": "motion"}, "mode": "named"})
        session = TabletSession(client, tablets["d01"])
        assert session.request(tablets["d01"].named_vote("p1", "for"))["type"] == "ack"
        session.close()
        response = client.post(
            "/api/meetings",
            json={"meeting": DRAFT, "origin": "x.local/2", "title": "草稿", "date": "2026-03-02"},
            headers=chair.headers,
        )
        assert response.status_code == 200, response.text
        tokens = {"admin": chair.headers["Authorization"].removeprefix("Bearer ")}
        for name, role in (("op", "operator"), ("chair2", "chair")):
            password = f"{name}-password-1"
            created = client.post(
                "/api/accounts",
                json={"username": name, "role": role, "password": password, "meetings": "all"},
                headers=chair.headers,
            )
            assert created.status_code == 200, created.text
            login = client.post("/api/login", json={"username": name, "password": password})
            tokens[role] = login.json()["token"]
        for role in ("display", "auditor"):
            issued = client.post(
                "/api/tokens", json={"role": role, "label": role}, headers=chair.headers
            )
            tokens[role] = issued.json()["token"]
        yield Meeting(client, chair, tokens, tablets)


def headers_of(meeting: Meeting, role: str) -> dict[str, str]:
    if role in {"none", "deputy"}:
        return {}
    return {"Authorization": f"Bearer {meeting.tokens[role]}"}


def fresh_token(meeting: Meeting, role: str) -> str:
    """A new token of ``role``, made on the server directly (its row is the only change)."""
    congress = meeting.client.app.state.runtime.congress  # type: ignore[attr-defined]
    if role in {"display", "auditor"}:
        token: str = congress.issue_read_token(role, "own")[0]
        return token
    token = congress.issue_token(role, f"own-{role}", hours=12)
    return token


def http_cases() -> list[Any]:
    return [
        pytest.param(key, role, id=f"{key[0]} {key[1]} as {role}")
        for key in ROUTES
        for role in ROLES
    ]


def socket_cases() -> list[Any]:
    return [
        pytest.param(key, role, id=f"ws {key[0]} {key[1]} as {role}")
        for key in SOCKET_COMMANDS
        for role in ROLES
    ]


def test_the_matrix_covers_every_route() -> None:
    assert set(ROUTES) == {(spec.method, spec.path) for spec in ENDPOINTS}


@pytest.mark.parametrize(("surface", "role"), http_cases() + socket_cases())
def test_authorisation(meeting: Meeting, surface: tuple[str, str], role: str) -> None:
    if surface in ROUTES:
        check_http(meeting, surface, role)
    else:
        check_socket(meeting, surface, role)


def check_http(meeting: Meeting, key: tuple[str, str], role: str) -> None:
    method, template = key
    route = ROUTES[key]
    allowed = role in route.allowed
    params = (route.harmless_path or route.path) if allowed else route.path
    body = route.harmless_body if allowed and route.harmless_body is not None else route.body
    path = template.format(**params) + route.query
    before = digest(meeting.client)
    headers = headers_of(meeting, role)
    if allowed and route.own_token:
        headers = {"Authorization": f"Bearer {fresh_token(meeting, role)}"}
    response = meeting.client.request(method, path, json=body, headers=headers)
    after = digest(meeting.client)
    assert after == before, f"{method} {path} as {role} wrote something"
    if allowed:
        assert response.status_code not in {401, 403}, response.text
        if response.headers["content-type"].split(";")[0] == "application/json":
            answer = response.json()
            assert not (isinstance(answer, dict) and answer.get("error") in REFUSALS), answer
        return
    expected = (401, "not-logged-in") if role in {"none", "deputy"} else (403, "forbidden")
    assert (response.status_code, response.json()["error"]) == expected, response.text
    assert set(response.json()) == {"error", "message", "message_en"}
    if expected[0] == 403:
        assert response.json()["message"].startswith("当前角色无权")


def socket_refused(meeting: Meeting, path: str, hello: dict[str, Any], code: str) -> None:
    before = digest(meeting.client)
    with meeting.client.websocket_connect(path) as ws:
        if path.endswith("/tablet"):
            assert ws.receive_json()["type"] == "challenge"
        ws.send_json(hello)
        reply = ws.receive_json()
        assert (reply["type"], reply["error"]) == ("error", code), reply
        assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    assert digest(meeting.client) == before


def check_socket(meeting: Meeting, key: tuple[str, str], role: str) -> None:
    channel, command = key
    allowed = role in SOCKET_COMMANDS[key]
    path = f"/ws/meetings/{MEETING}/{channel}"
    token = meeting.tokens.get(role)
    if channel == "watch":
        if not allowed:
            # No token (a tablet has none: it may offer its device id instead).
            hello = {"type": "hello"} if role == "none" else {"type": "hello", "token": "tab-d01"}
            socket_refused(
                meeting, path, hello, "invalid-message" if role == "none" else "bad-token"
            )
            return
        with meeting.client.websocket_connect(path) as ws:
            ws.send_json({"type": "hello", "token": token})
            assert ws.receive_json()["type"] == "welcome"
            if command == "ping":
                ws.send_json({"type": "ping", "id": "k"})
                assert ws.receive_json() == {"type": "pong", "id": "k", "seq": seq(meeting)}
        return
    if role != "deputy":
        # Their own credentials do not open the tablet channel.
        hello = {"type": "hello"} if token is None else {"type": "hello", "token": token}
        socket_refused(meeting, path, hello, "invalid-message")
        # A tablet of their own making that names a paired device cannot sign its hello.
        impostor = tablet_for(meeting, role, command)
        with meeting.client.websocket_connect(path) as ws:
            nonce = ws.receive_json()["nonce"]
            before = digest(meeting.client)
            ws.send_json(impostor.hello(nonce))
            assert ws.receive_json()["error"] == "bad-signature"
        assert digest(meeting.client) == before
        return
    tablet = tablet_for(meeting, role, command)
    session = TabletSession(meeting.client, tablet)
    try:
        message = command_message(meeting, tablet, command)
        if message is None:
            return  # the hello itself, answered by a welcome
        before = digest(meeting.client)
        reply = session.request(message)
        if allowed:
            assert reply.get("error") not in REFUSALS, reply
            assert reply["type"] in {"ack", "ballot_ack", "pong", "error"}, reply
        else:
            assert (reply["type"], reply["error"]) == ("error", "bad-signature"), reply
            assert digest(meeting.client) == before
    finally:
        session.close()


def tablet_for(meeting: Meeting, role: str, command: str) -> Tablet:
    """The deputy's own tablet; for anyone else a tablet of their own making (a key of their
    own) that names d03's paired device, whose id is no secret."""
    if role == "deputy":
        # d04 is not signed in yet (its sign_in is taken), d01 has voted.
        deputy = "d04" if command == "sign_in" else "d01"
        return meeting.tablets[deputy]
    impostor = Tablet(
        origin=ORIGIN, device="tab-d03", deputy="d03", key=Ed25519PrivateKey.generate()
    )
    impostor.counter = 1000
    return impostor


def command_message(meeting: Meeting, tablet: Tablet, command: str) -> dict[str, Any] | None:
    if command == "hello":
        return None
    if command == "ping":
        return {"type": "ping"}
    if command == "sign_in":
        return tablet.sign_in()
    if command == "vote":
        return tablet.named_vote("p9", "for")  # no such poll: the shared meeting stays as it is
    assert command == "encrypted_ballot", command
    tablet.counter += 1
    body = {
        "type": "encrypted_ballot",
        "origin": tablet.origin,
        "deputy": tablet.deputy,
        "device": tablet.device,
        "n": tablet.counter,
        "poll": "p1",
        "ballot_hash": "0" * 64,
    }
    sig = sign_tablet_body(tablet.key, body)
    return {"type": "encrypted_ballot", "body": body, "sig": sig, "ballot": {}}


def seq(meeting: Meeting) -> int:
    return digest(meeting.client).log_size
