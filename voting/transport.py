"""Connections the server accepts: a time limit on request headers and a cap per address.

uvicorn closes a keep-alive connection that stays idle, but waits for ever for the headers of
a request: one client held 19,990 half-sent requests open and the server ran out of file
descriptors, so that tablets could no longer connect. :func:`guarded_http_protocol` makes
uvicorn's HTTP/1.1 protocol (h11) class that

* closes a connection whose request line and headers have not all arrived within
  :attr:`TransportLimits.header_timeout_s` seconds, counted from the connection's first byte
  wait (a new connection, or the end of the previous response on a kept-alive one);
* refuses (``503``, then closes) a new connection from an address that already holds
  :attr:`TransportLimits.per_address` open connections (HTTP and WebSocket alike: a WebSocket
  keeps the transport it was upgraded from). Addresses of trusted reverse proxies are not
  capped: every client behind the proxy shares its address, and the proxy has its own limits
  (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

#: Seconds a client has to send a request's line and headers.
HEADER_TIMEOUT_S = 10.0
#: Open connections one address may hold (a tablet needs one or two, a staff computer a few).
PER_ADDRESS = 256
#: One warning in the log for this many refused connections of one address.
REFUSALS_PER_WARNING = 1000

REFUSED = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 27\r\nconnection: close\r\n\r\ntoo many connections / 503\n"
)


@dataclass(frozen=True)
class TransportLimits:
    """``per_address`` 0 means no cap; ``uncapped`` addresses (trusted proxies) have none."""

    header_timeout_s: float = HEADER_TIMEOUT_S
    per_address: int = PER_ADDRESS
    uncapped: frozenset[str] = field(default_factory=frozenset)


class OpenConnections:
    """The open transports of each client address."""

    def __init__(self) -> None:
        self._by_address: dict[str, set[asyncio.BaseTransport]] = {}
        self._admitted = 0
        self._refused: dict[str, int] = {}

    def admit(self, address: str, transport: asyncio.BaseTransport, cap: int) -> bool:
        """Record ``transport`` from ``address`` unless ``address`` already holds ``cap`` open
        connections; return whether it was admitted. With ``cap`` 0 (no cap) every connection
        is admitted and none is recorded: a hall behind one address would otherwise make each
        new connection walk all the open ones."""
        if not cap:
            return True
        self._admitted += 1
        if self._admitted % 1024 == 0:
            self._forget_closed()
        held = {t for t in self._by_address.get(address, ()) if not t.is_closing()}
        if cap and len(held) >= cap:
            self._by_address[address] = held
            return False
        held.add(transport)
        self._by_address[address] = held
        return True

    def refused(self, address: str) -> int:
        """Count one more refused connection from ``address``; return the count so far."""
        if len(self._refused) > 10_000:
            self._refused.clear()
        self._refused[address] = self._refused.get(address, 0) + 1
        return self._refused[address]

    def count(self, address: str) -> int:
        return sum(1 for t in self._by_address.get(address, ()) if not t.is_closing())

    def _forget_closed(self) -> None:
        for address in list(self._by_address):
            held = {t for t in self._by_address[address] if not t.is_closing()}
            if held:
                self._by_address[address] = held
            else:
                del self._by_address[address]


def guarded_http_protocol(limits: TransportLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with ``limits`` (pass it as uvicorn's ``http`` setting)."""
    connections = OpenConnections()

    class GuardedH11Protocol(H11Protocol):
        """An HTTP/1.1 connection with a header deadline and a per-address cap."""

        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            address = self.client[0] if self.client else ""
            if address not in limits.uncapped and not connections.admit(
                address, transport, limits.per_address
            ):
                refused = connections.refused(address)
                if refused % REFUSALS_PER_WARNING == 1:  # a flood is logged, not echoed
                    log.warning(
                        "refused connection %d from %s: %d open connections already",
                        refused,
                        address,
                        limits.per_address,
                    )
                transport.write(REFUSED)
                transport.close()
                return
            self._await_headers()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._waiting_for_headers():
                if self._header_timer is None:
                    self._await_headers()
            else:
                self._stop_header_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._waiting_for_headers() and not self.transport.is_closing():
                self._await_headers()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_header_timer()
            super().connection_lost(exc)

        def _waiting_for_headers(self) -> bool:
            return bool(self.conn.their_state is h11.IDLE)

        def _await_headers(self) -> None:
            self._stop_header_timer()
            self._header_timer = self.loop.call_later(
                limits.header_timeout_s, self._headers_too_slow
            )

        def _stop_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self._waiting_for_headers() and not self.transport.is_closing():
                client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
                log.debug("closed %s: no complete request headers in time", client)
                self.transport.close()

    return GuardedH11Protocol


def uvicorn_transport_options(
    limits: TransportLimits, trusted_proxies: tuple[str, ...] = ()
) -> dict[str, Any]:
    """uvicorn settings for ``limits``; X-Forwarded-For is believed only from
    ``trusted_proxies`` (none by default)."""
    options: dict[str, Any] = {
        "http": guarded_http_protocol(limits),
        "proxy_headers": bool(trusted_proxies),
    }
    if trusted_proxies:
        options["forwarded_allow_ips"] = ",".join(trusted_proxies)
    return options
