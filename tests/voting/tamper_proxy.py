"""A curious operator in front of a live server: an HTTP proxy that passes every GET through,
except the bodies and headers it was told to change and the files it was told to add.

Used by tests/voting/test_check_client.py to serve a tablet client that differs from the release
in one known way.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
#: Headers the proxy sets itself.
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "date", "server"}


@dataclass
class Tampering:
    """What to change: ``bodies`` maps a path to a function of the real body, ``headers`` a path to
    headers to set, ``added`` a path to a body served without asking the server, ``removed`` the
    paths answered with 404."""

    bodies: dict[str, Callable[[bytes], bytes]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)


@contextmanager
def tamper_proxy(upstream: str, tampering: Tampering) -> Iterator[str]:
    """Run the proxy on a loopback port; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in tampering.removed:
                status, headers, body = 404, {"content-type": "text/plain"}, b"Not Found"
            elif path in tampering.added:
                status, body = 200, tampering.added[path]
                headers = {"content-type": "text/javascript; charset=utf-8"}
            else:
                status, headers, body = _forward(upstream + self.path)
            if path in tampering.bodies and status == 200:
                body = tampering.bodies[path](body)
            headers.update(tampering.headers.get(path, {}))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _forward(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _OPENER.open(url, timeout=10) as response:
            status, raw, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw, body = error.code, error.headers, error.read()
    headers = {name.lower(): value for name, value in raw.items()}
    return status, {k: v for k, v in headers.items() if k not in _HOP_HEADERS}, body
