"""Who is on the other end of a request: the socket peer, unless a trusted proxy speaks for it.

The server is meant to be reached directly on the hall LAN. ``X-Forwarded-For`` is believed
only when the socket peer is one of the configured trusted proxies (``Settings.trusted_proxies``);
then the client is the nearest address in the header that is not itself a trusted proxy. Anyone
else can write any header, so for them the header is ignored (``congress serve`` runs uvicorn
with ``proxy_headers=False`` so that the peer address reaches the app unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNKNOWN = "?"


def client_address(scope: Mapping[str, Any], trusted: frozenset[str]) -> str:
    """The address of the client of the ASGI ``scope``: the peer, or for a trusted proxy peer
    the right-most ``X-Forwarded-For`` address that is not a trusted proxy."""
    client = scope.get("client")
    peer = str(client[0]) if client else UNKNOWN
    if peer not in trusted:
        return peer
    forwarded = [
        value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name.lower() == b"x-forwarded-for"
    ]
    hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return str(hop)
    return peer
