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


class TooLarge(CommandError):
    status = 413


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


# Refusals that more than one place makes: one code and one sentence each -------------------------


def invalid_message(problem: str) -> CommandError:
    """A message or body that does not fit its model."""
    return CommandError(
        "invalid-message", f"消息格式错误：{problem}", f"invalid message: {problem}"
    )


def meeting_not_open() -> Conflict:
    return Conflict("meeting-not-open", "会议尚未开始", "the meeting has not been opened")


def unknown_deputy(deputy: str) -> NotFound:
    return NotFound("unknown-deputy", f"代表 {deputy} 不在名册中", f"no deputy {deputy}")


def unknown_device(device: object) -> Forbidden:
    """A device id that was never paired in this meeting."""
    return Forbidden("unknown-device", "设备未配对", f"device {device!r} is not paired")


def device_revoked(device: str) -> Forbidden:
    """A device an operator revoked: refused at ``hello`` and in every signed message."""
    return Forbidden("device-revoked", "设备已被注销", f"device {device} has been revoked")


def bad_signature(device: str, problem: str) -> Forbidden:
    return Forbidden("bad-signature", "签名验证失败", f"signature from device {device}: {problem}")


def unknown_poll(poll: str) -> NotFound:
    return NotFound("unknown-poll", f"表决 {poll} 不存在", f"no poll {poll}")


def poll_closed(poll: str) -> Conflict:
    return Conflict("poll-closed", "表决已结束", f"poll {poll} is not open")


def poll_open(poll: str) -> Conflict:
    """Another poll is still open."""
    return Conflict("poll-open", f"表决 {poll} 尚未结束", f"poll {poll} is still open")


def item_withdrawn(item: str) -> Conflict:
    return Conflict("item-withdrawn", "该议程已撤回", f"item {item} was withdrawn")


def reason_required() -> CommandError:
    return CommandError(
        "reason-required",
        "必须填写原因（500字以内）",
        "a reason of at most 500 characters is required",
    )


def invalid_ballot(zh: str, en: str) -> CommandError:
    return CommandError("invalid-ballot", zh, en)
