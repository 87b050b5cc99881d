"""What every check of the streaming pass shares: its failures, and the gate that stops later
checks once an earlier one has failed."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Final

import orjson

from audit.verify.report import Failures

__all__ = ["Check", "Entry", "Gate", "same_json", "show"]

#: A parsed log entry (check 2 has validated its fields' types).
Entry = dict[str, Any]

_SHOWN_CHARS: Final = 60
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_SORTED: Final = orjson.OPT_SORT_KEYS


def same_json(first: object, second: object) -> bool:
    """Whether two JSON values are the same value (``true`` is not ``1``). Values read from
    canonical entries take orjson's sorted encoding; what orjson cannot encode (an integer beyond
    64 bits, a key that is not a string) the reference encoder's."""
    try:
        return orjson.dumps(first, option=_SORTED) == orjson.dumps(second, option=_SORTED)
    except (orjson.JSONEncodeError, TypeError):
        return _ENCODER.encode(first) == _ENCODER.encode(second)


def show(value: object) -> str:
    """A value as compact JSON for a message, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return text


class Gate:
    """The lowest-numbered check that has failed so far: checks above it need not run, because
    their results would not be reported (audit-log.md §7: stop at the first class of failure)."""

    __slots__ = ("limit",)

    def __init__(self) -> None:
        self.limit = 99

    def lower(self, number: int) -> None:
        if number < self.limit:
            self.limit = number

    def allows(self, number: int) -> bool:
        return number <= self.limit


class Check:
    """Base of the numbered checks: records failures and lowers the gate."""

    number: ClassVar[int]

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.failures = Failures()

    def fail(self, seq: int, message: str) -> None:
        """Record a failure concerning entry ``seq``; ``message`` names it."""
        self.failures.add(message, seq)
        self.gate.lower(self.number)

    def detail(self) -> str:
        """A one-line summary of what was checked, for the report."""
        return ""
