"""Errors a client can cause, each with a stable code and a sentence in Chinese and English.

::

    CommandError                 a command was refused; nothing was written
    ├── NotFound                 the meeting, deputy, item or poll does not exist (HTTP 404)
    ├── Forbidden                the caller's role may not do this (HTTP 403)
    ├── Unauthenticated          no valid credentials (HTTP 401)
    ├── Conflict                 the command does not fit the current state (HTTP 409)
    ├── TooManyAttempts          too many failed logins; wait and retry (HTTP 429)
    └── Unavailable              the command could not be stored; retry (HTTP 503)

A refused command changes nothing: the service raises before its transaction commits.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CommandError(Exception):
    """A refused command. ``code`` is stable (clients switch on it); the messages are for people."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, zh: str, en: str, **details: Any) -> None:
        super().__init__(f"{code}: {en}")
        self.code = code
        self.zh = zh
        self.en = en
        self.details = details

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.zh, "message_en": self.en}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(CommandError):
    status = 404


class Forbidden(CommandError):
    status = 403


class Unauthenticated(CommandError):
    status = 401


class Conflict(CommandError):
    status = 409


class TooManyAttempts(CommandError):
    status = 429


class Unavailable(CommandError):
    status = 503


def storage_failed() -> Unavailable:
    """A transaction could not be stored (database locked, disk full): nothing was recorded."""
    return Unavailable(
        "storage-failed",
        "暂时无法保存，请稍后重试（您的表决尚未记录）",
        "could not store the command; try again (nothing was recorded)",
    )
