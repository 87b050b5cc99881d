"""Encrypted polls through the HTTP API and tablet WebSockets: the key, casting, decrypting."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from starlette.testclient import TestClient

from ballots.crypto.shape import Choice
from tests.voting.conftest import LOG_KEY
from tests.voting.crypto_sitting import Scrutineers
from tests.voting.sitting import MEETING, Staff, TabletSession
from voting.core.state import MeetingState
from voting.service import MeetingService


def service_of(client: TestClient) -> MeetingService:
    found: MeetingService = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    return found


def complete_key(client: TestClient) -> Scrutineers:
    """The ceremony's outcome written as the ``key_completed`` entry through the service."""
    scrutineers = Scrutineers.ceremony()
    entry = scrutineers.key_completed()

    def decide(state: MeetingState) -> list[dict[str, Any]]:
        return [entry]

    client.portal.call(service_of(client).submit, decide)  # type: ignore[union-attr]
    return scrutineers


def open_encrypted(chair: Staff, item: str, definition: dict[str, Any], **more: Any) -> str:
    body = {"item": item, "definition": definition, "mode": "encrypted", **more}
    poll: str = chair.post("/polls", body)["poll"]
    return poll


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
