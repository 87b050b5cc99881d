"""Reading JSON-like values: type checks that name the exact path of a bad value.

Paths follow JSON path conventions without the leading ``$``: ``poll.seats``,
``ballots[3].chosen[1]``, and ``marks["c-1"]`` for keys that are not plain names.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ballots.errors import InputError

_SHOWN_CHARS = 40


def key_path(parent: str, key: object) -> str:
    """The path of ``key`` inside the object at ``parent`` (``""`` is the top level)."""
    if isinstance(key, str) and key.isidentifier():
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{quote(key)}]"


def index_path(parent: str, index: int) -> str:
    """The path of item ``index`` of the list at ``parent``."""
    return f"{parent}[{index}]"


def quote(value: object) -> str:
    """A string in double quotes as JSON writes it (non-ASCII kept), anything else described."""
    if isinstance(value, str):
        if len(value) > _SHOWN_CHARS:
            value = value[:_SHOWN_CHARS] + "…"
        return json.dumps(value, ensure_ascii=False)
    return describe(value)


def describe(value: object) -> str:
    """A short phrase for a value in an error message: ``true``, ``54.0``, ``"54"``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def expect_object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(path, f"expected an object, got {describe(value)}")
    return value


def expect_list(value: object, path: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise InputError(path, f"expected a list, got {describe(value)}")
    return value


def expect_int(value: object, path: str, *, minimum: int) -> int:
    """An integer ``>= minimum``; booleans are not integers here."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
        return value
    wanted = {0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer of at least {minimum}"
    )
    raise InputError(path, f"expected {wanted}, got {describe(value)}")


def expect_str(value: object, path: str, *, allow_empty: bool = False) -> str:
    if isinstance(value, str) and (allow_empty or value):
        return value
    wanted = "a string" if allow_empty else "a non-empty string"
    raise InputError(path, f"expected {wanted}, got {describe(value)}")


def expect_bool(value: object, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise InputError(path, f"expected true or false, got {describe(value)}")


def expect_choice(value: object, path: str, choices: Sequence[str]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    raise InputError(path, f"expected {one_of(choices)}, got {describe(value)}")


def one_of(choices: Sequence[str]) -> str:
    """``"a", "b" or "c"``."""
    quoted = [quote(choice) for choice in choices]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def require(obj: Mapping[str, Any], key: str, path: str) -> Any:
    """The value of a required field."""
    if key not in obj:
        raise InputError(key_path(path, key), "missing field")
    return obj[key]


def reject_unknown(obj: Mapping[str, Any], allowed: Collection[str], path: str) -> None:
    """Raise for the first field of ``obj`` (in its own order) that is not in ``allowed``."""
    for key in obj:
        if key not in allowed:
            raise InputError(key_path(path, key), "unknown field")
