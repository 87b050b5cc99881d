"""Canonical JSON: the exact bytes of log entries and signed tablet bodies (audit-log.md §1).

The encoding is RFC 8785 (JCS) restricted to a subset that every JSON implementation reads
exactly: objects with string keys, arrays, strings, booleans, ``null`` and integers within
±(2**53 - 1). No floats. Keys are sorted, there is no insignificant whitespace and non-ASCII
characters are written as UTF-8, not escaped.

For that subset JCS and Python's ``json.dumps(..., ensure_ascii=False, sort_keys=True,
separators=(",", ":"))`` produce the same bytes, with one exception this module rules out:
JCS sorts keys by UTF-16 code units and Python by code points, which disagree only for an
object whose keys mix characters above U+FFFF with characters from U+E000 to U+FFFF. Such
objects are rejected rather than encoded in two different ways.

Only the exact types ``dict``, ``list``, ``str``, ``int``, ``bool`` and ``None`` are accepted
(no tuples, no subclasses such as enums), so the bytes never depend on how a subclass prints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Final, NoReturn

import orjson

from audit.errors import CanonicalError

__all__ = ["MAX_SAFE_INTEGER", "canonical_bytes", "parse_canonical", "parse_canonical_quick"]

#: Largest integer magnitude allowed: beyond it a JavaScript reader (the tablets) loses digits.
MAX_SAFE_INTEGER: Final = 2**53 - 1

_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
_PLAIN_KEY: Final = re.compile(r"[A-Za-z0-9_\-]+")
_ALLOWED: Final = "only dict, list, str, int, bool and None are allowed"


def canonical_bytes(obj: object, *, name: str = "entry") -> bytes:
    """Return the canonical JSON bytes of ``obj``.

    Raises :class:`CanonicalError` naming the JSON path of the first value outside the subset,
    e.g. ``entry.result.counts.c1.for: floats are not allowed``; ``name`` is the path's root.

    orjson writes the bytes when it can (every entry and every signed body goes through here):
    for the subset it writes exactly what the reference encoder (``json.dumps`` as above)
    writes (``tests/audit/test_canonical_quick.py``), and the subset is checked on the same
    value. It refuses cycles, nesting deeper than 255 and lone surrogates, and what it refuses
    goes to the reference encoder, which encodes it or names the problem.
    """
    try:
        data = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        pass
    else:
        if _in_subset(obj):  # orjson has ruled out cycles
            return data
    try:
        text = _ENCODER.encode(obj)
    except (TypeError, ValueError, RecursionError) as exc:
        _raise_problem(obj, name, exc)
    if not _in_subset(obj):
        _raise_problem(obj, name, None)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        _raise_problem(obj, name, exc)


def parse_canonical_quick(data: bytes) -> dict[str, Any] | None:
    """The object held by ``data`` if ``data`` is plain-ASCII canonical JSON, else ``None``
    (then :func:`parse_canonical` says why, or parses what this does not try: non-ASCII text).

    It accepts exactly what :func:`parse_canonical` accepts among ASCII inputs, with the same
    result, at a fraction of the cost (orjson): the bytes must parse to an object whose sorted,
    compact re-encoding is ``data`` byte for byte (which rules out whitespace, escapes other
    than the canonical ones, unsorted and duplicate keys), and every value must be in the
    subset (no floats, integers within ±(2**53 - 1); orjson reads an integer beyond 64 bits as
    a float). Both encoders write the subset identically (``tests/audit/test_canonical_quick.py``).
    """
    if type(data) is not bytes or not data.isascii():
        return None
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(obj) is not dict or orjson.dumps(obj, option=orjson.OPT_SORT_KEYS) != data:
        return None
    if _MAYBE_OUTSIDE.search(data) is not None and not _in_subset(obj):
        return None
    return obj


# In canonical bytes a number starts right after ":", "," or "[". A float is written with a
# "." or an exponent, an integer beyond ±(2**53 - 1) with 16 digits or more: without a match
# here (strings may match too, then the walk decides) every number is an integer of the subset.
# One branch after the shared prefix: the pattern runs on every entry a verifier reads.
_MAYBE_OUTSIDE: Final = re.compile(rb"[:,\[]-?[0-9](?:[0-9]*[.eE]|[0-9]{15})")


def parse_canonical(data: bytes, *, name: str = "entry") -> dict[str, Any]:
    """Parse canonical JSON bytes holding one object, and return it.

    Raises :class:`CanonicalError` if ``data`` is not UTF-8, not JSON, holds a float, a
    duplicate key or a value other than an object at the top, or is not byte for byte the
    canonical encoding of what it holds.
    """
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalError(f"not UTF-8: invalid byte at offset {exc.start}") from None
    try:
        obj = json.loads(
            text,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        offset = len(text[: exc.pos].encode("utf-8"))
        raise CanonicalError(f"not JSON: {exc.msg} at byte {offset}") from None
    except ValueError as exc:  # e.g. an integer literal with thousands of digits
        raise CanonicalError(f"not JSON: {exc}") from None
    except RecursionError:
        raise CanonicalError("not JSON: nested too deeply") from None
    if type(obj) is not dict:
        raise CanonicalError(f"not a JSON object: the top-level value is {_json_kind(obj)}")
    encoded = canonical_bytes(obj, name=name)
    if encoded != data:
        at = _first_difference(encoded, bytes(data))
        raise CanonicalError(f"not canonical: re-encoding differs at byte {at}")
    return obj


# Fast check -------------------------------------------------------------------------------------


def _in_subset(obj: object) -> bool:
    """Whether every value in ``obj`` is in the subset (the encoder has already ruled out
    cycles). Iterative and free of path bookkeeping: it runs for every entry written."""
    stack: list[Any] = [obj]
    pop = stack.pop
    push = stack.extend
    limit = MAX_SAFE_INTEGER
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if item > limit or item < -limit:
                return False
        elif kind is dict:
            astral = False
            for key in item:
                if type(key) is not str:
                    return False
                if not key.isascii() and max(key) > "\uffff":
                    astral = True
            if astral and not _same_order_in_utf16(item):
                return False
            push(item.values())
        elif kind is list:
            push(item)
        else:
            return False
    return True


def _same_order_in_utf16(keys: Iterable[str]) -> bool:
    by_code_point = sorted(keys)
    by_utf16 = sorted(by_code_point, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
    return by_code_point == by_utf16


# Slow path: find and name the first problem ------------------------------------------------------


def _raise_problem(obj: object, name: str, cause: BaseException | None) -> NoReturn:
    problem = _find_problem(obj, name, set(), 0)
    if problem is None:  # pragma: no cover - the fast check and the walk agree
        problem = f"{name}: cannot be encoded as canonical JSON ({cause})"
    raise CanonicalError(problem) from None


# Two stack frames per level: keep well inside the interpreter's recursion limit.
_MAX_WALK_DEPTH: Final = 200


def _find_problem(obj: Any, path: str, active: set[int], depth: int) -> str | None:
    kind = type(obj)
    if obj is None or kind is bool:
        return None
    if kind is str:
        return None if _is_unicode(obj) else f"{path}: string is not valid Unicode (lone surrogate)"
    if kind is int:
        if abs(obj) > MAX_SAFE_INTEGER:
            return f"{path}: integer {obj} is outside ±(2**53 - 1)"
        return None
    if kind is float:
        return f"{path}: floats are not allowed"
    if kind is not dict and kind is not list:
        return f"{path}: {kind.__name__} values are not allowed ({_ALLOWED})"
    if id(obj) in active:
        return f"{path}: circular reference"
    if depth >= _MAX_WALK_DEPTH:
        return f"{path}: nested too deeply"
    active.add(id(obj))
    try:
        if kind is dict:
            return _find_problem_in_object(obj, path, active, depth)
        for index, value in enumerate(obj):
            problem = _find_problem(value, f"{path}[{index}]", active, depth + 1)
            if problem is not None:
                return problem
        return None
    finally:
        active.discard(id(obj))


def _find_problem_in_object(
    obj: dict[Any, Any], path: str, active: set[int], depth: int
) -> str | None:
    for key in obj:
        if type(key) is not str:
            return f"{path}: object key {key!r} is {type(key).__name__}, keys must be str"
        if not _is_unicode(key):
            return f"{path}: object key is not valid Unicode (lone surrogate)"
    if any(max(key, default="") > "\uffff" for key in obj) and not _same_order_in_utf16(obj):
        return (
            f"{path}: object keys sort differently by UTF-16 code units (RFC 8785) "
            "and by code points"
        )
    for key in sorted(obj):
        problem = _find_problem(obj[key], _child_path(path, key), active, depth + 1)
        if problem is not None:
            return problem
    return None


def _child_path(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Parser hooks -----------------------------------------------------------------------------------


def _reject_float(literal: str) -> NoReturn:
    raise CanonicalError(f"floats are not allowed: {literal}")


def _reject_constant(literal: str) -> NoReturn:
    raise CanonicalError(f"not JSON: {literal} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CanonicalError(
                    f"duplicate key {json.dumps(key, ensure_ascii=False)} in an object"
                )
            seen.add(key)
    return obj


def _first_difference(left: bytes, right: bytes) -> int:
    for position, (mine, theirs) in enumerate(zip(left, right, strict=False)):
        if mine != theirs:
            return position
    return min(len(left), len(right))


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
