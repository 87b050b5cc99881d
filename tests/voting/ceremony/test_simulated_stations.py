"""Simulated stations only in a demo meeting: a station whose id says it is simulated
(``sim-…``) is refused, pairing and every signed body, on a meeting without the setting
``simulated_scrutineers``; the API refuses that setting; a demo meeting takes such stations."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from devices.scrutineer.client import ServerRefused
from devices.scrutineer.simulated import run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing, join_board, rebuild
from tests.voting.ceremony.sitting import (
    AGENDA,
    HOLDERS,
    MANUAL,
    ClientTransport,
    paired_stations,
    sitting_with_scrutineers,
)
from tests.voting.conftest import ORIGIN
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING, TITLE, Staff, bootstrap_admin, roster
from voting import demo_scrutineers
from voting.core.stations import SIMULATED_PREFIX, SIMULATED_SETTING

REFUSED_ZH = "监票终端 sim-d01 自称模拟终端：模拟监票人仅供演示会议使用，本会议不接受"
REFUSED_EN = (
    "station 'sim-d01' says it is simulated: simulated scrutineers are for a demo meeting "
    "only, and this meeting is not one"
)


def sim(client: TestClient, deputy: str) -> Station:
    return simulated_station(
        ClientTransport(client), MEETING, deputy, name=f"{SIMULATED_PREFIX}{deputy}"
    )


def demo_sitting(client: TestClient) -> Staff:
    """As :func:`sitting_with_scrutineers`, on a meeting created as ``congress demo`` creates
    its own: with the setting ``simulated_scrutineers``."""
    chair = bootstrap_admin(client)
    client.app.state.runtime.congress.create_meeting(  # type: ignore[attr-defined]
        meeting=MEETING,
        origin=ORIGIN,
        title=TITLE,
        date="2026-03-01",
        settings={SIMULATED_SETTING: True},
    )
    chair.call("PUT", "/roster", roster(5))
    chair.post("/open")
    chair.call("PUT", "/agenda", AGENDA)
    for i in range(1, 6):
        chair.post(f"/deputies/d{i:02}/sign-in")
    poll = chair.post(
        "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )
    chair.post(f"/polls/{poll['poll']}/manual-result", MANUAL)
    return chair


def test_the_demo_names_the_setting_and_the_prefix_the_server_checks() -> None:
    assert demo_scrutineers.FLAG == SIMULATED_SETTING == "simulated_scrutineers"
    assert SIMULATED_PREFIX == "sim-"


def test_a_simulated_station_cannot_pair_on_a_meeting_that_is_not_a_demo(
    client: TestClient,
) -> None:
    chair = sitting_with_scrutineers(client)
    code = chair.post("/scrutineers/d01/station-code")["code"]
    before = digest(client)
    with pytest.raises(ServerRefused) as refused:
        sim(client, "d01").pair(code)
    assert (refused.value.status, refused.value.code) == (403, "simulated-station")
    assert (refused.value.message, refused.value.message_en) == (REFUSED_ZH, REFUSED_EN)
    assert digest(client) == before
    # The code was not used up: the scrutineer's own station pairs with it.
    own = simulated_station(ClientTransport(client), MEETING, "d01")
    own.pair(code)
    assert own.state.station == "station-d01"
    assert client.get(f"/api/meetings/{MEETING}/ceremony").status_code == 200


def test_a_body_signed_as_a_simulated_station_is_refused_on_a_meeting_that_is_not_a_demo(
    client: TestClient,
) -> None:
    chair = sitting_with_scrutineers(client)
    stations = paired_stations(client, chair)
    chair.post("/ceremony/start", {})
    first = stations[0]
    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    assert join_board(first.state, board)
    (announcement,) = first.plan(rebuild(board))
    first.state.station = f"{SIMULATED_PREFIX}d01"  # the same key, now claiming to be simulated
    before = digest(client)
    for endpoint, signed in (
        ("ceremony/messages", first.sign(announcement)),
        (
            "liveness/answers",
            first.sign(Outgoing("liveness", {"poll": "p9", "challenge": "x", "proof": "y"}, "l")),
        ),
    ):
        response = client.post(f"/api/meetings/{MEETING}/{endpoint}", json=signed)
        answer: Any = response.json()
        assert (response.status_code, answer["error"]) == (403, "simulated-station"), endpoint
        assert (answer["message"], answer["message_en"]) == (REFUSED_ZH, REFUSED_EN)
    assert digest(client) == before
    # Under its paired id the same station's announcement is accepted.
    first.state.station = "station-d01"
    response = client.post(
        f"/api/meetings/{MEETING}/ceremony/messages", json=first.sign(announcement)
    )
    assert response.status_code == 200, response.text


def test_a_demo_meeting_takes_simulated_stations_through_the_whole_ceremony(
    client: TestClient,
) -> None:
    chair = demo_sitting(client)
    assert chair.state()[SIMULATED_SETTING] is True
    stations = []
    for deputy in HOLDERS:
        station = sim(client, deputy)
        station.pair(chair.post(f"/scrutineers/{deputy}/station-code")["code"])
        stations.append(station)
    chair.post("/ceremony/start", {})
    assert run_until_settled(stations) == "complete"
    assert [s.state.station for s in stations] == ["sim-d01", "sim-d02", "sim-d03"]


@pytest.mark.parametrize("value", [True, False])
def test_the_api_refuses_the_demo_setting(client: TestClient, value: bool) -> None:
    admin = bootstrap_admin(client)
    response = client.post(
        "/api/meetings",
        json={
            "meeting": "m2",
            "origin": "x.local/2",
            "title": "会议",
            "date": "2026-03-01",
            "settings": {SIMULATED_SETTING: value},
        },
        headers=admin.headers,
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "demo-only-setting",
        "message": "设置 simulated_scrutineers（模拟监票人）只能由演示程序 congress demo 写入",
        "message_en": "the setting simulated_scrutineers (simulated scrutineers) is written only "
        "by congress demo, not through the API",
    }
    listed = client.get("/api/meetings", headers=admin.headers).json()["meetings"]
    assert [m["meeting"] for m in listed] == []
