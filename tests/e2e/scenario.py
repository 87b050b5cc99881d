"""Steps of a sitting taken through the HTTP API, to bring a meeting where a browser test starts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablets import HallTablet

BASE = f"/api/meetings/{MEETING}"


def deputies(first: int, last: int) -> list[str]:
    """Deputy ids ``d{first}`` … ``d{last}`` of the sample roster."""
    return [f"d{i:02}" for i in range(first, last + 1)]


def sign_in(server: DemoServer, token: str, ids: Iterable[str]) -> None:
    """补签 by the operator (chair token)."""
    for deputy in ids:
        server.api("POST", f"{BASE}/deputies/{deputy}/sign-in", token=token)


def tablets(server: DemoServer, token: str, ids: Iterable[str]) -> list[HallTablet]:
    """Pair, connect and sign in one tablet per deputy."""
    found = []
    for deputy in ids:
        tablet = HallTablet(server, deputy, token)
        tablet.sign_in()
        found.append(tablet)
    return found


def vote(tablets: Iterable[HallTablet], poll: str, choices: Iterable[Any]) -> None:
    for tablet, choice in zip(tablets, choices, strict=False):
        tablet.secret_ballot(poll, choice)


def make_current(server: DemoServer, token: str, item: str) -> None:
    server.api("POST", f"{BASE}/items/{item}/current", token=token)


def open_poll(
    server: DemoServer, token: str, item: str, definition: dict[str, Any], **options: Any
) -> str:
    body = {"item": item, "definition": definition, **options}
    poll: str = server.api("POST", f"{BASE}/polls", body, token=token)["poll"]
    return poll


def close_poll(server: DemoServer, token: str, poll: str) -> dict[str, Any]:
    result: dict[str, Any] = server.api("POST", f"{BASE}/polls/{poll}/close", token=token)
    return result


def state(server: DemoServer, token: str) -> dict[str, Any]:
    found: dict[str, Any] = server.api("GET", BASE, token=token)
    return found
