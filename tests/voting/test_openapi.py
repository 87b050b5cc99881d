"""``/openapi.json``: a valid OpenAPI 3.1 document describing every route of the HTTP API."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route
from starlette.testclient import TestClient

from ballots.crypto.group import Scalar
from ballots.crypto.randomness import SystemRandom
from ballots.crypto.shape import Choice
from devices.scrutineer.mix import MixBoard, shares_fields, shuffle_fields
from devices.scrutineer.simulated import run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing, join_board, liveness_steps, rebuild
from devices.tablet import Tablet
from tests.pdf_samples import tiny_pdf
from tests.voting.ceremony.sitting import ClientTransport
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.encrypted_hall import service_of, shares_of
from tests.voting.project_sitting import PROJECT, adopted_session, paper
from tests.voting.proposal_sitting import draft_and_cosign, submit
from voting.auth import PERMISSIONS
from voting.http import ENDPOINTS
from voting.openapi import openapi_document

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    errors = [str(e.message) for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    assert document == openapi_document()


def test_every_endpoint_is_listed_with_its_method_and_nothing_else(
    document: dict[str, Any],
) -> None:
    listed = operations(document)
    assert set(listed) == {(spec.method, spec.path) for spec in ENDPOINTS}
    assert len(ENDPOINTS) == len(listed)
    for spec in ENDPOINTS:
        operation = listed[(spec.method, spec.path)]
        assert operation["operationId"] == spec.handler.__name__
        assert operation["summary"] == spec.summary


def test_every_api_route_of_the_app_is_in_the_endpoint_table(client: TestClient) -> None:
    served = {
        (method, route.path)
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert served == {(spec.method, spec.path) for spec in ENDPOINTS}


def test_path_parameters_are_declared(document: dict[str, Any]) -> None:
    for (_, path), operation in operations(document).items():
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        expected = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        assert names == expected, path


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    for ref in refs_in(document):
        assert isinstance(resolve(document, ref), dict), ref


def test_request_bodies_match_the_endpoint_table(document: dict[str, Any]) -> None:
    listed = operations(document)
    for spec in ENDPOINTS:
        operation = listed[(spec.method, spec.path)]
        if spec.body is None and spec.handler.__name__ != "put_roster":
            assert "requestBody" not in operation, spec.path
            continue
        body = operation["requestBody"]
        assert body["required"] is True
        ref = body["content"]["application/json"]["schema"]["$ref"]
        name = spec.body.__name__ if spec.body is not None else "Roster"
        assert ref == f"#/components/schemas/{name}"
        schema = resolve(document, ref)
        assert schema["type"] == "object"
        for sub in refs_in(schema):
            assert resolve(document, sub)["type"] == "object", sub


def test_the_roster_may_be_csv(document: dict[str, Any]) -> None:
    content = document["paths"]["/api/meetings/{meeting}/roster"]["put"]["requestBody"]["content"]
    assert content["text/csv"] == {"schema": {"type": "string"}}


def test_protected_endpoints_declare_bearer_auth(document: dict[str, Any]) -> None:
    listed = operations(document)
    public = set()
    for spec in ENDPOINTS:
        operation = listed[(spec.method, spec.path)]
        if spec.permission is None:
            assert "security" not in operation, spec.path
            public.add(spec.handler.__name__)
        else:
            assert spec.permission in PERMISSIONS
            assert operation["security"] == [{"bearer": []}]
            assert {"401", "403"} <= set(operation["responses"]), spec.path
    assert public == {
        "login",
        "pair",
        "checkpoint",
        "checkpoint_qr",
        "checkpoint_list",
        "checkpoint_of_size",
        "inclusion",
        "consistency",
        "encrypted_ballot_by_tracking_code",
        # Decryption shares authenticate themselves by their proofs against the sitting key.
        "decryption_shares",
        "pair_station",
        "ceremony_board",
        "post_message",
        "liveness_answer",
        # The write-in mix: stations sign their posts; the board is public.
        "mix_board",
        "post_shuffle",
        "post_write_in_shares",
        # A document is read by its SHA-256 (tablets have no token), only if the meeting
        # logged it.
        "get_document",
        # Public notices (公告) and the meeting's title, date and log key they are read with.
        "list_notices",
        "get_notice",
    }
    assert document["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer"}
    }


def test_login_documents_the_throttle(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/login"]["post"]["responses"]
    assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def validator_for(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A JSON Schema validator for one component schema, with the document's refs resolvable."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:openapi", resource)
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry
    )


@pytest.mark.parametrize(
    ("name", "body", "valid"),
    [
        ("Login", {"username": "chair", "password": "x"}, True),
        ("Login", {"username": "chair"}, False),
        ("NewAccount", {"username": "op1", "role": "operator", "password": "short"}, False),
        ("NewPoll", {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}, True),
        (
            "NewPoll",
            {"item": "a", "definition": {"kind": "motion"}, "mode": "named", "duration_s": 5},
            False,
        ),
        ("NewPoll", {"item": "a", "definition": {"kind": "motion"}}, False),  # no mode
        ("NewPoll", {"item": "a", "definition": {"kind": "motion"}, "mode": "secret"}, False),
        ("Roster", {"deputies": [{"deputy": "d01", "name": "王建国", "seat": "01"}]}, True),
        ("Roster", {"deputies": [{"deputy": "d 01", "name": "王建国", "seat": "01"}]}, False),
        (
            "ManualResult",
            {
                "issued": 8,
                "ballots": {"cast": 8, "valid": 8, "void": 0},
                "counts": {"for": 8},
                "confirmed_by": ["总监票人 赵敏"],
            },
            True,
        ),
        ("Agenda", {"items": [{"item": "a", "title": "议案", "kind": "speech"}]}, False),
    ],
)
def test_the_schemas_accept_what_the_server_accepts(
    document: dict[str, Any], name: str, body: dict[str, Any], valid: bool
) -> None:
    assert validator_for(document, name).is_valid(body) is valid


# Answers ----------------------------------------------------------------------------------------


def answer_schema(operation: dict[str, Any]) -> dict[str, Any]:
    content = operation["responses"]["200"]["content"]
    assert len(content) == 1
    (media_type,) = content
    schema: dict[str, Any] = content[media_type]["schema"]
    return schema


def test_no_operation_has_an_empty_answer_schema(document: dict[str, Any]) -> None:
    for key, operation in operations(document).items():
        schema = answer_schema(operation)
        assert schema != {}, key
        if "$ref" in schema:
            found = resolve(document, schema["$ref"])
            assert found["type"] == "object", key
            assert found["properties"] and found["required"], key
        else:
            assert schema == {"type": "string"}, key
            assert "application/json" not in operation["responses"]["200"]["content"], key


def answer_validator(document: dict[str, Any], ref: str) -> Draft202012Validator:
    return validator_for(document, ref.removeprefix("#/components/schemas/"))


#: A paper election whose threshold (a third of the ballots cast) lets seats tie or stay unfilled.
ELECTION = {
    "mode": "manual",
    "definition": {
        "kind": "election",
        "seats": 2,
        "candidates": [{"id": "c1"}, {"id": "c2"}, {"id": "c3"}],
        "threshold": {"base": "cast", "rule": "more_than", "fraction": "1/3"},
    },
}


def election_counts(c1: int, c2: int, c3: int) -> dict[str, Any]:
    """A manual election result on 7 ballots with these ``for`` votes."""
    counts = {
        c: {"for": n, "against": 7 - n, "abstain": 0}
        for c, n in zip(("c1", "c2", "c3"), (c1, c2, c3), strict=True)
    }
    return {**MANUAL, "counts": counts, "write_ins_ignored": 1}


MANUAL = {
    "issued": 7,
    "ballots": {"cast": 7, "valid": 7, "void": 0},
    "counts": {"for": 7, "against": 0, "abstain": 0, "not_voted": 0},
    "confirmed_by": ["总监票人 赵敏"],
}


def close_and_decrypt(client: TestClient, call: Any, scrutineers: Scrutineers, poll: str) -> None:
    """Close an encrypted poll; scrutineers 1 and 2 post their shares of its aggregate."""
    call("POST", "/api/meetings/{meeting}/polls/{poll}/close", poll=poll)
    aggregate = service_of(client).state.polls[poll].encrypted.aggregate  # type: ignore[union-attr]
    note = call("GET", "/api/meetings/{meeting}/log/checkpoint", role="none")
    checkpoint = note[: note.index("\n\n") + 1]
    for j in (1, 2):
        shares = {
            "scrutineer": j,
            "checkpoint": checkpoint,
            "aggregate": aggregate["hash"],
            "shares": scrutineers.share_set(j, aggregate, checkpoint),
        }
        path = "/api/meetings/{meeting}/polls/{poll}/decryption-shares"
        call("POST", path, shares, role="none", poll=poll)


def write_in_mix(
    client: TestClient, call: Any, tablet: Any, scrutineers: Scrutineers, stations: list[Station]
) -> None:
    """An encrypted election (p8) with a write-in: totals decrypted, then two stations read the
    mix board, shuffle and post their write-in shares."""
    definition = {"kind": "election", "seats": 2, "candidates": [{"id": "c1"}, {"id": "c2"}]}
    call("POST", "/api/meetings/{meeting}/liveness/challenge", {"poll": "p8"})
    for station in stations[:2]:
        assert [o.endpoint for o in station.step().posted] == ["liveness"]
    call(
        "POST",
        "/api/meetings/{meeting}/polls",
        {"poll": "p8", "item": "w", "definition": definition, "mode": "encrypted"},
    )
    encryption = call("GET", "/api/meetings/{meeting}")["poll"]["encryption"]
    choice = Choice.stances(["for", "against"], ["赵六"])
    with client.websocket_connect("/ws/meetings/m1/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(tablet.hello(challenge["nonce"]))
        assert ws.receive_json()["type"] == "welcome"
        ws.send_json(dict(tablet.encrypted_ballot("p8", encryption, choice), id="w"))
        while (reply := ws.receive_json()).get("id") != "w":
            pass
        assert reply["type"] == "ballot_ack", reply
    close_and_decrypt(client, call, scrutineers, "p8")
    mixing = stations[:2]
    board_path = "/api/meetings/{meeting}/polls/{poll}/mix"
    for station in mixing:
        assert station.state.index is not None
        board = MixBoard(call("GET", board_path, role="none", poll="p8"))
        fields = shuffle_fields(board, station.state.index, SystemRandom())
        signed = station.sign(Outgoing("shuffles", fields, "shuffle"))
        call("POST", board_path[:-4] + "/shuffles", signed, role="none", poll="p8")
    for station in mixing:
        assert station.state.index is not None and station.state.secret_share is not None
        board = MixBoard(call("GET", board_path, role="none", poll="p8"))
        secret = Scalar.decode(bytes.fromhex(station.state.secret_share), "secret_share")
        fields = shares_fields(board, station.state.index, secret, SystemRandom())
        signed = station.sign(Outgoing("write-in-shares", fields, "shares"))
        call("POST", board_path[:-4] + "/write-in-shares", signed, role="none", poll="p8")
    assert service_of(client).state.polls["p8"].result is not None


SCRUTINEERS = {"chief": ["d07"], "scrutineers": ["d08", "d09"], "tellers": ["d10"]}


def key_ceremony(client: TestClient, call: Any) -> tuple[Scrutineers, list[Station]]:
    """Scrutineers adopted on paper, three stations paired, a whole key ceremony, a liveness
    challenge answered: one call of each ceremony operation goes through ``call``. Returns the
    sitting key with the shares the stations hold, and the stations."""
    call(
        "POST",
        "/api/meetings/{meeting}/polls",
        {"item": "s", "definition": {"kind": "motion"}, "mode": "manual"},
    )
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", MANUAL, poll="p6")
    stations = []
    for deputy in SCRUTINEERS["chief"] + SCRUTINEERS["scrutineers"]:
        code = call(
            "POST", "/api/meetings/{meeting}/scrutineers/{deputy}/station-code", deputy=deputy
        )["code"]
        station = simulated_station(ClientTransport(client), "m1", deputy)
        body = {
            "code": code,
            "station": station.state.station,
            "alg": "ed25519",
            "public_key": station.state.public_key(),
        }
        paired = call("POST", "/api/meetings/{meeting}/stations/pair", body, role="none")
        station.state.origin = paired["origin"]
        stations.append(station)
    call("POST", "/api/meetings/{meeting}/ceremony/start", {})
    board = call("GET", "/api/meetings/{meeting}/ceremony", role="none")
    first = stations[0]
    assert join_board(first.state, board)
    (announcement,) = first.plan(rebuild(board))
    call("POST", "/api/meetings/{meeting}/ceremony/messages", first.sign(announcement), role="none")
    assert run_until_settled(stations) == "complete"
    call("GET", "/api/meetings/{meeting}/ceremony/progress", role="display")
    call("POST", "/api/meetings/{meeting}/liveness/challenge", {"poll": "p7"})
    board = call("GET", "/api/meetings/{meeting}/ceremony", role="none")
    (answer,) = liveness_steps(first.state, board, SystemRandom())
    call("POST", "/api/meetings/{meeting}/liveness/answers", first.sign(answer), role="none")
    # A second station answers too: the encrypted poll p7 opens with t = 2 live stations.
    assert [o.endpoint for o in stations[1].step().posted] == ["liveness"]
    key = service_of(client).state.sitting_key
    assert key is not None
    return Scrutineers(key, shares_of(stations), tuple(stations)), stations


def test_live_answers_fit_their_documented_schemas(
    client: TestClient, document: dict[str, Any]
) -> None:
    """A whole sitting through every JSON operation: each answer validates against its schema,
    and every JSON operation was answered with a 200 at least once."""
    listed = operations(document)
    answered: set[tuple[str, str]] = set()
    tokens: dict[str, str] = {}

    def call(
        method: str,
        template: str,
        body: Any = None,
        *,
        role: str = "admin",
        pdf: bytes | None = None,
        **params: str,
    ) -> Any:
        path = template.format(meeting="m1", **params)
        query = params.pop("query", "")
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        if pdf is not None:
            headers["Content-Type"] = "application/pdf"
        response = client.request(method, path + query, json=body, content=pdf, headers=headers)
        assert response.status_code == 200, (method, path, response.text)
        schema = answer_schema(listed[(method, template)])
        if "$ref" in schema:
            answer = response.json()
            errors = [
                e.message for e in answer_validator(document, schema["$ref"]).iter_errors(answer)
            ]
            assert errors == [], (method, template, answer)
            answered.add((method, template))
            return answer
        return response.text

    client.app.state.runtime.congress.create_account("admin", "admin", "admin-password-1")  # type: ignore[attr-defined]
    tokens["admin"] = call(
        "POST", "/api/login", {"username": "admin", "password": "admin-password-1"}, role="none"
    )["token"]
    call(
        "POST",
        "/api/accounts",
        {"username": "op", "role": "operator", "password": "op-password-1", "meetings": "all"},
    )
    tokens["display"] = call("POST", "/api/tokens", {"role": "display", "label": "大屏"})["token"]
    auditor = call("POST", "/api/tokens", {"role": "auditor", "label": "审计", "hours": 2})
    tokens["auditor"] = auditor["token"]
    call("GET", "/api/tokens")
    meeting = {"meeting": "m1", "origin": "x.local/1", "title": "会议", "date": "2026-03-01"}
    call("POST", "/api/meetings", {**meeting, "settings": {"term": "walk"}})
    call("GET", "/api/meetings")
    call("PUT", "/api/accounts/{username}/meetings", {"meetings": ["m1"]}, username="op")
    call("GET", "/api/accounts")
    call("GET", "/api/meetings/{meeting}/accounts")
    deputies = [{"deputy": f"d{i:02}", "name": f"代表{i}", "seat": f"{i:02}"} for i in range(1, 11)]
    call("PUT", "/api/meetings/{meeting}/roster", {"deputies": deputies})
    call("GET", "/api/meetings/{meeting}")
    call("POST", "/api/meetings/{meeting}/open")
    tied, short = election_counts(5, 4, 4), election_counts(5, 2, 1)
    agenda = [
        {"item": "a", "title": "议案一", "kind": "motion"},
        {"item": "b", "title": "议案二", "kind": "motion"},
        {"item": "c", "title": "议案三", "kind": "motion"},
        {"item": "e", "title": "选举副镇长", "kind": "election"},
        {"item": "f", "title": "选举委员", "kind": "election"},
        {"item": "o", "title": "宪法宣誓", "kind": "oath"},
        {"item": "x", "title": "加密表决的议案", "kind": "motion"},
        {"item": "w", "title": "加密选举", "kind": "election"},
        {"item": "ps", "title": "票决民生实事项目", "kind": "selection"},
        {"item": "pe", "title": "民生实事项目测评", "kind": "evaluation"},
        {
            "item": "s",
            "title": "通过监票人名单",
            "kind": "motion",
            "adopts": {"scrutineers": SCRUTINEERS},
        },
    ]
    call("PUT", "/api/meetings/{meeting}/agenda", {"items": agenda})
    call("POST", "/api/meetings/{meeting}/items/{item}/current", item="a")
    code = call("POST", "/api/meetings/{meeting}/deputies/{deputy}/pairing-code", deputy="d01")
    tablet = Tablet(origin="x.local/1", device="tab-d01", deputy="d01")
    call("POST", "/api/meetings/{meeting}/pair", tablet.pair_request(code["code"]), role="none")
    call("GET", "/api/meetings/{meeting}/devices")
    call("POST", "/api/meetings/{meeting}/deputies/{deputy}/sign-in", deputy="d01")
    call(
        "POST",
        "/api/meetings/{meeting}/attendance/sign-in",
        {"deputies": ["d02", "d03", "d04", "d07", "d08", "d09", "d10"]},
    )
    call("POST", "/api/meetings/{meeting}/deputies/{deputy}/sign-out", deputy="d04")
    call("POST", "/api/meetings/{meeting}/deputies/{deputy}/leave", {"leave": True}, deputy="d05")
    call(
        "POST",
        "/api/meetings/{meeting}/deputies/{deputy}/status",
        {"status": "suspended"},
        deputy="d06",
    )
    named = {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}
    call("POST", "/api/meetings/{meeting}/polls", named)
    with client.websocket_connect("/ws/meetings/m1/tablet") as ws:
        challenge = ws.receive_json()
        assert challenge["type"] == "challenge"
        ws.send_json(tablet.hello(challenge["nonce"]))
        assert ws.receive_json()["type"] == "welcome"
        ws.send_json(dict(tablet.named_vote("p1", "for"), id="b"))
        while (reply := ws.receive_json()).get("id") != "b":
            pass
        assert reply["type"] == "ack", reply
    call("GET", "/api/meetings/{meeting}", role="display")
    call("POST", "/api/meetings/{meeting}/polls/{poll}/close", poll="p1")
    call("POST", "/api/meetings/{meeting}/polls/{poll}/announce", poll="p1")
    call("POST", "/api/meetings/{meeting}/polls", dict(named, item="c"))
    call("POST", "/api/meetings/{meeting}/polls/{poll}/void", {"reason": "表决器故障"}, poll="p2")
    manual = {"item": "c", "definition": {"kind": "motion"}, "mode": "manual"}
    call("POST", "/api/meetings/{meeting}/polls", manual)
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", MANUAL, poll="p3")
    # Paper elections: a tie for the last seat (runoff), a seat left unfilled (further).
    call("POST", "/api/meetings/{meeting}/polls", {**ELECTION, "item": "e"})
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", tied, poll="p4")
    runoff = call("POST", "/api/meetings/{meeting}/polls/{poll}/runoff", poll="p4")
    assert runoff["definition"]["candidates"] == [{"id": "c2"}, {"id": "c3"}]
    decision = {"decision": "主席团第二次会议决定", "by": ["赵敏"]}
    call("POST", "/api/meetings/{meeting}/polls/{poll}/confirm", decision, poll="p4")
    call("POST", "/api/meetings/{meeting}/polls", {**ELECTION, "item": "f"})
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", short, poll="p5")
    further = call("POST", "/api/meetings/{meeting}/polls/{poll}/further", poll="p5")
    assert further["definition"]["seats"] == 1
    # The key ceremony (p6: the scrutineers adopted on paper), then an encrypted motion: one
    # ballot, its total decrypted by two of the three scrutineers.
    scrutineers, stations = key_ceremony(client, call)
    encrypted = {"item": "x", "definition": {"kind": "motion"}, "mode": "encrypted"}
    call("POST", "/api/meetings/{meeting}/polls", encrypted)
    encryption = call("GET", "/api/meetings/{meeting}")["poll"]["encryption"]
    with client.websocket_connect("/ws/meetings/m1/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(tablet.hello(challenge["nonce"]))
        assert ws.receive_json()["type"] == "welcome"
        ws.send_json(
            dict(tablet.encrypted_ballot("p7", encryption, Choice.stances(["for"])), id="e")
        )
        while (reply := ws.receive_json()).get("id") != "e":
            pass
        assert reply["type"] == "ballot_ack", reply
    found = call(
        "GET",
        "/api/meetings/{meeting}/log/encrypted-ballots/{tracking_code}",
        role="none",
        tracking_code=reply["tracking_code"],
    )
    assert (found["seq"], found["entry"]["type"]) == (reply["seq"], "encrypted_ballot")
    assert found["entry"]["body"]["ballot_hash"] == base64.b64decode(reply["ballot_hash"]).hex()
    missing = client.get("/api/meetings/m1/log/encrypted-ballots/AAAA-AAAA-AAAA-AAAA")
    assert (missing.status_code, missing.json()["error"]) == (404, "unknown-tracking-code")
    close_and_decrypt(client, call, scrutineers, "p7")
    write_in_mix(client, call, tablet, scrutineers, stations)
    call("POST", "/api/meetings/{meeting}/items/{item}/withdraw", {"reason": "撤回"}, item="b")
    oath = {"led_by": "赵敏", "sworn": ["代表1", "代表2"]}
    call("POST", "/api/meetings/{meeting}/items/{item}/oath", oath, item="o")
    report_pdf = tiny_pdf()
    uploaded = call(
        "POST",
        "/api/meetings/{meeting}/items/{item}/documents",
        pdf=report_pdf,
        item="a",
        query="?title=%E8%AE%AE%E6%A1%88%E4%B8%80",
    )
    assert uploaded["sha256"] == hashlib.sha256(report_pdf).hexdigest()
    call(
        "GET", "/api/meetings/{meeting}/documents/{sha256}", role="none", sha256=uploaded["sha256"]
    )
    with client.websocket_connect("/ws/meetings/m1/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(tablet.hello(challenge["nonce"]))
        assert ws.receive_json()["type"] == "welcome"
        ws.send_json(dict(tablet.speak_request(), id="s"))
        while (reply := ws.receive_json()).get("id") != "s":
            pass
        assert reply["type"] == "ack", reply
    call("POST", "/api/meetings/{meeting}/floor/grant", {"minutes": 3})
    call("POST", "/api/meetings/{meeting}/floor/end")
    call("GET", "/api/meetings/{meeting}/absences")
    # A bill co-signed by five deputies, turned into a suggestion by the presidium, answered.
    sponsors = []
    for deputy in ("d02", "d03", "d07", "d08"):
        code = call("POST", "/api/meetings/{meeting}/deputies/{deputy}/pairing-code", deputy=deputy)
        sponsor = Tablet(origin="x.local/1", device=f"tab-{deputy}", deputy=deputy)
        call(
            "POST", "/api/meetings/{meeting}/pair", sponsor.pair_request(code["code"]), role="none"
        )
        sponsors.append(sponsor)
    bill = draft_and_cosign(client, "m1", tablet, sponsors)
    assert submit(client, "m1", tablet, bill, "bill")["type"] == "ack"
    decided = {"decision": "suggestion", "reference": "主席团第二次会议决定"}
    call("POST", "/api/meetings/{meeting}/proposals/{proposal}/decision", decided, proposal=bill)
    answer = {"unit": "镇交通办", "deadline": "2026-06-30", "answer": "已列入年度计划。"}
    call("POST", "/api/meetings/{meeting}/proposals/{proposal}/answer", answer, proposal=bill)
    listed_proposals = call("GET", "/api/meetings/{meeting}/proposals", role="display")
    assert [p["status"] for p in listed_proposals["proposals"]] == ["answered"]
    # Livelihood projects: m1 registers and selects its own, and rates those adopted at m0,
    # the term's session before it.
    adopted_session(client, tokens["admin"], "m0", term="walk", date="2026-01-10")
    for _ in range(2):
        call("POST", "/api/meetings/{meeting}/projects", PROJECT)
    call(
        "POST",
        "/api/meetings/{meeting}/projects/{project}/withdraw",
        {"reason": "撤回"},
        project="P2",
    )
    selection = {"item": "ps", "seats": 1, "mode": "manual"}
    chosen = call("POST", "/api/meetings/{meeting}/projects/selection-poll", selection)["poll"]
    counted = paper({"P1": {"for": 7}}, 7)
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", counted, poll=chosen)
    supervisors = {"adopted_in": "m1", "project": "P1", "deputies": ["d01"]}
    call("POST", "/api/meetings/{meeting}/projects/supervisors", supervisors)
    milestone = {
        "adopted_in": "m0",
        "project": "P1",
        "date": "2026-02-01",
        "text": "开工",
        "percent": 10,
    }
    call("POST", "/api/meetings/{meeting}/projects/milestones", milestone)
    rating = call(
        "POST", "/api/meetings/{meeting}/projects/evaluation-poll", {"item": "pe", "mode": "manual"}
    )["poll"]
    rated = paper({"P1": {"satisfied": 7, "basically_satisfied": 0, "dissatisfied": 0}}, 7)
    call("POST", "/api/meetings/{meeting}/polls/{poll}/manual-result", rated, poll=rating)
    viewed = call("GET", "/api/meetings/{meeting}/projects", role="display")
    assert [p["project"] for p in viewed["session_register"]] == ["P1", "P2"]
    yearly = call("GET", "/api/meetings/{meeting}/projects/report", role="auditor")
    assert [r["evaluation"] and r["evaluation"]["rating"] for r in yearly["projects"]] == [
        "satisfied",
        None,
        None,
    ]
    call("POST", "/api/meetings/{meeting}/notices", {"kind": "result", "poll": "p1"})
    call("POST", "/api/meetings/{meeting}/notices", {"kind": "proposals"})
    notices = call("GET", "/api/meetings/{meeting}/notices", role="none")
    assert [n["kind"] for n in notices["notices"]] == ["result", "proposals"]
    notice = call("GET", "/api/meetings/{meeting}/notices/{number}", role="none", number="2")
    assert (notice["sources"], notice["checkpoint"]["size"]) == ([bill], notice["seq"] + 1)
    call("GET", "/api/meetings/{meeting}/polls", role="display")
    call("GET", "/api/meetings/{meeting}")
    call("GET", "/api/meetings/{meeting}/log/proof/inclusion", role="none", query="?seq=0")
    call("GET", "/api/meetings/{meeting}/log/proof/consistency", role="none", query="?from=1")
    assert call("GET", "/api/meetings/{meeting}/log/checkpoint", role="none").startswith(
        "x.local/1"
    )
    listed_checkpoints = call("GET", "/api/meetings/{meeting}/log/checkpoints", role="none")
    first = listed_checkpoints["checkpoints"][0]
    assert first["note"].startswith(f"x.local/1\n{first['size']}\n")
    assert (
        call(
            "GET",
            "/api/meetings/{meeting}/log/checkpoints/{size}",
            role="none",
            size=str(first["size"]),
        )
        == first["note"]
    )
    assert call("GET", "/api/meetings/{meeting}/log/entries", role="auditor").startswith("{")
    call("POST", "/api/meetings/{meeting}/deputies/{deputy}/revoke-device", deputy="d01")
    call("POST", "/api/tokens/{token_id}/revoke", token_id=auditor["id"])
    call("POST", "/api/meetings/{meeting}/close")
    call("POST", "/api/logout", role="display")

    json_operations = {key for key, op in listed.items() if "$ref" in answer_schema(op)}
    assert answered == json_operations
