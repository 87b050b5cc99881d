"""The HTTP JSON API of the chair, operators, the hall display and auditors.

:mod:`voting.http.endpoints` is the toolkit (the call context, the endpoint table, the checks
every route makes); each other module declares the routes of one resource. ``ENDPOINTS`` is the
whole table, in the order the OpenAPI document (``/openapi.json``) lists it.
"""

from __future__ import annotations

from starlette.routing import Route

from voting.http import (
    absences,
    accounts,
    agenda,
    attendance,
    ceremony,
    decryption,
    devices,
    documents,
    log,
    meetings,
    mix,
    notices,
    polls,
    projects,
    proposals,
    rounds,
    speaking,
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
        documents,
        polls,
        decryption,
        mix,
        rounds,
        log,
        ceremony,
        speaking,
        notices,
        absences,
        proposals,
        projects,
    )
    for endpoint in resource.ROUTES.endpoints
]


def routes() -> list[Route]:
    """The Starlette routes of every endpoint."""
    return [make_route(spec) for spec in ENDPOINTS]
