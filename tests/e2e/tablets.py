"""Deputies' tablets for browser tests: paired through the HTTP API, then speaking the tablet
protocol over a real WebSocket (``devices.tablet.Tablet`` signs, ``websockets`` carries)."""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any

from websockets.sync.client import ClientConnection, connect

from devices.rehearsal.encrypted_vote import crypto_choice
from devices.tablet import Tablet
from tests.e2e.conftest import MEETING, DemoServer

TIMEOUT_S = 10.0


class HallTablet:
    """One deputy's paired and connected tablet, in the sample meeting unless ``meeting``
    names another."""

    def __init__(
        self, server: DemoServer, deputy: str, staff_token: str, meeting: str = MEETING
    ) -> None:
        base = f"/api/meetings/{meeting}"
        code = server.api("POST", f"{base}/deputies/{deputy}/pairing-code", token=staff_token)
        self.tablet = Tablet(origin="", device=f"tab-{deputy}-{secrets.token_hex(3)}")
        paired = server.api("POST", f"{base}/pair", self.tablet.pair_request(code["code"]))
        self.tablet.origin = paired["origin"]
        self.tablet.deputy = paired["deputy"]
        url = server.base.replace("http://", "ws://") + f"/ws/meetings/{meeting}/tablet"
        self._stack = contextlib.ExitStack()
        # An unbounded queue: an idle tablet keeps reading the state pushes (and so answers the
        # server's keepalive pings) however many arrive before the test reads them.
        self.ws: ClientConnection = self._stack.enter_context(
            connect(url, open_timeout=TIMEOUT_S, max_queue=None)
        )
        challenge = self._until(lambda m: m.get("type") == "challenge")
        self.ws.send(json.dumps(self.tablet.hello(challenge["nonce"])))
        self._until(lambda m: m.get("type") == "welcome")
        self._refs = 0

    def _until(self, wanted: Any) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(self.ws.recv(timeout=TIMEOUT_S))
            if wanted(message):
                return message

    def _exchange(self, build: Any) -> dict[str, Any]:
        self._refs += 1
        ref = f"r{self._refs}"
        self.ws.send(json.dumps(build(ref)))
        return self._until(lambda m: m.get("id") == ref)

    def _request(self, build: Any) -> dict[str, Any]:
        reply = self._exchange(build)
        assert reply["type"] in {"ack", "ballot_ack"}, reply
        return reply

    def sign_in(self) -> dict[str, Any]:
        return self._request(lambda ref: self.tablet.sign_in(ref))

    def speak_request(self) -> dict[str, Any]:
        """申请发言."""
        return self._request(lambda ref: self.tablet.speak_request(ref))

    def proposal_sign(self, proposal: str) -> dict[str, Any]:
        """联名签名: co-sign the open draft ``proposal`` (its SHA-256)."""
        return self._request(
            lambda ref: {
                **self.tablet.proposal_message("proposal_sign", proposal=proposal),
                "id": ref,
            }
        )

    def named_vote(self, poll: str, choice: Any) -> dict[str, Any]:
        return self._request(lambda ref: self.tablet.named_vote(poll, choice, ref))

    def refused_vote(self, poll: str, choice: Any) -> dict[str, Any]:
        """A named vote the server must refuse: its error reply."""
        reply = self._exchange(lambda ref: self.tablet.named_vote(poll, choice, ref))
        assert reply["type"] == "error", reply
        return reply

    def encrypted_ballot(
        self, poll: str, encryption: dict[str, Any], definition: dict[str, Any], choice: Any
    ) -> dict[str, Any]:
        """``choice`` (a tally-format ballot of ``definition``) encrypted, proved and cast with
        the open poll's ``encryption`` object, as the browser tablet casts it."""
        plaintext = crypto_choice(definition, choice)
        return self._request(
            lambda ref: self.tablet.encrypted_ballot(poll, encryption, plaintext, ref)
        )

    def refused_encrypted_ballot(
        self, poll: str, encryption: dict[str, Any], definition: dict[str, Any], choice: Any
    ) -> dict[str, Any]:
        """An encrypted ballot the server must refuse: its error reply."""
        plaintext = crypto_choice(definition, choice)
        reply = self._exchange(
            lambda ref: self.tablet.encrypted_ballot(poll, encryption, plaintext, ref)
        )
        assert reply["type"] == "error", reply
        return reply

    def close(self) -> None:
        self._stack.close()
