"""The first place where two JSON values differ, as a path and the two values there."""

from __future__ import annotations

from typing import Any, Final

from audit.verify.base import same_json, show

__all__ = ["MISSING", "describe_difference", "first_difference"]


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


#: Stands for a key absent on one side.
MISSING: Final = _Missing()


def first_difference(expected: Any, found: Any, path: str) -> tuple[str, Any, Any] | None:
    """``(path, expected value, found value)`` at the first difference in key order, or
    ``None`` if the values are the same JSON value."""
    if type(expected) is dict and type(found) is dict:
        for key in sorted(expected.keys() | found.keys()):
            difference = first_difference(
                expected.get(key, MISSING), found.get(key, MISSING), _key_path(path, key)
            )
            if difference is not None:
                return difference
        return None
    if type(expected) is list and type(found) is list:
        for index, (left, right) in enumerate(zip(expected, found, strict=False)):
            difference = first_difference(left, right, f"{path}[{index}]")
            if difference is not None:
                return difference
        if len(expected) != len(found):
            return f"{path}.length", len(expected), len(found)
        return None
    if expected is MISSING or found is MISSING or not same_json(expected, found):
        return path, expected, found
    return None


def describe_difference(expected: Any, found: Any, path: str) -> str | None:
    """``"result.counts.for: expected 30, found 31"``, or ``None`` if there is no difference."""
    difference = first_difference(expected, found, path)
    if difference is None:
        return None
    where, left, right = difference
    return f"{where}: expected {_shown(left)}, found {_shown(right)}"


def _shown(value: Any) -> str:
    return "nothing" if value is MISSING else show(value)


def _key_path(parent: str, key: str) -> str:
    if key.isidentifier():
        return f"{parent}.{key}"
    return f"{parent}[{show(key)}]"
