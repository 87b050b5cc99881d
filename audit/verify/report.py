"""The verifier's report: one result per numbered check, and the tracking-code look-up."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "CHECK_TITLES",
    "MAX_KEPT_FAILURES",
    "CheckResult",
    "Failures",
    "Report",
    "Status",
    "TrackingResult",
]

#: Failures kept per check; the rest are only counted.
MAX_KEPT_FAILURES: Final = 1000

#: Number → (Chinese title, English title): one list with no gap, as docs/verifying.md gives
#: it (a test keeps the two alike). Check 0 is reading the bundle; 1–8 are audit-log.md §7, 9 is §8.
CHECK_TITLES: Final[Mapping[int, tuple[str, str]]] = {
    0: ("导出包可读", "bundle readable"),
    1: ("日志公钥与检查点签名", "log key and checkpoint signatures"),
    2: ("记录格式、序号与类型", "entry encoding, sequence numbers and types"),
    3: ("默克尔树根与检查点", "Merkle roots of the checkpoints"),
    4: ("会议、名册与设备", "meeting, roster and devices"),
    5: ("平板签名与计数器", "tablet signatures and counters"),
    6: ("出席与表决时段", "attendance and voting windows"),
    7: ("加密选票、解密与另选他人混洗", "encrypted ballots, decryption and write-in mix"),
    8: ("密钥仪式与结果复核", "key ceremony and results recounted"),
    9: ("平板见证：检查点副署", "tablets as witnesses: checkpoint cosignatures"),
}


class Status(enum.Enum):
    """A check passed, failed, or was not run because an earlier check failed."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not_run"


class Failures:
    """The failures of one check: the first :data:`MAX_KEPT_FAILURES` kept, the rest counted."""

    __slots__ = ("count", "kept")

    def __init__(self) -> None:
        self.kept: list[tuple[int, str]] = []
        self.count = 0

    def add(self, message: str, order: int = 0) -> None:
        """Record a failure; ``order`` (usually the entry's seq) sorts the kept messages."""
        self.count += 1
        if len(self.kept) < MAX_KEPT_FAILURES:
            self.kept.append((order, message))

    def __bool__(self) -> bool:
        return self.count > 0

    def messages(self) -> list[str]:
        return [message for _, message in sorted(self.kept, key=lambda item: item[0])]


@dataclass(frozen=True)
class CheckResult:
    """One numbered check. ``failures`` each name the entry (or file) concerned; at most
    :data:`MAX_KEPT_FAILURES` are kept and ``failure_count`` counts them all."""

    number: int
    title_zh: str
    title_en: str
    status: Status
    failures: list[str] = field(default_factory=list)
    failure_count: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status.value,
            "ok": self.ok,
            "failures": list(self.failures),
            "failure_count": self.failure_count,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class TrackingResult:
    """A deputy's tracking code looked up in the bundle. ``ok`` means their encrypted ballot
    was found and its inclusion proof verified against the newest checkpoint; otherwise
    ``failure`` says why. ``counted``: whether the poll's aggregate counted it (``None`` when
    the poll has no aggregate yet)."""

    tracking_code: str
    ok: bool
    seq: int | None = None
    poll: str | None = None
    deputy: str | None = None
    counted: bool | None = None
    checkpoint: str | None = None
    failure: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "tracking_code": self.tracking_code,
            "ok": self.ok,
            "seq": self.seq,
            "poll": self.poll,
            "deputy": self.deputy,
            "counted": self.counted,
            "checkpoint": self.checkpoint,
            "failure": self.failure,
        }


@dataclass(frozen=True)
class Report:
    """The whole verification: every check in order and, if asked for, the tracking code."""

    checks: list[CheckResult]
    vkey: str | None
    tracking: TrackingResult | None = None
    entries: int = 0

    @property
    def ok(self) -> bool:
        """True only if every check passed (and the tracking code, when asked for, was
        verified)."""
        checks_ok = bool(self.checks) and all(check.ok for check in self.checks)
        return checks_ok and (self.tracking is None or self.tracking.ok)

    @property
    def first_failure(self) -> CheckResult | None:
        """The check that failed, if any (later checks were not run)."""
        return next((c for c in self.checks if c.status is Status.FAILED), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "vkey": self.vkey,
            "entries": self.entries,
            "checks": [check.to_json() for check in self.checks],
            "tracking": None if self.tracking is None else self.tracking.to_json(),
        }
