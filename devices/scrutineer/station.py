"""One station at work: pair once, then poll the board and post what the steps say.

Each :meth:`Station.step` reads the board, checks it with the station's own ceremony, draws
and saves the secrets the current round needs, then signs and posts the missing messages. The
local state is saved before anything is posted, so a crash never loses a secret the server has
seen a commitment to. ``on_event`` is told of what happens, for the command line's progress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from audit.tablet import sign_tablet_body
from ballots.crypto.randomness import RandomSource, SystemRandom
from ballots.crypto.threshold.ceremony import Ceremony, Phase
from devices.scrutineer.client import StationClient
from devices.scrutineer.decrypting import Confirm, decrypt_poll, read_verified_log
from devices.scrutineer.local_state import LocalState, save_state
from devices.scrutineer.steps import (
    Outgoing,
    ceremony_steps,
    join_board,
    liveness_steps,
    rebuild,
)
from devices.scrutineer.tally import Offer, checkpoint_text, polls_to_decrypt

__all__ = ["BODY_TYPES", "Station", "StepResult"]

#: The ``type`` of the signed body per endpoint.
BODY_TYPES = {
    "ceremony": "ceremony",
    "liveness": "liveness_answer",
    "shuffles": "shuffle",
    "write-in-shares": "write_in_shares",
}

Event = Callable[[str, Any], None]


class StepResult:
    """What one step saw and did: the run's phase, the messages posted, the faults, and the
    board it read."""

    def __init__(
        self,
        phase: Phase | None,
        posted: list[Outgoing],
        faults: list[Any],
        board: Mapping[str, Any] | None = None,
    ) -> None:
        self.phase, self.posted, self.faults, self.board = phase, posted, faults, board


class Station:
    """A station with its local state (saved to ``path`` when given) and its server client."""

    def __init__(
        self,
        state: LocalState,
        client: StationClient,
        *,
        path: Path | None = None,
        random: RandomSource | None = None,
        on_event: Event | None = None,
    ) -> None:
        self.state = state
        self.client = client
        self.path = path
        self.random = random if random is not None else SystemRandom()
        self.on_event = on_event
        self.ceremony: Ceremony | None = None
        #: The newest checkpoint text this station has looked for polls to decrypt in, and the
        #: polls a person declined to decrypt (not asked again while the station runs).
        self.checked: str | None = None
        self.declined: set[str] = set()
        #: How the station shows itself to people (simulated ones say so).
        self.label = "监票终端 (station)"

    def save(self) -> None:
        if self.path is not None:
            save_state(self.state, self.path)

    def _tell(self, event: str, detail: Any = None) -> None:
        if self.on_event is not None:
            self.on_event(event, detail)

    def pair(self, code: str) -> None:
        """Register this station's key with a one-time code from the console."""
        answer = self.client.pair(code, self.state.station, self.state.public_key())
        self.state.deputy, self.state.origin = answer["deputy"], answer["origin"]
        self.state.log_key = answer.get("log_key", "")
        self.save()
        self._tell("paired", answer)

    def sign(self, outgoing: Outgoing) -> dict[str, Any]:
        """The signed message: the body with this station's next counter, and its signature."""
        self.state.counter += 1
        body = {
            "type": BODY_TYPES[outgoing.endpoint],
            "origin": self.state.origin,
            "deputy": self.state.deputy,
            "station": self.state.station,
            "n": self.state.counter,
            **outgoing.fields,
        }
        return {"body": body, "sig": sign_tablet_body(self.state.private_key(), body)}

    def post(self, outgoing: Outgoing) -> None:
        signed = self.sign(outgoing)
        self.save()
        if outgoing.endpoint == "ceremony":
            self.client.post_message(signed)
        else:
            self.client.answer_liveness(signed)
            self.state.answered.append(f"{outgoing.fields['poll']} {outgoing.fields['challenge']}")
            self.save()
        self._tell("posted", outgoing)

    def plan(self, ceremony: Ceremony) -> list[Outgoing]:
        """This station's messages of the current round (see :func:`ceremony_steps`)."""
        return ceremony_steps(self.state, ceremony, self.random)

    def step(self) -> StepResult:
        """Read the board, post this station's missing messages; what it saw and did."""
        board = self.client.board()
        posted: list[Outgoing] = []
        phase = None
        if join_board(self.state, board):
            self.ceremony = rebuild(board)
            phase = self.ceremony.phase
            outgoing = self.plan(self.ceremony)
            self.save()
            for message in outgoing:
                self.post(message)
                posted.append(message)
        for answer in liveness_steps(self.state, board, self.random):
            self.post(answer)
            posted.append(answer)
        return StepResult(phase, posted, list(board["faults"]), board)

    def decrypt(self, token: str, confirm: Confirm) -> list[Offer]:
        """Decrypt the closed encrypted polls waiting for this station's share set, once the
        log verifies and ``confirm`` agrees for each; the polls decrypted. ``token``: an
        auditor's token to read the log's entries. Does nothing while the newest checkpoint
        is the one already looked at."""
        if not self.complete:
            return []
        note = self.client.checkpoint()
        newest = checkpoint_text(note)
        if newest == self.checked:
            return []
        self.checked = newest  # a refusal is reported once per checkpoint, not at every look
        log = read_verified_log(self.client, self.state, token, note)
        self.save()
        self._tell("verified", log)
        done = []
        for poll in polls_to_decrypt(log.entries, self.state):
            if poll in self.declined:
                continue
            offer = decrypt_poll(
                self.client,
                self.state,
                log,
                poll,
                confirm=confirm,
                random=self.random,
                save=self.save,
            )
            if offer is None:
                self.declined.add(poll)
                self._tell("declined", poll)
            else:
                done.append(offer)
                self._tell("decrypted", offer)
        return done

    @property
    def complete(self) -> bool:
        """Whether this station holds its share of a completed key."""
        return self.state.key_id is not None and self.state.secret_share is not None
