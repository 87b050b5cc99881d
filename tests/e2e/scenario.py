"""Steps of a sitting taken through the HTTP API, to bring a meeting where a browser test starts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from devices.scrutineer.client import HttpTransport
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablets import HallTablet
from voting.demo_scrutineers import SimulatedScrutineers

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
    """Named votes (记名表决) from ``tablets``."""
    for tablet, choice in zip(tablets, choices, strict=False):
        tablet.named_vote(poll, choice)


def take_office(server: DemoServer, token: str) -> SimulatedScrutineers:
    """The sample meeting's scrutineers' list (item i08) adopted on paper and the key ceremony
    run by three simulated stations (d05–d07), which the test then steps itself. The hall must
    have a quorum signed in."""
    credentials = server.credentials()
    scrutineers = SimulatedScrutineers(
        HttpTransport(server.base, timeout=30),
        MEETING,
        chair=(credentials["chair"]["username"], credentials["chair"]["password"]),
        auditor_token=credentials["auditor_token"],
        store=server.data / "scrutineers-e2e",
        say=lambda line: None,
    )
    scrutineers.check_meeting()
    hall = state(server, token)
    assert hall["attendance"]["present"] * 2 > len(hall["roster"]), hall["attendance"]
    scrutineers.adopt_when_ready()
    scrutineers.pair_stations()
    scrutineers.run_ceremony()
    assert server.api("GET", f"{BASE}/ceremony", token=token)["phase"] == "complete"
    return scrutineers


def answer_liveness(server: DemoServer, token: str, scrutineers: SimulatedScrutineers) -> str:
    """The chair's liveness challenge for the next poll, answered by the stations; its id."""
    poll = f"p{len(state(server, token)['polls']) + 1}"
    server.api("POST", f"{BASE}/liveness/challenge", {"poll": poll}, token=token)
    scrutineers.step()
    return poll


def open_encrypted(
    server: DemoServer,
    token: str,
    scrutineers: SimulatedScrutineers,
    item: str,
    definition: dict[str, Any],
    **options: Any,
) -> str:
    """The chair's liveness challenge for the next poll, answered by the stations, then the
    encrypted poll opened on ``item`` under that id."""
    poll = answer_liveness(server, token, scrutineers)
    body = {"poll": poll, "mode": "encrypted", **options}
    assert open_poll(server, token, item, definition, **body) == poll
    return poll


def cast_encrypted(
    server: DemoServer,
    token: str,
    tablets: Iterable[HallTablet],
    poll: str,
    choices: Iterable[Any],
) -> None:
    """Encrypted ballots from ``tablets`` in the open encrypted ``poll``."""
    view = state(server, token)["poll"]
    assert view["poll"] == poll and view["status"] == "open", view
    for tablet, choice in zip(tablets, choices, strict=False):
        tablet.encrypted_ballot(poll, view["encryption"], view["definition"], choice)


def decrypted(server: DemoServer, token: str, scrutineers: SimulatedScrutineers, poll: str) -> Any:
    """Step the stations until the closed encrypted ``poll`` has its result (decrypted, and its
    write-ins mixed); the result as the chair sees it."""
    for _ in range(8):
        scrutineers.step()
        found = next(p for p in state(server, token)["polls"] if p["poll"] == poll)
        if found.get("result") is not None:
            return found["result"]
    raise AssertionError(f"{poll} was not decrypted: {found.get('decryption')}")


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
