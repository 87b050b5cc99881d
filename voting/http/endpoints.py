"""The endpoint toolkit: how an HTTP API route is declared, checked and answered.

Every handler takes one :class:`Call` (the request, the runtime, who is calling, the validated
body and the path parameters) and follows the same order: authenticate (401), authorise by role
(403 ``forbidden``), check that the ``{meeting}`` of the path is in the caller's scope (403
``meeting-not-permitted``, see :mod:`voting.scopes`), validate the body against its model (400),
then run the command (404/409 when it does not fit the state). Errors are JSON ``{"error": code, "message": 中文, "message_en": English}``; a
refused command changes nothing.

Resources declare their routes on an :class:`Endpoints` table::

    ROUTES = Endpoints()

    @ROUTES.route("GET", "/api/meetings", permission="meeting.read", answer=MeetingList, ...)
    async def list_meetings(call: Call[None]) -> dict[str, Any]: ...

    @ROUTES.command("POST", "/api/meetings/{meeting}/close", permission="meeting.close", ...)
    def close_meeting(call: Call[None]) -> Decision:
        return functools.partial(core.close_meeting, by=call.actor)

A command's decision runs on the meeting named by the path; it answers ``{"seq": [...]}`` once
the entries are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from voting.auth import authorise
from voting.congress import Congress, Principal
from voting.errors import CommandError, Unauthenticated, storage_failed
from voting.http.answers import Written
from voting.http.peers import client_address
from voting.limits import body_limit
from voting.runtime import Runtime
from voting.service import Decision, MeetingService
from voting.validation import validation_problem

MAX_BODY = 1024 * 1024
JSON = "application/json"

log = logging.getLogger(__name__)

B = TypeVar("B")


def invalid(problem: str) -> CommandError:
    """400 ``invalid-message``: the request does not fit what the endpoint takes."""
    return CommandError(
        "invalid-message", f"请求格式错误：{problem}", f"invalid request: {problem}"
    )


@dataclass(frozen=True)
class Call(Generic[B]):
    """One HTTP call as a handler sees it, after authentication, authorisation and validation."""

    request: Request
    runtime: Runtime
    principal: Principal | None
    body: B
    params: dict[str, str]

    @property
    def congress(self) -> Congress:
        return self.runtime.congress

    @property
    def meeting(self) -> str:
        """The ``{meeting}`` path parameter."""
        return self.params["meeting"]

    @property
    def actor(self) -> str:
        """Who is calling, as the log records it (only on endpoints that need a token)."""
        if self.principal is None:
            raise RuntimeError(f"{self.request.url.path}: an actor needs an authenticated call")
        return self.principal.actor

    @property
    def token(self) -> str:
        """The bearer token the call was made with (only on endpoints that need a token)."""
        return bearer_token(self.request)

    @property
    def client(self) -> str:
        """The caller's address: the socket peer, or what a trusted proxy says it is."""
        trusted: frozenset[str] = getattr(self.request.app.state, "trusted_proxies", frozenset())
        return client_address(self.request.scope, trusted)

    def service(self) -> MeetingService:
        """The open meeting named by the path (409 ``meeting-not-open`` for a draft)."""
        return self.congress.service(self.meeting)

    async def command(
        self, decide: Decision, *, also: Callable[[Session], None] | None = None
    ) -> dict[str, Any]:
        """Run ``decide`` on the meeting; answer the written seqs once they are committed."""
        return await self.runtime.command(self.meeting, decide, also=also)

    def query_int(self, name: str, default: int | None = None) -> int:
        """A whole-number query parameter (ASCII digits, at most 12); ``default`` when absent,
        400 when absent without a default."""
        raw = self.request.query_params.get(name)
        if raw is None:
            if default is None:
                raise invalid(f"missing query parameter {name}")
            return default
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
            raise invalid(f"query parameter {name} must be a whole number")
        return int(raw)


Handler = Callable[[Call[Any]], Awaitable[Any]]
#: A command endpoint's decision, from its call.
DecisionFor = Callable[[Call[Any]], Decision]


