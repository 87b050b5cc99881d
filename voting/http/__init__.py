"""The HTTP JSON API of the chair, operators, the hall display and auditors.

:mod:`voting.http.endpoints` is the toolkit (the call context, the endpoint table, the checks
every route makes); each other module declares the routes of one resource. ``ENDPOINTS`` is the
whole table, in the order the OpenAPI document (``/openapi.json``) lists it.
"""

from __future__ import annotations

from starlette.routing import Route

from voting.http import (
    accounts,
    agenda,
    attendance,
    ceremony,
    decryption,
    devices,
    log,
    meetings,
    mix,
    polls,
    proposals,
    rounds,
)
from voting.http.endpoints import Endpoint, make_route

ENDPOINTS: list[Endpoint] = [
    endpoint
    for resource in (
        accounts,
        meetings,
        attendance,
        devices,
        agenda,
        polls,
        decryption,
        mix,
        rounds,
        log,
        ceremony,
        proposals,
    )
    for endpoint in resource.ROUTES.endpoints
]


def routes() -> list[Route]:
    """The Starlette routes of every endpoint."""
    return [make_route(spec) for spec in ENDPOINTS]
