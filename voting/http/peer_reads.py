"""CORS for the reads of a tablet page loaded from the peer server of a primary/standby pair.

After a failover (``docs/operations.md`` §14) a tablet page loaded from server A talks to
server B: its socket and the HTTP reads it makes on its own — the inclusion check of its
encrypted ballot (``devices/static/verify.js``) and the witness's checkpoint and consistency
proofs (``devices/static/witness.js``). Those are plain GETs without custom headers, so the
browser sends no preflight; it only needs B to allow A's origin. :class:`PeerReads` answers
exactly those routes with ``Access-Control-Allow-Origin: <peer origin>`` when the request
comes from the configured peer (``app.state.peer_url``), never ``*``, and marks them
``Vary: Origin``. Any other origin, and every other route, gets no CORS header.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The paths the tablet page reads over HTTP from the server its socket uses.
TABLET_READS = re.compile(
    r"/api/meetings/[^/]+/log/"
    r"(?:checkpoint|proof/inclusion|proof/consistency|encrypted-ballots/[^/]+)"
)


def is_tablet_read(method: str, path: str) -> bool:
    """Whether ``method path`` is one of the tablet page's reads (:data:`TABLET_READS`)."""
    return method in ("GET", "HEAD") and TABLET_READS.fullmatch(path) is not None


class PeerReads:
    """ASGI middleware: the CORS headers of the tablet page's reads for the peer's origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_tablet_read(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        peer = getattr(app.state, "peer_url", None) if app is not None else None
        allowed = peer is not None and Headers(scope=scope).get("origin") == peer

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Origin")
                if allowed:
                    headers["Access-Control-Allow-Origin"] = str(peer)
            await send(message)

        await self.app(scope, receive, send_with_cors)
