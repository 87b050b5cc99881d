"""An encrypted 主席 election, whose write-ins are limited to the deputies (组织法 Art 18): the
poll lists them as roster id + name pairs, each tablet writes in the picked deputy's id with
k = 1, and after the mix the server and the verifier read each id as that deputy's name; an id
that is not in the list, or a name where an id belongs, is ignored and the count goes on."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from audit.verify import verify_bundle
from ballots.crypto.shape import Choice
from devices.scrutineer.mix import mix_step
from tests.voting.encrypted_hall import (
    SCRUTINEERS_ITEM,
    cast,
    key_and_stations,
    open_encrypted,
    post_shares,
    service_of,
)
from tests.voting.sitting import TabletSession, open_meeting, pair

CHAIR_ITEM = {
    "item": "chair",
    "title": "主席选举",
    "kind": "election",
    "rule": {"office": "head", "office_kind": "chair"},
}
AGENDA = {"items": [CHAIR_ITEM, SCRUTINEERS_ITEM]}
HEAD = {"kind": "election", "seats": 1, "candidates": [{"id": "h1", "name": "周正"}]}
#: Two write-ins of d03, one of an id not in the roster, one of a name instead of an id.
CHOICES = [
    Choice.stances(["against"], ["d03"]),
    Choice.stances(["against"], ["d03"]),
    Choice.stances(["against"], ["d99"]),
    Choice.stances(["against"], ["代表04"]),
    Choice.stances(["for"]),
]


def test_closed_list_write_ins_carry_roster_ids_read_as_names(
    client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client, 5)
    chair.call("PUT", "/agenda", AGENDA)
    sessions = [TabletSession(client, pair(client, chair, f"d0{i}")) for i in range(1, 6)]
    try:
        for session in sessions:
            assert session.request(session.tablet.sign_in())["type"] == "ack"
        scrutineers, stations = key_and_stations(client, chair)
        chair.post("/items/chair/current")
        poll = open_encrypted(chair, scrutineers, "chair", HEAD)
        view = chair.state()["poll"]
        assert view["definition"]["write_in_roster"] == [
            {"id": f"d0{i}", "name": f"代表0{i}"} for i in range(1, 6)
        ]
        assert view["definition"]["write_in_eligible"] == [f"代表0{i}" for i in range(1, 6)]
        assert view["encryption"]["shape"]["name_points"] == 1
        for session, choice in zip(sessions, CHOICES, strict=True):
            cast(session, poll, view["encryption"], choice)
    finally:
        for session in sessions:
            session.close()
    chair.post(f"/polls/{poll}/close")
    post_shares(client, scrutineers, poll, 1)
    post_shares(client, scrutineers, poll, 2)
    first, _, second = stations
    for station in (first, second):
        assert mix_step(station, poll) == "shuffles"
    for station in (first, second):
        assert mix_step(station, poll) == "write-in-shares"

    service = service_of(client)
    result = service.state.polls[poll].result
    assert result is not None
    assert result["write_ins"] == {"代表03": 2}
    assert result["write_ins_ignored"] == 2
    assert result["outcome"]["elected"] == []
    logged = [json.loads(raw) for raw in service.log.entries()]
    written = [e for e in logged if e["type"] == "decrypted_write_ins"]
    assert [(e["write_ins"], e["write_ins_ignored"]) for e in written] == [({"代表03": 2}, 2)]
    service.log.export(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=service.log.vkey)
    assert report.ok, [(c.number, c.failures) for c in report.checks if c.failures]
