"""The pages people use, served as plain files: no build step.

``/``                    the landing page, linking the others (voting/static/index.html)
``/tablet/{meeting}``    the deputy's tablet (devices/static/tablet.html)
``/chair``               the chair console (voting/static/chair.html)
``/display/{meeting}``   the hall's big screen (voting/static/display.html)
``/print/{meeting}``     printable result sheets and minutes (voting/static/print.html)

Shared scripts and styles are under ``/static/tablet/`` and ``/static/app/``. The pages talk to the
HTTP API and the WebSockets documented in docs/protocol.md.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

import devices
import voting

TABLET_DIR = Path(devices.__file__).resolve().parent / "static"
APP_DIR = Path(voting.__file__).resolve().parent / "static"

#: Pages may load only their own scripts and styles, and talk only to this server.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _page(path: Path) -> Response:
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


async def landing(_: Request) -> Response:
    return _page(APP_DIR / "index.html")


async def tablet(_: Request) -> Response:
    return _page(TABLET_DIR / "tablet.html")


async def chair(_: Request) -> Response:
    return _page(APP_DIR / "chair.html")


async def display(_: Request) -> Response:
    return _page(APP_DIR / "display.html")


async def print_sheet(_: Request) -> Response:
    return _page(APP_DIR / "print.html")


def routes() -> list[BaseRoute]:
    return [
        Route("/", landing, methods=["GET"]),
        Route("/tablet/{meeting}", tablet, methods=["GET"]),
        Route("/chair", chair, methods=["GET"]),
        Route("/display/{meeting}", display, methods=["GET"]),
        Route("/print/{meeting}", print_sheet, methods=["GET"]),
        Mount("/static/tablet", StaticFiles(directory=TABLET_DIR), name="tablet-static"),
        Mount("/static/app", StaticFiles(directory=APP_DIR), name="app-static"),
    ]
