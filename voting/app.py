"""``create_app``: the Starlette application, with everything it uses passed in."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from audit.keys import load_signer
from audit.note import NoteSigner
from audit.tables import create_engine_for
from voting import api, ca, pages, sockets
from voting.congress import Congress, SignerFor
from voting.openapi import openapi_document
from voting.runtime import Runtime
from voting.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


def _signer_from_file(path: Path, origin: str) -> NoteSigner:
    return load_signer(path, origin)


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    engine: Engine | None = None,
    signer_for: SignerFor | None = None,
) -> Starlette:
    """The server for ``settings``; tests pass their own clock, engine or signing key."""
    engine = engine if engine is not None else create_engine_for(settings.database_url)
    if signer_for is None:
        signer_for = functools.partial(_signer_from_file, settings.log_key_path)
    congress = Congress(engine=engine, signer_for=signer_for, clock=clock)
    runtime = Runtime(congress)
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
            *api.routes(),
            *sockets.routes(),
            *pages.routes(),
            *ca.routes(settings.tls_ca_path),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
