"""The kind of value each entry field holds, so that later checks can rely on it.

A field has the same kind in every entry type that carries it; a field not listed here may
hold any value. Signed tablet bodies must carry
``type``, ``deputy``, ``device`` and ``n`` (and ``poll`` in votes and encrypted ballots).
Every entry carries ``at``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any, Final

from audit.entries import (
    AT_PATTERN,
    CHANGE_POLICIES,
    DEVICE_ALGORITHMS,
    POLL_MODES,
    PROJECT_SOURCES,
    REQUIRED_FIELDS,
    ROSTER_STATUSES,
    SIGN_IN_METHODS,
)
from audit.proposals import RATINGS
from audit.verify.base import show
from audit.verify.roster import PROPOSAL_MESSAGES

__all__ = ["SIGNED_TYPES", "field_problems"]

#: Entry types that carry a tablet's signed body (sign-ins and sign-outs only by tablet).
SIGNED_TYPES: Final = frozenset(
    {"signed_in", "signed_out", "vote", "encrypted_ballot", "speech_requested", "speech_withdrawn"}
    | {"split_view_alarm"}
    | set(PROPOSAL_MESSAGES)
)

Problem = str | None


def _text(value: Any) -> Problem:
    return None if type(value) is str and value else "is not a non-empty string"


def _object(value: Any) -> Problem:
    return None if type(value) is dict else "is not an object"


def _bool(value: Any) -> Problem:
    return None if type(value) is bool else "is not true or false"


def _count(value: Any) -> Problem:
    return None if type(value) is int and value >= 0 else "is not a non-negative integer"


def _minutes(value: Any) -> Problem:
    return None if type(value) is int and value >= 1 else "is not a positive integer"


def _time(value: Any) -> Problem:
    return None if type(value) is str and _real_time(value) else "is not a UTC time"


def _one_of(choices: Collection[str]) -> Callable[[Any], Problem]:
    allowed = ", ".join(sorted(choices))

    def check(value: Any) -> Problem:
        return None if type(value) is str and value in choices else f"is not one of {allowed}"

    return check


def _distinct_texts(value: Any) -> Problem:
    if type(value) is not list or any(type(item) is not str or not item for item in value):
        return "is not a list of non-empty strings"
    if len(set(value)) != len(value):
        repeated = next(item for index, item in enumerate(value) if item in value[:index])
        return f"lists {show(repeated)} twice"
    return None


def _list_of(fields: Mapping[str, Callable[[Any], Problem]]) -> Callable[[Any], Problem]:
    def check(value: Any) -> Problem:
        if type(value) is not list:
            return "is not a list"
        for index, item in enumerate(value):
            if type(item) is not dict:
                return f"[{index}] is not an object"
            for name, kind in fields.items():
                if name not in item:
                    return f'[{index}] lacks "{name}"'
                problem = kind(item[name])
                if problem:
                    return f"[{index}].{name} {problem}"
        return None

    return check


def _sha256(value: Any) -> Problem:
    ok = type(value) is str and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    return None if ok else "is not a SHA-256 in lower-case hex"


def _day(value: Any) -> Problem:
    if type(value) is str and len(value) == 10:
        try:
            datetime.strptime(value, "%Y-%m-%d")
            return None
        except ValueError:
            pass
    return "is not a date YYYY-MM-DD"


def _budget(value: Any) -> Problem:
    return None if type(value) is int and value >= 1 else "is not a positive integer"


def _percent(value: Any) -> Problem:
    ok = type(value) is int and 0 <= value <= 100
    return None if ok else "is not a whole number from 0 to 100"


def _anything(value: Any) -> Problem:
    return None


def _totals(value: Any) -> Problem:
    if type(value) is not dict:
        return "is not an object"
    for name in ("cast", "valid", "void"):
        if name not in value:
            return f'lacks "{name}"'
    return None


_FIELDS: Final[Mapping[str, Callable[[Any], Problem]]] = {
    **dict.fromkeys(
        ("deputy", "device", "poll", "item", "by", "reason", "origin", "log_key"), _text
    ),
    **dict.fromkeys(("public_key", "sig"), _text),
    **dict.fromkeys(
        ("meeting", "settings", "definition", "body", "result", "counts", "write_ins"), _object
    ),
    **dict.fromkeys(("present", "participants", "confirmed_by", "sworn"), _distinct_texts),
    "led_by": _text,
    **dict.fromkeys(("title", "filename"), _text),
    "size": _count,
    "sha256": _sha256,
    "status": _one_of(ROSTER_STATUSES),
    "method": _one_of(SIGN_IN_METHODS),
    "alg": _one_of(DEVICE_ALGORITHMS),
    "mode": _one_of(POLL_MODES),
    "change_policy": _one_of(CHANGE_POLICIES),
    "issued": _count,
    "minutes": _minutes,
    "ends_at": _time,
    "leave": _bool,
    "ballots": _totals,
    "choice": _anything,
    "roster": _list_of(
        {"deputy": _text, "name": _text, "seat": _anything, "status": _one_of(ROSTER_STATUSES)}
    ),
    "items": _list_of({"item": _text, "title": _text, "kind": _anything}),
    # Co-signed proposals (audit/proposals.py).
    **dict.fromkeys(("proposal", "reference", "unit", "answer", "deadline"), _text),
    "sponsors": _distinct_texts,
    **dict.fromkeys(("required", "electorate"), _count),
    "signatures": _list_of({"body": _object, "sig": _text}),
    "rating": _one_of(RATINGS),
    # Livelihood projects.
    **dict.fromkeys(("project", "adopted_in", "description", "text"), _text),
    "budget_yuan": _budget,
    **dict.fromkeys(("completion", "date"), _day),
    "source": _one_of(PROJECT_SOURCES),
    "percent": _percent,
    **dict.fromkeys(("deputies", "projects"), _distinct_texts),
    # Public notices (audit/notices.py).
    "notice": _count,
    "sources": _distinct_texts,
}

_BODY_FIELDS: Final[Mapping[str, Callable[[Any], Problem]]] = {
    "type": _text,
    "deputy": _text,
    "device": _text,
    "n": _count,
}


Checker = Callable[[Any], Problem]

#: Per entry type: (field, checker) for every required field, in name order.
_CHECKS: Final[Mapping[str, tuple[tuple[str, Checker], ...]]] = {
    kind: tuple((name, _FIELDS.get(name, _anything)) for name in sorted(names))
    for kind, names in REQUIRED_FIELDS.items()
}
_SIGNED_BY_DEVICE: Final = frozenset({"vote", "encrypted_ballot"} | set(PROPOSAL_MESSAGES))
#: What a signed body must hold besides the common fields: the poll, or the proposal.
_BODY_CHECKS: Final[Mapping[str, tuple[tuple[str, Checker], ...]]] = {
    "sign-in": tuple(_BODY_FIELDS.items()),
    "poll": (*_BODY_FIELDS.items(), ("poll", _text)),
    "proposal": (*_BODY_FIELDS.items(), ("proposal", _text)),
}


def field_problems(kind: str, entry: Mapping[str, Any]) -> list[str]:
    """What is wrong with the fields of an entry of type ``kind`` whose required fields are
    all present; each problem reads after the entry type, e.g. ``deputy is not a string``."""
    problems = []
    for name, check in _CHECKS[kind]:
        problem = check(entry[name])
        if problem:
            problems.append(f"{name} {problem}")
    at = entry.get("at")
    if at is None and "at" not in entry:
        problems.append('lacks required field "at"')
    elif type(at) is not str or not _real_time(at):
        problems.append(f"at {show(at)} is not a UTC time YYYY-MM-DDTHH:MM:SSZ")
    if kind in SIGNED_TYPES and entry.get("method", "tablet") == "tablet":
        problems.extend(_body_problems(kind, entry))
    return problems


@functools.lru_cache(maxsize=4096)
def _real_time(at: str) -> bool:
    if not AT_PATTERN.fullmatch(at):
        return False
    try:
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def _body_problems(kind: str, entry: Mapping[str, Any]) -> list[str]:
    missing = [name for name in ("body", "sig") if name not in entry]
    if missing:
        return [f'by tablet lacks "{name}"' for name in missing]
    body, problems = entry["body"], []
    for name in ("body", "sig"):
        problem = _FIELDS[name](entry[name])
        if problem:
            problems.append(f"{name} {problem}")
    if problems:
        return problems
    subject = "proposal" if kind in PROPOSAL_MESSAGES else "poll"
    for name, check in _BODY_CHECKS[subject if kind in _SIGNED_BY_DEVICE else "sign-in"]:
        if name not in body:
            problems.append(f'body lacks "{name}"')
            continue
        problem = check(body[name])
        if problem:
            problems.append(f"body.{name} {problem}")
    return problems
