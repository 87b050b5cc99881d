"""The scrutineers' key ceremony written into a :class:`MeetingBuilder`'s log, as the server
writes it: stations paired, runs started, every station message with its signed body, the
verdict on a fault, ``key_completed``, a liveness challenge and its answers.

The stations are those of :mod:`devices.scrutineer` with keys and randomness derived from the
builder's seed, so the bytes are the same on every run. Hooks let a tamper vector misbehave.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from audit.ceremony_messages import b64url, decode_message, unb64url
from audit.tablet import sign_tablet_body
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.threshold.ceremony import Ceremony, Phase
from ballots.crypto.threshold.params import CeremonyParams
from devices.scrutineer.local_state import LocalState
from devices.scrutineer.simulated import CheatingStation
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing, join_board, liveness_steps, rebuild
from tests.audit.meeting_builder import CHAIR, OPERATOR, MeetingBuilder, seeded

#: The 总监票人 and 监票人 of the vectors' meeting.
HOLDERS = ("d-01", "d-02", "d-03")


class CeremonyRecorder:
    """Writes the ceremony into ``builder``; subclasses override the hooks below."""

    def __init__(self, builder: MeetingBuilder, holders: Sequence[str] = HOLDERS) -> None:
        self.builder = builder
        self.holders = list(holders)
        self.stations: dict[str, Station] = {}
        self.fault_at = -1
        self.key: dict[str, Any] = {}

    # Hooks -------------------------------------------------------------------------------------

    def signature(self, deputy: str, body: dict[str, Any]) -> str:
        return sign_tablet_body(self.stations[deputy].state.private_key(), body)

    def fault_entry(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        return entry

    def key_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        return entry

    def mark(self) -> None:
        self.fault_at = len(self.builder.entries)

    # The ceremony ------------------------------------------------------------------------------

    def pair_stations(self) -> None:
        seed = self.builder.seed
        for deputy in self.holders:
            key = base64.b64encode(seeded(seed, f"station {deputy}")).decode()
            state = LocalState("", "m", f"s-{deputy.removeprefix('d-')}", key)
            state.origin, state.deputy = self.builder.origin, deputy
            random = DeterministicRandom(seeded(seed, f"station random {deputy}"))
            self.stations[deputy] = Station(state, None, random=random)  # type: ignore[arg-type]
            self.builder.append(
                {
                    "type": "station_paired",
                    "deputy": deputy,
                    "station": state.station,
                    "alg": "ed25519",
                    "public_key": state.public_key(),
                    "by": OPERATOR,
                }
            )

    def _post(self, deputy: str, outgoing: Outgoing) -> dict[str, Any]:
        station = self.stations[deputy]
        station.state.counter += 1
        body = {
            "type": "ceremony" if outgoing.endpoint == "ceremony" else "liveness_answer",
            "origin": self.builder.origin,
            "deputy": deputy,
            "station": station.state.station,
            "n": station.state.counter,
            **outgoing.fields,
        }
        return {"station_body": body, "sig": self.signature(deputy, body)}

    def run(self, name: str) -> Phase:
        """One run of the ceremony, every station stepping in turn; its final phase."""
        n = len(self.holders)
        t = n // 2 + 1
        self.builder.append(
            {
                "type": "ceremony_started",
                "ceremony": name,
                "t": t,
                "n": n,
                "scrutineers": {str(j): d for j, d in enumerate(self.holders, start=1)},
                "stations": {
                    str(j): self.stations[d].state.station
                    for j, d in enumerate(self.holders, start=1)
                },
                "by": CHAIR,
            }
        )
        ceremony = Ceremony(CeremonyParams(self.builder.origin, name, t, n))
        board: dict[str, Any] = {
            "origin": self.builder.origin,
            "ceremony": name,
            "t": t,
            "n": n,
            "scrutineers": {
                str(j): {"deputy": d, "station": self.stations[d].state.station}
                for j, d in enumerate(self.holders, start=1)
            },
            "messages": [],
        }
        for _ in range(6):
            for index, deputy in enumerate(self.holders, start=1):
                station = self.stations[deputy]
                if ceremony.phase in (Phase.FAILED, Phase.COMPLETE):
                    return ceremony.phase
                assert join_board(station.state, board)
                for outgoing in station.plan(rebuild(board)):
                    self._record(ceremony, board, name, index, deputy, outgoing)
        return ceremony.phase

    def _record(
        self,
        ceremony: Ceremony,
        board: dict[str, Any],
        name: str,
        index: int,
        deputy: str,
        outgoing: Outgoing,
    ) -> None:
        before, complete = len(ceremony.faults), ceremony.phase is Phase.COMPLETE
        message = decode_message(
            outgoing.fields["kind"], unb64url(outgoing.fields["message"], "m"), "m"
        )
        ceremony.receive(message)
        seq = self.builder.append(
            {
                "type": "ceremony_message",
                "ceremony": name,
                "kind": outgoing.fields["kind"],
                "index": index,
                "message": outgoing.fields["message"],
                "deputy": deputy,
                "station": self.stations[deputy].state.station,
                **self._post(deputy, outgoing),
            }
        )
        board["messages"].append(
            {"seq": seq, "kind": outgoing.fields["kind"], "index": index,
             "message": outgoing.fields["message"]}
        )  # fmt: skip
        for fault in ceremony.faults[before:]:
            entry = self.fault_entry(
                {
                    "type": "ceremony_fault",
                    "ceremony": name,
                    "index": fault.scrutineer,
                    "deputy": self.holders[fault.scrutineer - 1],
                    "code": fault.code,
                    "reason": fault.reason,
                }
            )
            if entry is not None:
                self.builder.append(entry)
        if ceremony.phase is Phase.COMPLETE and not complete:
            key = ceremony.joint_key()
            self.key = {
                "type": "key_completed",
                "key_id": key.key_id.encode().hex(),
                "t": key.params.t,
                "n": key.params.n,
                "public_key": b64url(key.public_key.encode()),
                "verification_keys": {
                    str(j): b64url(y.encode()) for j, y in sorted(key.verification_keys.items())
                },
                "scrutineers": {str(j): d for j, d in enumerate(self.holders, start=1)},
            }
            self.builder.append(self.key_entry(self.key))

    def liveness(self, poll: str) -> None:
        """A challenge for ``poll`` and the answers of every station holding a share."""
        challenge = b64url(seeded(self.builder.seed, f"challenge {poll}"))
        self.builder.append(
            {
                "type": "liveness_challenge",
                "poll": poll,
                "challenge": challenge,
                "key_id": self.key["key_id"],
                "by": CHAIR,
            }
        )
        board = {
            "key": self.key,
            "liveness": [
                {"poll": poll, "challenge": challenge, "key_id": self.key["key_id"], "answered": []}
            ],
        }
        for index, deputy in enumerate(self.holders, start=1):
            station = self.stations[deputy]
            for outgoing in liveness_steps(station.state, board, station.random):
                self.builder.append(
                    {
                        "type": "liveness",
                        "poll": poll,
                        "challenge": challenge,
                        "index": index,
                        "proof": outgoing.fields["proof"],
                        "deputy": deputy,
                        "station": station.state.station,
                        **self._post(deputy, outgoing),
                    }
                )

    def record(self, *, cheat: bool = True) -> None:
        """Stations paired; with ``cheat`` run key-1 fails (d-02 deals a bad share to 3);
        then a run completes and a liveness challenge for p-9 is answered."""
        self.pair_stations()
        if cheat:
            honest = self.stations["d-02"]
            self.stations["d-02"] = CheatingStation(
                honest.state, honest.client, random=honest.random, victim=3, ceremony="key-1"
            )
            assert self.run("key-1") is Phase.FAILED
        assert self.run("key-2" if cheat else "key-1") is Phase.COMPLETE
        self.liveness("p-9")
