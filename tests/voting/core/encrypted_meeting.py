"""Meeting states with the sitting key and encrypted polls, for the core's tests."""

from __future__ import annotations

import hashlib
from typing import Any

from audit.tablet import sign_tablet_body
from ballots.crypto.encoding import ballot_from_json
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import Choice
from devices.tablet import Tablet
from tests.voting.core.meetings import Meeting
from tests.voting.crypto_sitting import Scrutineers, checkpoint_text
from voting import core
from voting.core import views
from voting.core.devices import SignedBody
from voting.core.encrypted import ballot_setup, cast_encrypted
from voting.core.encrypted_tally import record_decryption_shares
from voting.core.outcome import AlreadyRecorded, Change

CANDIDATES = [
    {"id": "c1", "name": "王建国"},
    {"id": "c2", "name": "李秀英"},
    {"id": "c3", "name": "张伟"},
]
PROJECTS = [
    {"id": "p1", "name": "修路"},
    {"id": "p2", "name": "建校"},
    {"id": "p3", "name": "供水"},
]
SUBJECTS = [{"id": "s1", "name": "财政所"}, {"id": "s2", "name": "派出所"}]
AGENDA = [
    {"item": "a", "title": "议案一", "kind": "motion"},
    {"item": "e", "title": "选举副镇长", "kind": "election"},
    {"item": "s", "title": "民生实事票决", "kind": "selection"},
    {"item": "v", "title": "满意度测评", "kind": "evaluation"},
]
#: Poll definitions by name: (agenda item, definition).
DEFINITIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "motion": ("a", {"kind": "motion"}),
    "election": ("e", {"kind": "election", "seats": 2, "candidates": CANDIDATES}),
    "election-no-write-ins": (
        "e",
        {"kind": "election", "seats": 2, "candidates": CANDIDATES, "write_ins": False},
    ),
    "choose": ("s", {"kind": "selection", "form": "choose", "seats": 2, "candidates": PROJECTS}),
    "each": ("s", {"kind": "selection", "form": "each", "seats": 3, "candidates": PROJECTS}),
    "evaluation": ("v", {"kind": "evaluation", "subjects": SUBJECTS}),
}


class EncryptedMeeting(Meeting):
    """A meeting with the scrutineers' key, tablets paired and deputies signed in."""

    def __init__(self, deputies: int = 3, *, key: bool = True) -> None:
        super().__init__(deputies)
        self.scrutineers = Scrutineers.ceremony()
        self.apply({"type": "agenda_set", "items": AGENDA})
        ids = [f"d0{i}" for i in range(1, deputies + 1)]
        for deputy in ids:
            self.pair(deputy)
        self.sign_in(*ids)
        if key:
            self.apply(self.scrutineers.key_completed())

    def live(self, poll: str = "p1") -> Meeting:
        """Record a liveness challenge for ``poll`` answered by the first t scrutineers' stations
        (as the entries the liveness decisions write; the core's tests never verify proofs)."""
        key = self.scrutineers.key
        challenge = "Y2hhbGxlbmdl"
        self.apply(
            {
                "type": "liveness_challenge",
                "poll": poll,
                "challenge": challenge,
                "key_id": key.key_id,
                "by": "chair",
            }
        )
        for index in range(1, key.t + 1):
            deputy = key.scrutineers[index]
            station = f"st-{deputy}"
            if station not in self.state.stations:
                self.apply(
                    {
                        "type": "station_paired",
                        "station": station,
                        "deputy": deputy,
                        "alg": "ed25519",
                        "public_key": "",
                    }
                )
            counter = self.state.stations[station].counter + 1
            self.apply(
                {
                    "type": "liveness",
                    "poll": poll,
                    "challenge": challenge,
                    "index": index,
                    "deputy": deputy,
                    "station": station,
                    "station_body": {"n": counter},
                }
            )
        return self

    def open(self, kind: str = "motion", *, poll: str = "p1", policy: str = "last") -> Meeting:
        item, definition = DEFINITIONS[kind]
        if self.state.sitting_key is not None:
            self.live(poll)
        return self.commit(
            core.open_poll(
                self.state,
                poll=poll,
                item=item,
                definition=definition,
                mode="encrypted",
                change_policy=policy,
                by="chair",
            )
        )

    def encryption(self, poll: str = "p1") -> dict[str, Any]:
        view: dict[str, Any] = views.poll_view(self.state, self.state.polls[poll])["encryption"]
        return view

    def message(
        self, deputy: str, choice: Choice, *, poll: str = "p1", seed: str | None = None
    ) -> dict[str, Any]:
        """The tablet's ``encrypted_ballot`` message (``seed``: reproducible randomness)."""
        random = None if seed is None else DeterministicRandom(seed.encode())
        return self.tablets[deputy].encrypted_ballot(
            poll, self.encryption(poll), choice, random=random
        )

    def decide(self, message: dict[str, Any], poll: str = "p1") -> Change | AlreadyRecorded:
        """The core's decision on a message, with no worker verdict."""
        shape = ballot_setup(self.state, self.state.polls[poll]).shape
        ballot = ballot_from_json(shape, message["ballot"])
        signed = SignedBody.read(message["body"], message["sig"])
        return cast_encrypted(self.state, signed, None, ballot=ballot)

    def cast(self, deputy: str, choice: Choice, *, poll: str = "p1") -> Meeting:
        decided = self.decide(self.message(deputy, choice, poll=poll), poll)
        assert isinstance(decided, Change)
        return self.commit(decided)

    def close(self, poll: str = "p1") -> dict[str, Any]:
        """Close the poll; the aggregate entry as applied."""
        self.commit(core.close_poll(self.state, poll=poll, by="chair"))
        tally = self.state.polls[poll].encrypted
        assert tally is not None and tally.aggregate is not None
        return dict(tally.aggregate)

    def checkpoint(self) -> str:
        return checkpoint_text(self.state.origin, self.state.size)

    def post_shares(
        self, j: int, poll: str = "p1", shares: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Scrutineer ``j`` posts shares (its own unless ``shares`` are given); the entries."""
        aggregate = self.state.polls[poll].encrypted.aggregate  # type: ignore[union-attr]
        assert aggregate is not None
        checkpoint = self.checkpoint()
        if shares is None:
            shares = self.scrutineers.share_set(j, aggregate, checkpoint)
        change = record_decryption_shares(
            self.state,
            poll=poll,
            scrutineer=j,
            checkpoint=checkpoint,
            aggregate=aggregate["hash"],
            shares=shares,
        )
        self.commit(change)
        return change.entries


def resigned(tablet: Tablet, poll: str, ballot: dict[str, Any], bytes_hex: str) -> dict[str, Any]:
    """A message carrying ``ballot`` whose body names ``bytes_hex`` as the ballot hash."""
    tablet.counter += 1
    body = {
        "type": "encrypted_ballot",
        "origin": tablet.origin,
        "deputy": tablet.deputy,
        "device": tablet.device,
        "n": tablet.counter,
        "poll": poll,
        "ballot_hash": bytes_hex,
    }
    return {
        "id": None,
        "type": "encrypted_ballot",
        "body": body,
        "sig": sign_tablet_body(tablet.key, body),
        "ballot": ballot,
    }


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
