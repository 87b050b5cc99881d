"""Tablets that draft, co-sign and submit a proposal over the WebSocket, for tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from audit.proposals import draft_hash
from devices.tablet import Tablet

BILL = {"kind": "bill", "title": "关于修建镇南桥的议案", "text": "建议镇政府在镇南河上修建一座桥。"}


def send(client: TestClient, meeting: str, tablet: Tablet, message: dict[str, Any]) -> Any:
    """Connect ``tablet``, say hello, send ``message`` and return its reply."""
    with client.websocket_connect(f"/ws/meetings/{meeting}/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(tablet.hello(challenge["nonce"]))
        assert ws.receive_json()["type"] == "welcome"
        ws.send_json(dict(message, id="p"))
        while (reply := ws.receive_json()).get("id") != "p":
            pass
        return reply


def draft_and_cosign(
    client: TestClient,
    meeting: str,
    drafter: Tablet,
    cosigners: list[Tablet],
    content: dict[str, Any] = BILL,
) -> str:
    """The drafter's signed draft and each co-sponsor's signature; returns the proposal id."""
    proposal = draft_hash(content)
    message = drafter.proposal_message("proposal_draft", proposal=proposal, **content)
    assert send(client, meeting, drafter, message)["type"] == "ack"
    for tablet in cosigners:
        message = tablet.proposal_message("proposal_sign", proposal=proposal)
        assert send(client, meeting, tablet, message)["type"] == "ack"
    return proposal


def submit(client: TestClient, meeting: str, drafter: Tablet, proposal: str, filed: str) -> Any:
    """The drafter submits the proposal as ``filed``; returns the reply."""
    message = drafter.proposal_message("proposal_submit", proposal=proposal, **{"as": filed})
    return send(client, meeting, drafter, message)
