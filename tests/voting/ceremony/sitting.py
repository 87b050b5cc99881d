"""A sitting ready for the key ceremony: five deputies, scrutineers adopted by a manual vote
(总监票人 d01, 监票人 d02 and d03, 计票人 d04), and helpers for stations over the test client."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from devices.scrutineer.simulated import simulated_station
from devices.scrutineer.station import Station
from tests.voting.sitting import MEETING, Staff, open_meeting

SCRUTINEERS = {"chief": ["d01"], "scrutineers": ["d02", "d03"], "tellers": ["d04"]}
HOLDERS = ["d01", "d02", "d03"]
AGENDA = {
    "items": [
        {
            "item": "scrut",
            "title": "通过总监票人、监票人、计票人名单",
            "kind": "motion",
            "adopts": {"scrutineers": SCRUTINEERS},
        },
        {"item": "a", "title": "议案一", "kind": "motion"},
    ]
}
MANUAL = {
    "issued": 5,
    "ballots": {"cast": 5, "valid": 5, "void": 0},
    "counts": {"for": 5, "against": 0, "abstain": 0},
    "confirmed_by": ["监票人"],
}


class ClientTransport:
    """A station's transport over the in-process test client."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, path, json=body, headers=headers)
        if response.headers.get("content-type", "").split(";")[0] == "application/json":
            return response.status_code, response.json()
        return response.status_code, response.text


def sitting_with_scrutineers(client: TestClient) -> Staff:
    """Open the meeting, sign everyone in and adopt the scrutineers; the chair's session."""
    chair = open_meeting(client, 5)
    chair.call("PUT", "/agenda", AGENDA)
    for i in range(1, 6):
        chair.post(f"/deputies/d{i:02}/sign-in")
    poll = chair.post(
        "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )
    chair.post(f"/polls/{poll['poll']}/manual-result", MANUAL)
    return chair


def paired_stations(
    client: TestClient,
    chair: Staff,
    deputies: list[str] = HOLDERS,
    *,
    cheat: tuple[int, str] | None = None,
    cheater: str = "",
    name: str = "station-{deputy}",
) -> list[Station]:
    """A simulated station for each deputy, paired with a station code from the console;
    ``cheater``'s station deals a bad share to ``cheat`` = (victim index, run id)."""
    stations = []
    for deputy in deputies:
        station = simulated_station(
            ClientTransport(client),
            MEETING,
            deputy,
            cheat=cheat if deputy == cheater else None,
            name=name.format(deputy=deputy),
        )
        code = chair.post(f"/scrutineers/{deputy}/station-code")["code"]
        station.pair(code)
        stations.append(station)
    return stations
