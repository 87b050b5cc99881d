"""``create_app``: the Starlette application, with everything it uses passed in."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from audit.keys import load_signer
from audit.note import NoteSigner
from audit.tables import create_engine_for
from devices.signatures import SignatureChecker
from voting import ca, http, pages, sockets
from voting.congress import Congress, SignerFor
from voting.http.peer_reads import PeerReads
from voting.limits import BodyLimit
from voting.openapi import openapi_document
from voting.passwords import Passwords
from voting.runtime import Runtime
from voting.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


def _signer_from_file(path: Path, origin: str) -> NoteSigner:
    return load_signer(path, origin)


#: Answers of the router itself under /api/, in the API's error shape.
ROUTING_ERRORS = {
    404: ("not-found", "接口不存在", "no such endpoint"),
    405: ("method-not-allowed", "不支持该请求方法", "method not allowed"),
}


async def routing_error(request: Request, error: Exception) -> Response:
    """No route (404) or a method the route does not take (405): under /api/ the error JSON
    every other API error has (a path parameter holding "/" matches no route, for example);
    elsewhere, the plain text of a web server."""
    assert isinstance(error, HTTPException)
    known = ROUTING_ERRORS.get(error.status_code)
    if known is None or not request.url.path.startswith("/api/"):
        return PlainTextResponse(error.detail, error.status_code, headers=error.headers)
    code, zh, en = known
    body = {"error": code, "message": zh, "message_en": en}
    return JSONResponse(body, error.status_code, headers=error.headers)


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    engine: Engine | None = None,
    signer_for: SignerFor | None = None,
    signature_workers: int = 0,
    signatures: SignatureChecker | None = None,
) -> Starlette:
    """The server for ``settings``; tests pass their own clock, engine or signing key.
    ``signature_workers``: processes that verify tablet signatures ahead of the decisions
    (:mod:`devices.signatures`; ``congress serve`` starts one on a machine of two cores or more);
    ``signatures``: such workers made (and perhaps started) already, used instead.
    """
    engine = engine if engine is not None else create_engine_for(settings.database_url)
    if signer_for is None:
        signer_for = functools.partial(_signer_from_file, settings.log_key_path)
    congress = Congress(
        engine=engine,
        signer_for=signer_for,
        clock=clock,
        passwords=Passwords(settings.scrypt_n),
    )
    runtime = Runtime(
        congress, settings=settings, signature_workers=signature_workers, signatures=signatures
    )
    document = openapi_document()

    async def openapi(_: Request) -> Response:
        return JSONResponse(document)

    async def health(_: Request) -> Response:
        return JSONResponse({"ok": True})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = Starlette(
        routes=[
            Route("/openapi.json", openapi, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
            *http.routes(),
            *sockets.routes(),
            *pages.routes(),
            *ca.routes(settings.tls_ca_path),
        ],
        lifespan=lifespan,
        middleware=[Middleware(BodyLimit), Middleware(PeerReads)],
        exception_handlers={HTTPException: routing_error},
    )
    app.state.runtime = runtime
    # Whose X-Forwarded-For header names the client (voting.http.peers).
    app.state.trusted_proxies = settings.trusted_proxies
    # The other server of a primary/standby pair: its tablet pages may open sockets here.
    app.state.peer_url = settings.peer_url
    return app
