"""The scrutineers' stations decrypt a closed encrypted poll themselves: each reads the log up to
the newest checkpoint, verifies it with the meeting's log key, recomputes the aggregate, asks for
confirmation and posts its share set; t share sets give the tally of the plaintexts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import ballots
from audit.canonical import canonical_bytes
from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.merkle import leaf_hash, root_of
from audit.note import NoteSigner
from audit.verify import verify_bundle
from ballots.crypto.shape import Choice
from devices.scrutineer.client import StationClient
from devices.scrutineer.simulated import confirm_by_itself
from devices.scrutineer.tally import DecryptionRefused, Offer
from tests.voting.conftest import LOG_KEY
from tests.voting.encrypted_hall import cast, complete_key, open_encrypted, service_of
from tests.voting.sitting import Staff, TabletSession
from tests.voting.test_encrypted_sitting import sit

MOTION = [
    (Choice.stances(["for"]), "for"),
    (Choice.stances(["against"]), "against"),
    (Choice.stances(["for"]), "for"),
    (Choice.stances(["abstain"]), "abstain"),
]


def auditor_token(chair: Staff) -> str:
    response = chair.client.post(
        "/api/tokens", json={"role": "auditor", "label": "监票终端"}, headers=chair.headers
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def test_two_stations_decrypt_a_closed_motion_after_verifying_the_log(
    client: TestClient, tmp_path: Path
) -> None:
    chair, sessions = sit(client)
    try:
        decrypt_a_motion(client, chair, sessions, tmp_path)
    finally:
        for s in sessions:
            s.close()


def decrypt_a_motion(
    client: TestClient, chair: Staff, sessions: list[TabletSession], tmp_path: Path
) -> None:
    scrutineers = complete_key(client, chair)
    stations = scrutineers.stations
    token = auditor_token(chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    for session, (choice, _) in zip(sessions, MOTION, strict=True):
        cast(session, poll, encryption, choice)
    # While the poll is open there is nothing to decrypt.
    assert stations[2].decrypt(token, confirm_by_itself) == []
    chair.post(f"/polls/{poll}/close")

    asked: list[Offer] = []

    def confirm(offer: Offer) -> bool:
        asked.append(offer)
        return True

    (offer,) = stations[2].decrypt(token, confirm)
    assert (offer.poll, offer.kind, offer.counted) == (poll, "motion", 4)
    assert asked == [offer]
    tally = service_of(client).state.polls[poll].encrypted
    assert tally is not None and tally.aggregate is not None
    assert stations[2].state.decrypted == {poll: tally.aggregate["hash"]}
    assert chair.state()["poll"].get("result") is None
    # Looking again at the same checkpoint asks nothing and posts nothing.
    assert stations[2].decrypt(token, confirm) == []
    assert len(asked) == 1

    (second,) = stations[0].decrypt(token, confirm_by_itself)
    assert second.aggregate_hash == offer.aggregate_hash
    view = chair.state()["poll"]
    assert view["definition"]["present"] == 4
    expected = ballots.tally(
        {"poll": dict(view["definition"], issued=4), "ballots": [b for _, b in MOTION]}
    )
    assert chair.state()["poll"]["result"] == expected

    service = service_of(client)
    service.log.export(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=service.log.vkey)
    assert report.ok, report.to_json()


def test_a_station_refuses_a_log_not_signed_by_the_meetings_key_and_a_second_aggregate(
    client: TestClient,
) -> None:
    chair, sessions = sit(client)
    try:
        refuse(client, chair, sessions)
    finally:
        for s in sessions:
            s.close()


def refuse(client: TestClient, chair: Staff, sessions: list[TabletSession]) -> None:
    scrutineers = complete_key(client, chair)
    station, other = scrutineers.stations[0], scrutineers.stations[1]
    token = auditor_token(chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    cast(sessions[0], poll, encryption, Choice.stances(["for"]))
    chair.post(f"/polls/{poll}/close")
    entries = service_of(client).state.size

    # Another log key than the one received at pairing: the checkpoint does not verify.
    real_key = station.state.log_key
    station.state.log_key = NoteSigner.generate(service_of(client).origin).vkey()
    with pytest.raises(DecryptionRefused) as caught:
        station.decrypt(token, confirm_by_itself)
    assert caught.value.code == "log-not-verified"
    assert "check 1" in caught.value.en
    assert station.state.decrypted == {}

    # A station that decrypted this poll for another aggregate refuses to do it again.
    station.state.log_key = real_key
    other.state.decrypted[poll] = "ab" * 32
    with pytest.raises(DecryptionRefused) as caught:
        other.decrypt(token, confirm_by_itself)
    assert caught.value.code == "decrypted-once"
    assert other.state.decrypted == {poll: "ab" * 32}

    # Declined: nothing is posted and the poll is not offered again while the station runs.
    station.checked = None
    assert station.decrypt(token, lambda offer: False) == []
    assert station.declined == {poll}
    assert station.state.decrypted == {}
    assert service_of(client).state.size == entries


class ForgedLog:
    """A server that serves ``entries`` under a checkpoint signed with the log's own key, as
    a compromised server could: everything else goes to ``inner``."""

    def __init__(self, inner: Any, origin: str, entries: list[bytes]) -> None:
        self.inner, self.entries = inner, entries
        root = root_of([leaf_hash(e) for e in entries])
        checkpoint = Checkpoint(origin, len(entries), root)
        self.note = sign_checkpoint(checkpoint, NoteSigner(origin, LOG_KEY))

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        if path.endswith("/log/checkpoint"):
            return 200, self.note
        if "/log/entries" in path:
            return 200, "".join(e.decode() + "\n" for e in self.entries)
        return self.inner.request(method, path, body, token=token)  # type: ignore[no-any-return]


def test_a_station_refuses_an_aggregate_that_is_not_the_sum_of_the_counted_ballots(
    client: TestClient,
) -> None:
    chair, sessions = sit(client)
    try:
        forged_aggregate(client, chair, sessions)
    finally:
        for s in sessions:
            s.close()


def forged_aggregate(client: TestClient, chair: Staff, sessions: list[TabletSession]) -> None:
    scrutineers = complete_key(client, chair)
    station = scrutineers.stations[0]
    token = auditor_token(chair)
    poll = open_encrypted(chair, scrutineers, "budget", {"kind": "motion"})
    encryption = chair.state()["poll"]["encryption"]
    for session, (choice, _) in zip(sessions[:2], MOTION[:2], strict=True):
        cast(session, poll, encryption, choice)
    chair.post(f"/polls/{poll}/close")
    service = service_of(client)
    entries = list(service.log.entries(0, service.log.size))
    (at,) = [i for i, e in enumerate(entries) if json.loads(e)["type"] == "aggregate"]
    aggregate = json.loads(entries[at])
    aggregate["counted"] = aggregate["counted"][1:]  # one ballot left out of the count
    entries[at] = canonical_bytes(aggregate)
    station.client = StationClient(
        ForgedLog(station.client.transport, service.origin, entries), "m1"
    )
    with pytest.raises(DecryptionRefused) as caught:
        station.decrypt(token, confirm_by_itself)
    assert caught.value.code == "log-not-verified"
    assert "check 7" in caught.value.en
    assert "not the ballots that count" in caught.value.en
    assert station.state.decrypted == {}
    assert service.state.polls[poll].encrypted.aggregate is not None  # type: ignore[union-attr]
    assert "decryption_shares" not in {json.loads(e)["type"] for e in service.log.entries()}
