"""Encrypted polls through the HTTP API and tablet WebSockets: the key, casting, decrypting."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

from starlette.testclient import TestClient

from ballots.crypto.group import Scalar
from ballots.crypto.shape import Choice
from devices.scrutineer.simulated import run_until_settled
from devices.scrutineer.station import Station
from tests.voting.ceremony.sitting import HOLDERS, SCRUTINEERS, paired_stations
from tests.voting.conftest import LOG_KEY
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.sitting import MEETING, Staff, TabletSession
from voting.service import MeetingService


def service_of(client: TestClient) -> MeetingService:
    found: MeetingService = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    return found


#: The agenda item that adopts the scrutineers (总监票人 d01, 监票人 d02 and d03, 计票人 d04);
#: a sitting that runs the key ceremony lists it in its agenda.
SCRUTINEERS_ITEM = {
    "item": "scrut",
    "title": "通过总监票人、监票人、计票人名单",
    "kind": "motion",
    "adopts": {"scrutineers": SCRUTINEERS},
}


def complete_key(client: TestClient, chair: Staff) -> Scrutineers:
    """The scrutineers adopted on paper (the agenda lists :data:`SCRUTINEERS_ITEM`), three
    simulated stations paired, the whole key ceremony run over the API; the sitting key with
    the shares the stations hold."""
    return key_and_stations(client, chair)[0]


def key_and_stations(client: TestClient, chair: Staff) -> tuple[Scrutineers, list[Station]]:
    """As :func:`complete_key`, with the three paired stations that hold the shares."""
    poll = chair.post(
        "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )["poll"]
    present = chair.state()["attendance"]["present"]
    manual = {
        "issued": present,
        "ballots": {"cast": present, "valid": present, "void": 0},
        "counts": {"for": present, "against": 0, "abstain": 0},
        "confirmed_by": ["监票人"],
    }
    chair.post(f"/polls/{poll}/manual-result", manual)
    stations = paired_stations(client, chair, HOLDERS)
    chair.post("/ceremony/start", {})
    assert run_until_settled(stations) == "complete"
    key = service_of(client).state.sitting_key
    assert key is not None
    return Scrutineers(key, shares_of(stations), tuple(stations)), stations


def shares_of(stations: Sequence[Station]) -> dict[int, Scalar]:
    """The secret share each station holds, by its index (a test reads the station's state)."""
    shares = {}
    for station in stations:
        assert station.state.index is not None and station.state.secret_share is not None
        secret = bytes.fromhex(station.state.secret_share)
        shares[station.state.index] = Scalar.decode(secret, "secret_share")
    return shares


def challenge(chair: Staff, poll: str, stations: Sequence[Station]) -> None:
    """The chair's liveness challenge for ``poll``, answered by each of ``stations``."""
    chair.post("/liveness/challenge", {"poll": poll})
    for station in stations:
        assert [o.endpoint for o in station.step().posted] == ["liveness"]


def open_encrypted(
    chair: Staff, scrutineers: Scrutineers, item: str, definition: dict[str, Any], **more: Any
) -> str:
    """Open an encrypted poll after the first t stations answered its liveness challenge."""
    poll = f"p{len(service_of(chair.client).state.polls) + 1}"
    challenge(chair, poll, scrutineers.stations[: scrutineers.key.t])
    body = {"poll": poll, "item": item, "definition": definition, "mode": "encrypted", **more}
    opened: str = chair.post("/polls", body)["poll"]
    return opened


def cast(session: TabletSession, poll: str, encryption: dict[str, Any], choice: Choice) -> Any:
    """Send an encrypted ballot; check the acknowledgement is the log key's signature over the
    ballot's SHA-256 and carries the tablet's tracking code."""
    reply = session.request(session.tablet.encrypted_ballot(poll, encryption, choice))
    assert reply["type"] == "ballot_ack", reply
    kept = session.tablet.encrypted[poll]
    assert reply["tracking_code"] == kept.tracking_code
    digest = base64.b64decode(reply["ballot_hash"])
    assert digest.hex() == kept.ballot_hash
    LOG_KEY.public_key().verify(base64.b64decode(reply["signature"]), digest)
    return reply


def checkpoint_text(client: TestClient) -> str:
    response = client.get(f"/api/meetings/{MEETING}/log/checkpoint")
    assert response.status_code == 200, response.text
    note = response.text
    return note[: note.index("\n\n") + 1]


def post_shares(
    client: TestClient, scrutineers: Scrutineers, poll: str, j: int, status: int = 200
) -> Any:
    """Scrutineer ``j`` posts its shares of the poll's aggregate (no token: the proofs are the
    authentication)."""
    tally = service_of(client).state.polls[poll].encrypted
    assert tally is not None and tally.aggregate is not None
    checkpoint = checkpoint_text(client)
    body = {
        "scrutineer": j,
        "checkpoint": checkpoint,
        "aggregate": tally.aggregate["hash"],
        "shares": scrutineers.share_set(j, tally.aggregate, checkpoint),
    }
    response = client.post(f"/api/meetings/{MEETING}/polls/{poll}/decryption-shares", json=body)
    assert response.status_code == status, response.text
    return response.json()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
