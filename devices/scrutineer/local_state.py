"""What a station keeps on its own disk: a JSON file readable by its owner only (0600).

It holds the station's signing key and counter, the run of the ceremony it takes part in with
its index, the secrets of that run (transport key and polynomial, then the share ``s_j``), and
every message it produced for the run (so that a re-post after a crash sends the same bytes,
never a second, different message). Nothing here is ever sent to the server; the share leaves
the station only on the printed backup card.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["LocalState", "StationStateError", "load_state", "new_state", "save_state"]

_VERSION = 1


class StationStateError(Exception):
    """The station's state file is missing, unreadable or not a station's state."""


@dataclass
class LocalState:
    """A station's own state. Secrets are hex strings; ``None`` until they exist."""

    server: str
    meeting: str
    station: str
    signing_key: str  # base64 of the raw 32-byte Ed25519 private key
    origin: str = ""
    deputy: str = ""
    counter: int = 0
    # The run of the ceremony this station takes part in, and its place in it.
    ceremony: str | None = None
    index: int | None = None
    t: int | None = None
    n: int | None = None
    transport_secret: str | None = None
    coefficients: list[str] | None = None
    # Messages produced for the run, by slot ("announcement", "share:3", "acceptance", …):
    # base64url of their bytes, re-posted unchanged until the board shows them.
    outbox: dict[str, str] = field(default_factory=dict)
    # Once round 3 passed: the share s_j; once complete: the key id (hex).
    secret_share: str | None = None
    key_id: str | None = None
    # Liveness challenges answered, as "poll challenge".
    answered: list[str] = field(default_factory=list)
    # The meeting's log key (from pairing), the last verified checkpoint [size, root base64],
    # and each poll decrypted with the hash of the aggregate it was decrypted for.
    log_key: str = ""
    witnessed: list[Any] | None = None
    # Every signed checkpoint note the station has read, by tree size (a share set on the log
    # is bound to one of them: the verifier needs the signed note).
    checkpoints: dict[str, str] = field(default_factory=dict)
    decrypted: dict[str, str] = field(default_factory=dict)
    version: int = _VERSION

    def private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(self.signing_key))

    def public_key(self) -> str:
        """Base64 of the raw 32-byte public key, as the server's pairing takes it."""
        raw = (
            self.private_key()
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        return base64.b64encode(raw).decode()

    def join(self, ceremony: str, index: int, t: int, n: int) -> None:
        """Forget a previous run's secrets and take part in ``ceremony`` as ``index``."""
        self.ceremony, self.index, self.t, self.n = ceremony, index, t, n
        self.transport_secret = None
        self.coefficients = None
        self.outbox = {}
        self.secret_share = None
        self.key_id = None


def new_state(*, server: str, meeting: str, station: str) -> LocalState:
    """A fresh station with a new Ed25519 signing key."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return LocalState(server, meeting, station, base64.b64encode(raw).decode())


def save_state(state: LocalState, path: Path) -> None:
    """Write ``state`` to ``path`` atomically, readable and writable by its owner only."""
    data = json.dumps(asdict(state), ensure_ascii=False, indent=1, sort_keys=True).encode()
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)


def load_state(path: Path) -> LocalState:
    """Read a state file written by :func:`save_state`."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StationStateError(f"{path}: cannot read the station's state ({error})") from None
    if not isinstance(raw, dict) or raw.get("version") != _VERSION:
        raise StationStateError(f"{path}: not a station state file of version {_VERSION}")
    try:
        return LocalState(**raw)
    except TypeError as error:
        raise StationStateError(f"{path}: {error}") from None
