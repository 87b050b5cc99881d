"""Settings of a congress-vote installation: the one module that reads the environment.

``CONGRESS_DATA``  directory for the database and keys (default ``var``)
``CONGRESS_DB``    SQLAlchemy database URL (default: the SQLite file ``congress.sqlite`` in the
                   data directory, i.e. ``sqlite:///var/congress.sqlite``)
``CONGRESS_TRUSTED_PROXIES``  comma-separated addresses of reverse proxies whose
                   ``X-Forwarded-For`` header names the client (default: none, the header is ignored)
``CONGRESS_PEER_URL``  the address of the other server of a primary/standby pair
                   (``https://host:port``): printed on pairing cards so that tablets know both,
                   and allowed to open this server's WebSockets from its pages (default: none)
``CONGRESS_SCRYPT_N``  the scrypt cost of new password hashes (default 16384; tests lower it)
``CONGRESS_PING_INTERVAL_S``, ``CONGRESS_PING_TIMEOUT_S``, ``CONGRESS_CHECKPOINT_EVERY_S``
                   the WebSocket heartbeat and the checkpoint interval, in seconds (defaults 3,
                   3 and 60)

Files in the data directory: the log signing key ``log-key.pem`` (commands take ``--key`` to use
another file), and for HTTPS on the hall LAN, made by ``congress init --host/--ip``, the local
CA certificate ``tls/ca.pem``, the server certificate ``tls/server.pem`` and its key
``tls/server-key.pem``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from voting.passwords import SCRYPT_N

DEFAULT_DATA_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    # Storage
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'congress.sqlite'}"
    # Keys
    log_key_path: Path = DEFAULT_DATA_DIR / "log-key.pem"
    # HTTPS on the hall LAN
    tls_ca_path: Path = DEFAULT_DATA_DIR / "tls" / "ca.pem"
    tls_cert_path: Path = DEFAULT_DATA_DIR / "tls" / "server.pem"
    tls_key_path: Path = DEFAULT_DATA_DIR / "tls" / "server-key.pem"
    # Logins
    scrypt_n: int = SCRYPT_N
    trusted_proxies: frozenset[str] = frozenset()
    # The other server of a primary/standby pair (docs/operations.md §14), e.g.
    # "https://10.0.0.2:8443"; None when this server stands alone.
    peer_url: str | None = None
    # Timeouts and intervals (seconds): tests lower them
    #: A connection must send ``hello`` this soon after it opens.
    hello_timeout_s: float = 10.0
    #: The server pings every WebSocket this often (``congress serve``) ...
    ping_interval_s: float = 3.0
    #: ... and drops one that has not answered within this time.
    ping_timeout_s: float = 3.0
    #: A checkpoint is signed at least this often while entries are being added.
    checkpoint_every_s: float = 60.0
    #: Pushes to the chair console and the hall display wait this long, to coalesce a burst.
    watcher_coalesce_s: float = 0.2
    # Limits per WebSocket connection
    #: Messages a second on average (a token bucket) ...
    rate_per_s: float = 20.0
    #: ... and at once.
    rate_burst: int = 40
    #: Malformed, refused or rate-limited messages in a row before the connection is closed.
    max_strikes: int = 20
    # Meeting documents
    #: The largest document (PDF) an upload may carry, in bytes: 20 MiB.
    max_document_bytes: int = 20 * 1024 * 1024

    @classmethod
    def in_directory(
        cls, data_dir: Path, database_url: str | None = None, **options: Any
    ) -> Settings:
        """The settings of an installation in ``data_dir``; the database defaults to the SQLite
        file ``congress.sqlite`` there. ``options``: other fields (timeouts, limits)."""
        return cls(
            **options,
            data_dir=data_dir,
            database_url=database_url or f"sqlite:///{data_dir / 'congress.sqlite'}",
            log_key_path=data_dir / "log-key.pem",
            tls_ca_path=data_dir / "tls" / "ca.pem",
            tls_cert_path=data_dir / "tls" / "server.pem",
            tls_key_path=data_dir / "tls" / "server-key.pem",
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings from ``environ``; unset or empty variables take their defaults."""
        data_dir = Path(environ.get("CONGRESS_DATA") or DEFAULT_DATA_DIR)
        options: dict[str, Any] = {}
        for name, variable in _TIMING_VARIABLES.items():
            if environ.get(variable):
                options[name] = float(environ[variable])
        found = cls.in_directory(data_dir, environ.get("CONGRESS_DB") or None, **options)
        proxies = environ.get("CONGRESS_TRUSTED_PROXIES") or ""
        return dataclasses.replace(
            found,
            scrypt_n=int(environ.get("CONGRESS_SCRYPT_N") or SCRYPT_N),
            trusted_proxies=frozenset(p.strip() for p in proxies.split(",") if p.strip()),
            peer_url=peer_origin(environ["CONGRESS_PEER_URL"])
            if environ.get("CONGRESS_PEER_URL")
            else None,
        )


#: Timing settings that may come from the environment (test servers run in their own process).
_TIMING_VARIABLES = {
    "ping_interval_s": "CONGRESS_PING_INTERVAL_S",
    "ping_timeout_s": "CONGRESS_PING_TIMEOUT_S",
    "checkpoint_every_s": "CONGRESS_CHECKPOINT_EVERY_S",
}


def peer_origin(url: str) -> str:
    """The origin ``scheme://host[:port]`` of the peer server's address ``url``, as a browser
    sends it in ``Origin`` (any path dropped); raises ``ValueError`` unless it is an http or https
    address with a host."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in {"http", "https"} or not parts.hostname or port == -1:
        raise ValueError(f"not an http(s) address of a server: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    # As a browser writes an origin: a lower-case host, no default port.
    if port is None or port == {"http": 80, "https": 443}[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"
