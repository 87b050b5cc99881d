"""The HTTP API against its own OpenAPI document, with requests made by schemathesis.

Every operation of ``/openapi.json`` gets up to 25 generated requests — bodies, path parameters
and query values that fit the document and ones that do not — sent to a real ``congress serve``
process on a loopback port, with an administrator's token (which passes every role check, so the
requests reach the handlers; schemathesis also tries without it). No answer may be a server
error, and every status code, content type and response header must be one the document
declares. Half of the path parameters are replaced by the real meeting, deputy, item and poll,
so the requests also reach the handlers' own checks, not only "unknown meeting".
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.conftest import Figures
from tests.voting.live_server import ADMIN, LiveServer, live_server
from tests.voting.sitting import MEETING
from voting.http import ENDPOINTS

EXAMPLES = 25
# Not ``negative_data_rejection``: like most HTTP servers this one ignores query parameters it
# does not know, and the check counts the token this test always sends as "missing" when a
# negative case leaves the header out; what matters here is no 5xx and nothing undocumented.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    unsupported_method,
    ignored_auth,
    content_type_conformance,
    response_headers_conformance,
]
#: Path parameter values that exist in the meeting below.
REAL = {"meeting": MEETING, "deputy": "d02", "item": "a", "poll": "p1"}


@dataclass
class Api:
    server: LiveServer
    session: requests.Session
    schema: Any
    statuses: Counter[int] = field(default_factory=Counter)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, figures: Figures) -> Iterator[Api]:
    scratch = tmp_path_factory.mktemp("schemathesis")
    with live_server(scratch, 3) as server:
        server.pair("d01")
        for deputy in ("d01", "d02"):
            server.meeting("POST", f"/deputies/{deputy}/sign-in")
        server.meeting(
            "POST", "/polls", {"item": "a", "definition": {"kind": "motion"}, "mode": "named"}
        )
        session = requests.Session()
        session.trust_env = False  # loopback only, never a proxy
        schema = schemathesis.openapi.from_dict(session.get(f"{server.url}/openapi.json").json())

        @schema.hook
        def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
            if path_parameters:
                choose = int(hashlib.sha256(repr(path_parameters).encode()).hexdigest(), 16)
                for name, value in REAL.items():
                    if name in path_parameters and choose % 2:
                        path_parameters[name] = value
            return path_parameters

        found = Api(server, session, schema)
        yield found
        errors = server.errors()
    figures(
        "schemathesis",
        {
            "requests": sum(found.statuses.values()),
            "statuses": {str(k): v for k, v in sorted(found.statuses.items())},
            "server_errors": errors + sum(v for k, v in found.statuses.items() if k >= 500),
        },
    )
    assert errors == 0


@pytest.mark.parametrize(
    ("method", "path"), [(e.method, e.path) for e in ENDPOINTS], ids=lambda v: str(v)
)
def test_the_api_keeps_to_its_document(api: Api, method: str, path: str) -> None:
    operation = api.schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    headers = {"Authorization": f"Bearer {api.server.token}"}

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests on every run: a CI failure can be replayed
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        own = headers
        if path == "/api/logout":  # it ends the token it is called with: use one of its own
            login = {"username": ADMIN[0], "password": ADMIN[1]}
            own = {
                "Authorization": f"Bearer {api.server.api('POST', '/api/login', login)['token']}"
            }
        response = case.call_and_validate(
            base_url=api.server.url, session=api.session, headers=own, checks=CHECKS
        )
        api.statuses[response.status_code] += 1

    check()


def test_every_operation_was_tried(api: Api) -> None:
    assert sum(api.statuses.values()) >= len(ENDPOINTS) * EXAMPLES // 2


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", f"/api/meetings/{MEETING}%2Fx", 404, "not-found"),
        ("POST", f"/api/meetings/{MEETING}/polls/a%2Fb/close", 404, "not-found"),
        ("GET", "/api/no-such-thing", 404, "not-found"),
        ("DELETE", "/api/meetings", 405, "method-not-allowed"),
    ],
)
def test_what_matches_no_operation_still_answers_in_the_error_shape(
    api: Api, method: str, path: str, status: int, code: str
) -> None:
    """A path parameter holding "/" matches no route; neither does an unknown path or method."""
    response = api.session.request(
        method, api.server.url + path, headers={"Authorization": f"Bearer {api.server.token}"}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error", "message", "message_en"}
    assert response.json()["error"] == code
    if status == 405:
        assert "allow" in response.headers
