"""The error table of docs/protocol.md §9 against the code: every code the server can send is
listed, every listed code is one the server sends, with the HTTP status the table gives."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from voting import errors, limits, standby
from voting.app import ROUTING_ERRORS

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("voting", "ballots", "audit", "devices")
ERROR_CLASSES = {
    cls.__name__: cls.status
    for cls in (
        errors.CommandError,
        errors.NotFound,
        errors.Forbidden,
        errors.Unauthenticated,
        errors.Conflict,
        errors.TooLarge,
        errors.TooManyAttempts,
        errors.Unavailable,
    )
}
#: The pairing codes' own refusal, which the server answers as ``Unauthenticated``.
ERROR_CLASSES["PairingCodeError"] = errors.Unauthenticated.status


#: Where errors only ever go out on a WebSocket, whose error messages carry no HTTP status.
SOCKET_ONLY = {Path("voting/sockets.py")}


def codes_in_the_code() -> dict[str, set[int]]:
    """Each code given to an error class in the source, with the HTTP statuses it is raised
    with outside the WebSocket-only modules; and the router's own codes."""
    found: dict[str, set[int]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in ERROR_CLASSES:
                    continue
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    statuses = found.setdefault(first.value, set())
                    if path.relative_to(ROOT) not in SOCKET_ONLY:
                        statuses.add(ERROR_CLASSES[name])
                else:
                    # A computed code (re-raising a refusal with more context) is no new code.
                    assert isinstance(first, ast.Attribute), f"{path}:{node.lineno}"
    for status, (code, _, _) in ROUTING_ERRORS.items():
        found.setdefault(code, set()).add(status)
    # The body limit answers before any endpoint runs.
    found.setdefault(limits.ERROR_CODE, set()).add(413)
    # A standby server answers every request so until its database is promoted.
    found.setdefault(standby.STANDBY_ERROR["error"], set()).add(503)
    return found


def codes_in_the_docs() -> dict[str, str]:
    """The §9 table: code → its HTTP column."""
    text = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = text.split("## 9. Error codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]*) \|", section, re.MULTILINE)
    assert rows, "no error table in docs/protocol.md §9"
    assert len({code for code, _ in rows}) == len(rows), "a code is listed twice"
    return {code: status.strip() for code, status in rows}


def test_the_documented_codes_are_the_codes_the_server_sends() -> None:
    documented = codes_in_the_docs()
    sent = codes_in_the_code()
    assert sorted(set(sent) - set(documented)) == []
    assert sorted(set(documented) - set(sent)) == []


def test_the_documented_http_status_is_the_one_of_the_error() -> None:
    documented = codes_in_the_docs()
    for code, statuses in codes_in_the_code().items():
        column = documented[code]
        if column == "—" or not statuses:
            continue  # a WebSocket-only code
        assert {int(s) for s in re.findall(r"\d{3}", column)} == statuses, code