@dataclass(frozen=True)
class Endpoint:
    """One API route, with what the OpenAPI document says of it.

    ``body``: the request model (validated before the handler runs unless ``parse_body`` is
    False: then the handler reads the body itself and ``also_accepts`` lists other media types).
    ``answer``: the model of a JSON answer, or None when ``media_type`` is not JSON.
    ``query``: whole-number query parameters, as (name, required)."""

    method: str
    path: str
    permission: str | None
    body: type[BaseModel] | None
    summary: str
    handler: Handler
    answer: type[BaseModel] | None
    media_type: str = JSON
    parse_body: bool = True
    also_accepts: tuple[str, ...] = ()
    query: tuple[tuple[str, bool], ...] = ()

    @property
    def name(self) -> str:
        """The operation id: the handler's name."""
        return self.handler.__name__


@dataclass
class Endpoints:
    """A table of endpoints that resources fill with :meth:`route` and :meth:`command`."""

    endpoints: list[Endpoint] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        permission: str | None,
        summary: str,
        body: type[BaseModel] | None = None,
        answer: type[BaseModel] | None = None,
        media_type: str = JSON,
        parse_body: bool = True,
        also_accepts: tuple[str, ...] = (),
        query: tuple[tuple[str, bool], ...] = (),
    ) -> Callable[[Handler], Handler]:
        """Declare ``handler`` as the endpoint ``method path``. A JSON endpoint names its
        ``answer`` model; another names its ``media_type``. ``query``: the whole-number query
        parameters it reads (:meth:`Call.query_int`), as (name, required)."""
        if (answer is None) == (media_type == JSON):
            raise ValueError(f"{method} {path}: a JSON answer needs a model, only JSON has one")

        def register(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(
                    method,
                    path,
                    permission,
                    body,
                    summary,
                    handler,
                    answer,
                    media_type,
                    parse_body,
                    also_accepts,
                    query,
                )
            )
            return handler

        return register

    def command(
        self,
        method: str,
        path: str,
        *,
        permission: str,
        summary: str,
        body: type[BaseModel] | None = None,
    ) -> Callable[[DecisionFor], DecisionFor]:
        """Declare an endpoint that runs the decision ``decide(call)`` on the path's meeting
        and answers :class:`Written` once it is committed."""

        def register(decide: DecisionFor) -> DecisionFor:
            async def handler(call: Call[Any]) -> Any:
                return await call.command(decide(call))

            handler.__name__ = handler.__qualname__ = decide.__name__
            handler.__doc__ = decide.__doc__
            self.endpoints.append(
                Endpoint(method, path, permission, body, summary, handler, Written)
            )
            return decide

        return register


def bearer_token(request: Request) -> str:
    """The token of the ``Authorization: Bearer`` header (401 ``not-logged-in`` without one)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated("not-logged-in", "请先登录", "authentication required")
    return header.removeprefix("Bearer ").strip()


async def read_body(request: Request, model: type[BaseModel]) -> Any:
    """The request body validated against ``model`` (400 ``invalid-message`` naming the field)."""
    data = await read_raw_body(request)
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        raise invalid(validation_problem(error)) from None


async def read_raw_body(request: Request) -> bytes:
    """The request body, at most :data:`MAX_BODY` bytes (more for the write-in mix posts)."""
    data = await request.body()
    if len(data) > body_limit(request.url.path, MAX_BODY):
        raise invalid("body too large")
    return data


def runtime_of(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def make_route(spec: Endpoint) -> Route:
    """The Starlette route of ``spec``: checks in order, runs the handler, answers JSON."""

    async def handle(request: Request) -> Response:
        try:
            runtime = runtime_of(request)
            principal = None
            if spec.permission is not None:
                principal = runtime.congress.authenticate(bearer_token(request))
                authorise(principal, spec.permission)
                if "meeting" in request.path_params:
                    runtime.congress.check_scope(principal, request.path_params["meeting"])
            body = None
            if spec.body is not None and spec.parse_body:
                body = await read_body(request, spec.body)
            call = Call(request, runtime, principal, body, dict(request.path_params))
            try:
                result = await spec.handler(call)
            except SQLAlchemyError as failure:
                # Writes outside a meeting's log (tokens, pairing codes, accounts) that the
                # database refused: locked past its busy timeout, or a full disk.
                log.error("%s %s: the database failed: %s", spec.method, spec.path, failure)
                raise storage_failed() from None
        except CommandError as error:
            headers = {}
            if "retry_after" in error.details:
                headers["Retry-After"] = str(error.details["retry_after"])
            return JSONResponse(error.to_json(), status_code=error.status, headers=headers)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return Route(spec.path, handle, methods=[spec.method], name=spec.name)
