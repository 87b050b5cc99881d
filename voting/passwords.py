"""Password hashing with scrypt (OpenSSL's, through :mod:`hashlib`) and a login throttle.

Hashing costs some 40 ms of CPU on a small server at the production cost: callers on the event
loop run :class:`Passwords` methods in a worker thread (``asyncio.to_thread``). The cost is a
setting (``Settings.scrypt_n``) so that tests can lower it; a stored hash carries its own
parameters, so changing the setting never locks anyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

# scrypt parameters: 16 MiB of memory per hash, about 50 ms on a small server.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str, *, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """Return ``scrypt$N$r$p$salt$hash`` (base64 fields) for ``password`` at cost ``n``."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return "$".join(
        [
            "scrypt",
            str(n),
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


class Passwords:
    """Hashes and checks passwords at one scrypt cost ``n`` (a power of two).

    :meth:`check` of an unknown account (``stored`` is None) checks the password against a dummy
    hash of the same cost and answers False, so a wrong password for an existing name and any
    password for an unknown name take the same time: the timing does not tell which names exist.
    """

    def __init__(self, n: int = SCRYPT_N) -> None:
        if n < 2 or n & (n - 1):
            raise ValueError(f"the scrypt cost must be a power of two ≥ 2, not {n}")
        self.n = n
        self._dummy = hash_password(secrets.token_urlsafe(16), n=n)

    def hash(self, password: str) -> str:
        return hash_password(password, n=self.n)

    def check(self, password: str, stored: str | None) -> bool:
        """Whether ``password`` matches ``stored``; always False (after the same work) when
        ``stored`` is None."""
        matches = check_password(password, stored if stored is not None else self._dummy)
        return matches and stored is not None


@dataclass
class LoginThrottle:
    """Slows repeated failed logins: after ``free_attempts`` failures for one key, each further
    attempt must wait ``base_delay · 2^(k-1)`` seconds (capped at ``max_delay``) after the last
    failure. Times are passed in, in seconds; a success clears the record.

    Memory is bounded: at most ``max_keys`` records are kept; recording a failure for a new key
    when full forgets the key whose last failure is oldest (records are kept in the order of
    their last failure)."""

    free_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 300.0
    max_keys: int = 10_000
    _failures: OrderedDict[str, tuple[int, float]] = field(default_factory=OrderedDict)

    def wait_time(self, key: str, now: float) -> float:
        """Seconds the caller must still wait before trying ``key`` again (0 if none)."""
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.free_attempts:
            return 0.0
        delay = min(self.max_delay, self.base_delay * 2.0 ** (count - self.free_attempts))
        return max(0.0, last + delay - now)

    def failed(self, key: str, now: float) -> None:
        count, _ = self._failures.pop(key, (0, 0.0))
        self._failures[key] = (count + 1, now)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def __len__(self) -> int:
        """How many keys have a record."""
        return len(self._failures)
