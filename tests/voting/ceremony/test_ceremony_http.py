"""The key ceremony through the HTTP API with three simulated stations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from audit.ceremony_messages import b64url
from audit.tablet import sign_tablet_body
from ballots.crypto.group import Scalar
from ballots.crypto.randomness import DeterministicRandom, SystemRandom
from ballots.crypto.threshold.ceremony import Phase
from ballots.crypto.threshold.errors import BackupCardError
from ballots.crypto.threshold.scrutineer import publish_verification_key
from devices.scrutineer.client import ServerRefused
from devices.scrutineer.simulated import run_until_settled, simulated_station
from devices.scrutineer.steps import (
    Outgoing,
    backup_card,
    join_board,
    liveness_steps,
    rebuild,
    restore_from_card,
)
from devices.tablet import Tablet
from tests.voting.ceremony.sitting import (
    HOLDERS,
    ClientTransport,
    paired_stations,
    sitting_with_scrutineers,
)
from tests.voting.conftest import ORIGIN, Server
from tests.voting.ledger import digest
from tests.voting.sitting import MEETING


def log_types(client: TestClient, chair_headers: dict[str, str]) -> list[str]:
    response = client.get(f"/api/meetings/{MEETING}/log/entries", headers=chair_headers)
    assert response.status_code == 200, response.text
    return [json.loads(line)["type"] for line in response.text.splitlines() if line]


def test_three_stations_complete_the_key_and_it_is_the_pure_ceremonys_key(
    client: TestClient,
) -> None:
    chair = sitting_with_scrutineers(client)
    stations = paired_stations(client, chair)
    started = chair.post("/ceremony/start", {})
    assert started["ceremony"] == "key-1"

    assert run_until_settled(stations) == "complete"

    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    assert board["phase"] == "complete"
    # Every station rebuilt the run from the board with its own pure ceremony.
    joint = stations[0].ceremony.joint_key() if stations[0].ceremony else None
    assert joint is not None
    key = board["key"]
    assert key["key_id"] == joint.key_id.encode().hex()
    assert key["t"] == 2 and key["n"] == 3
    assert key["scrutineers"] == {"1": "d01", "2": "d02", "3": "d03"}
    assert all(s.state.key_id == key["key_id"] for s in stations)
    assert [s.label for s in stations] == [f"模拟监票人 (simulated) {d}" for d in HOLDERS]
    types = log_types(client, chair.headers)
    assert types.count("station_paired") == 3
    assert types.count("ceremony_started") == 1
    # 3 announcements, 6 shares, 3 acceptances, 3 verification keys, 2 or 3 test shares.
    assert 17 <= types.count("ceremony_message") <= 18
    assert types.count("key_completed") == 1
    assert "ceremony_fault" not in types

    progress = chair.call("GET", "/ceremony/progress")
    assert progress["phase"] == "complete"
    assert progress["key_id_prefix"] == key["key_id"][:16]
    assert [s["rounds_done"][:4] for s in progress["scrutineers"]] == [[1, 2, 3, 4]] * 3
    assert [s["deputy"] for s in progress["scrutineers"]] == HOLDERS


def test_a_cheating_dealer_is_named_and_a_new_run_completes(client: TestClient) -> None:
    chair = sitting_with_scrutineers(client)
    # Scrutineer 2 (d02) seals a wrong share to scrutineer 3 in run key-1.
    stations = paired_stations(client, chair, cheat=(3, "key-1"), cheater="d02")
    chair.post("/ceremony/start", {})

    assert run_until_settled(stations) == "failed"
    progress = chair.call("GET", "/ceremony/progress")
    assert progress["faults"] == [
        {
            "index": 2,
            "deputy": "d02",
            "code": "bad-share",
            "reason": "dealt a bad share to 3 (the share from 2 to 3 does not match "
            "dealer 2's commitments)",
        }
    ]
    assert [s["fault"] for s in progress["scrutineers"]] == [None, "bad-share", None]

    restarted = chair.post("/ceremony/start", {})
    assert restarted["ceremony"] == "key-2"
    assert run_until_settled(stations) == "complete"
    progress = chair.call("GET", "/ceremony/progress")
    assert progress["failed_runs"][0]["ceremony"] == "key-1"
    assert progress["key_id_prefix"] is not None


def post(client: TestClient, signed: dict[str, Any]) -> tuple[int, str]:
    response = client.post(f"/api/meetings/{MEETING}/ceremony/messages", json=signed)
    return response.status_code, response.json().get("error", "")


def test_a_bad_signature_a_stranger_or_a_wrong_round_is_refused_and_nothing_is_written(
    client: TestClient,
) -> None:
    chair = sitting_with_scrutineers(client)
    stations = paired_stations(client, chair)
    chair.post("/ceremony/start", {"deputies": ["d01", "d02"], "t": 2})
    first, second, third = stations
    first.step()  # posts its announcement
    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    assert [m["index"] for m in board["messages"]] == [1]
    assert join_board(second.state, board)
    announcement = second.plan(rebuild(board))[0]
    before = digest(client)

    # Scrutineer 2's announcement signed by another key.
    signed = second.sign(announcement)
    signed["sig"] = sign_tablet_body(Ed25519PrivateKey.generate(), signed["body"])
    assert post(client, signed) == (403, "bad-signature")

    # Scrutineer 1's station posting scrutineer 2's message.
    assert post(client, first.sign(announcement)) == (403, "wrong-scrutineer")

    # d03's station is paired but takes no part in this run of 2.
    third.state.origin = board["origin"]
    assert post(client, third.sign(announcement)) == (403, "not-in-ceremony")

    # A round 4 message during round 1: the pure ceremony's code.
    params = rebuild(board).params
    early = publish_verification_key(params, 2, Scalar.of(5), DeterministicRandom(b"t"))
    fields = {"ceremony": "key-1", "kind": "verification-key", "message": b64url(early.encode())}
    assert post(client, second.sign(Outgoing("ceremony", fields, "x"))) == (
        409,
        "ceremony-message",
    )
    # Bytes that are not an announcement: the layout's code.
    fields = {"ceremony": "key-1", "kind": "announcement", "message": b64url(b"\x02\x02")}
    assert post(client, second.sign(Outgoing("ceremony", fields, "x"))) == (400, "bad-layout")
    # A teller cannot have a station at all.
    response = client.post(
        f"/api/meetings/{MEETING}/scrutineers/d04/station-code", headers=chair.headers
    )
    assert (response.status_code, response.json()["error"]) == (409, "not-a-scrutineer")
    assert digest(client) == before

    # The genuine message is accepted.
    assert post(client, second.sign(announcement)) == (200, "")


def test_the_server_restarted_mid_ceremony_loses_nothing(server: Server) -> None:
    with server.client() as client:
        chair = sitting_with_scrutineers(client)
        stations = paired_stations(client, chair)
        chair.post("/ceremony/start", {})
        for station in stations:
            station.step()  # round 1
        for station in stations:
            station.step()  # round 2
        board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
        assert board["phase"] == Phase.ACCEPTANCES
    with server.client() as client:
        again = client.get(f"/api/meetings/{MEETING}/ceremony").json()
        assert again == board
        for station in stations:
            station.client.transport.client = client  # type: ignore[attr-defined]
        assert run_until_settled(stations) == "complete"


def test_a_share_restored_from_its_card_on_a_new_station_answers_liveness(
    client: TestClient,
) -> None:
    chair = sitting_with_scrutineers(client)
    stations = paired_stations(client, chair)
    chair.post("/ceremony/start", {})
    assert run_until_settled(stations) == "complete"
    cards = [backup_card(s.state) for s in stations]

    # d01's laptop is lost: a new station is paired, the old one is refused from now on.
    (laptop,) = paired_stations(client, chair, ["d01"], name="station-{deputy}-new")
    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    with pytest.raises(BackupCardError) as caught:
        restore_from_card(laptop.state, board, cards[1].replace("2 of 3", "1 of 3"))
    assert caught.value.code == "bad-backup-card"
    assert laptop.state.secret_share is None
    assert restore_from_card(laptop.state, board, cards[0]) == 1
    assert laptop.state.secret_share == stations[0].state.secret_share

    chair.post("/liveness/challenge", {"poll": "p9"})
    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    (from_lost_laptop,) = liveness_steps(stations[0].state, board, SystemRandom())
    assert [o.slot for o in laptop.step().posted] == ["liveness p9"]
    response = client.post(
        f"/api/meetings/{MEETING}/liveness/answers", json=stations[0].sign(from_lost_laptop)
    )
    assert (response.status_code, response.json()["error"]) == (403, "station-replaced")
    board = client.get(f"/api/meetings/{MEETING}/ceremony").json()
    assert board["liveness"][0]["answered"] == [1]


def test_station_codes_and_tablet_codes_do_not_pair_each_other(client: TestClient) -> None:
    chair = sitting_with_scrutineers(client)
    station_code = chair.post("/scrutineers/d01/station-code")["code"]
    tablet_code = chair.post("/deputies/d01/pairing-code")["code"]
    station = simulated_station(ClientTransport(client), MEETING, "d01")
    tablet = Tablet(origin=ORIGIN, device="tab-d01", deputy="d01")
    before = digest(client)
    as_tablet = client.post(f"/api/meetings/{MEETING}/pair", json=tablet.pair_request(station_code))
    assert (as_tablet.status_code, as_tablet.json()["error"]) == (401, "bad-pairing-code")
    with pytest.raises(ServerRefused) as refused:
        station.pair(tablet_code)
    assert (refused.value.status, refused.value.code) == (401, "bad-pairing-code")
    assert digest(client) == before
    station.pair(station_code)
    with pytest.raises(ServerRefused) as again:
        simulated_station(ClientTransport(client), MEETING, "d01", name="other").pair(station_code)
    assert (again.value.status, again.value.code) == (401, "pairing-code-used")
