"""``/openapi.json``: a valid OpenAPI 3.1 document describing every route of the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route
from starlette.testclient import TestClient

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
        "inclusion",
        "consistency",
        "ballot_by_receipt",
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
        ("NewPoll", {"item": "a", "definition": {"kind": "motion"}, "duration_s": 5}, False),
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
