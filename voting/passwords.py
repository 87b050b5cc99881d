"""Password hashing with scrypt (OpenSSL's, through :mod:`hashlib`) and a login throttle."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

# scrypt parameters: 16 MiB of memory per hash, about 50 ms on a small server.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Return ``scrypt$N$r$p$salt$hash`` (base64 fields) for ``password``."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return "$".join(
        [
            "scrypt",
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass
class LoginThrottle:
    """Slows repeated failed logins: after ``free_attempts`` failures for one name, each further
    attempt must wait ``base_delay · 2^(k-1)`` seconds (capped at ``max_delay``) after the last
    failure. Times are passed in, in seconds; a success clears the record."""

    free_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 300.0
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def wait_time(self, key: str, now: float) -> float:
        """Seconds the caller must still wait before trying ``key`` again (0 if none)."""
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.free_attempts:
            return 0.0
        delay = min(self.max_delay, self.base_delay * 2.0 ** (count - self.free_attempts))
        return max(0.0, last + delay - now)

    def failed(self, key: str, now: float) -> None:
        count, _ = self._failures.get(key, (0, 0.0))
        self._failures[key] = (count + 1, now)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
