"""Part of check 8: the scrutineers' key ceremony, recomputed from its logged messages.

Stations come from ``station_paired`` entries of roster deputies. Every ``ceremony_message`` and
``liveness`` entry carries a station's signed body: it must match the entry, verify under the
station's key with a counter that increases per station, and come from the station its run
named for that index. Each message is fed, in log order, to the pure
:class:`~ballots.crypto.threshold.ceremony.Ceremony` of its run; a message that ceremony refuses
fails the check. The faults it finds must be exactly the run's ``ceremony_fault`` entries, in
order, and a ``key_completed`` entry must follow the run that completed, with exactly the key,
verification keys and holders that its messages give. A liveness answer must answer the
poll's current challenge under the sitting's key, its proof verifying against ``Y_j``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.ceremony_messages import b64url, decode_message, unb64url
from audit.tablet import DeviceKey, TabletSignatureError, signing_payload
from audit.verify.base import Check, Entry, show
from audit.verify.report import Failures
from audit.verify.state import Meeting
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.ceremony import Ceremony, Phase
from ballots.crypto.threshold.liveness import LABEL_LIVENESS, LivenessProof, liveness_context
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.proofs import verify_knowledge

__all__ = ["CeremonyCheck"]


@dataclass
class _Station:
    deputy: str
    key: DeviceKey | None
    last_n: int = -1


@dataclass
class _Run:
    started_at: int
    scrutineers: dict[int, str]
    stations: dict[int, str]
    ceremony: Ceremony
    faults_logged: int = 0
    keyed: bool = False


@dataclass
class _Challenge:
    challenge: str
    key_id: str
    answered: set[int] = field(default_factory=set)


class CeremonyCheck(Check):
    """The key ceremony and liveness answers; its failures are check 8's."""

    number = 8

    def __init__(self, *args: Any, meeting: Meeting, failures: Failures) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self.failures = failures
        self.stations: dict[str, _Station] = {}
        self.active_station: dict[str, str] = {}
        self.runs: dict[str, _Run] = {}
        self.current: str | None = None
        self.key: dict[str, Any] | None = None
        self.challenges: dict[str, _Challenge] = {}
        #: The run and message entry whose faults the next entries must record.
        self.pending: tuple[_Run, int] | None = None
        self._handlers = {
            "station_paired": self._station_paired,
            "ceremony_started": self._started,
            "ceremony_message": self._message,
            "ceremony_fault": self._fault,
            "key_completed": self._key_completed,
            "liveness_challenge": self._challenge,
            "liveness": self._liveness,
            "shuffle": self._mix_post,
            "write_in_shares": self._mix_post,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        if self.pending is not None and entry["type"] != "ceremony_fault":
            self._unrecorded()
        handler = self._handlers.get(entry["type"])
        if handler is not None:
            handler(seq, entry)

    def _unrecorded(self) -> None:
        """The faults the pending message showed that no ceremony_fault entry followed for."""
        assert self.pending is not None
        run, seq = self.pending
        self.pending = None
        for fault in run.ceremony.faults[run.faults_logged :]:
            self.fail(
                seq,
                f"entry {seq}: the message shows a fault of scrutineer {fault.scrutineer} "
                f"({fault.code}: {fault.reason}) that no ceremony_fault entry records",
            )
        run.faults_logged = len(run.ceremony.faults)

    def finish(self, entries: int) -> None:
        if self.pending is not None:
            self._unrecorded()
        for name, run in self.runs.items():
            if run.ceremony.phase is Phase.COMPLETE and not run.keyed:
                self.fail(
                    entries, f"ceremony {name}: it completed but no key_completed entry follows"
                )

    # Stations -------------------------------------------------------------------------------

    def _station_paired(self, seq: int, entry: Entry) -> None:
        deputy, station = entry["deputy"], entry["station"]
        if deputy not in self.meeting.roster:
            self.fail(seq, f"entry {seq}: station {station} paired to {deputy}, not on the roster")
            return
        if station in self.stations or station in self.meeting.devices:
            self.fail(seq, f"entry {seq}: station {station} was already paired")
            return
        try:
            key: DeviceKey | None = DeviceKey.parse(entry["alg"], entry["public_key"])
        except TabletSignatureError as error:
            self.fail(seq, f"entry {seq}: station {station}'s key does not parse ({error})")
            key = None
        self.stations[station] = _Station(deputy, key)
        self.active_station[deputy] = station

    def _signed(self, seq: int, entry: Entry, body_type: str, fields: tuple[str, ...]) -> bool:
        """The entry's station body matches it and verifies; whether to go on."""
        body, station_id = entry["station_body"], entry["station"]
        station = self.stations.get(station_id)
        if station is None or station.key is None:
            self.fail(seq, f"entry {seq}: station {show(station_id)} is not paired")
            return False
        if self.active_station.get(station.deputy) != station_id:
            self.fail(seq, f"entry {seq}: station {station_id} was replaced by a later pairing")
            return False
        if type(body) is not dict:
            self.fail(seq, f"entry {seq}: station_body is not an object")
            return False
        expected = {"type": body_type, "origin": self.meeting.origin, "station": station_id}
        expected |= {"deputy": station.deputy} | {name: entry[name] for name in fields}
        for name, value in expected.items():
            if body.get(name) != value:
                self.fail(
                    seq,
                    f"entry {seq}: station_body.{name} is {show(body.get(name))}, "
                    f"expected {show(value)}",
                )
                return False
        if entry["deputy"] != station.deputy:
            self.fail(
                seq, f"entry {seq}: deputy {entry['deputy']} is not station's {station.deputy}"
            )
            return False
        n = body.get("n")
        if type(n) is not int or n <= station.last_n:
            self.fail(
                seq, f"entry {seq}: counter n={show(n)} of station {station_id} does not increase"
            )
            return False
        station.last_n = n
        try:
            station.key.verify_payload(signing_payload(body), entry["sig"])
        except TabletSignatureError as error:
            self.fail(
                seq, f"entry {seq}: signature does not verify under station {station_id} ({error})"
            )
            return False
        return True

    # The ceremony ---------------------------------------------------------------------------

    def _started(self, seq: int, entry: Entry) -> None:
        name = entry["ceremony"]
        if name in self.runs:
            self.fail(seq, f"entry {seq}: ceremony {name} was already started")
            return
        try:
            params = CeremonyParams(self.meeting.origin, name, entry["t"], entry["n"])
            scrutineers = {int(j): d for j, d in entry["scrutineers"].items()}
            stations = {int(j): s for j, s in entry["stations"].items()}
        except (CryptoError, ValueError, AttributeError) as error:
            self.fail(seq, f"entry {seq}: ceremony {name} cannot start ({error})")
            return
        if sorted(scrutineers) != list(params.indices) or sorted(stations) != list(params.indices):
            self.fail(seq, f"entry {seq}: ceremony {name} does not name indices 1..{params.n}")
            return
        for j, station in stations.items():
            if self.active_station.get(scrutineers[j]) != station:
                self.fail(
                    seq, f"entry {seq}: station {station} is not {scrutineers[j]}'s paired station"
                )
                return
        self.runs[name] = _Run(seq, scrutineers, stations, Ceremony(params))
        self.current = name

    def _message(self, seq: int, entry: Entry) -> None:
        name = entry["ceremony"]
        run = self.runs.get(name)
        if run is None or name != self.current:
            self.fail(seq, f"entry {seq}: message for ceremony {show(name)}, not the current one")
            return
        index = entry["index"]
        if run.stations.get(index) != entry["station"]:
            self.fail(seq, f"entry {seq}: station {entry['station']} does not hold index {index}")
            return
        if not self._signed(seq, entry, "ceremony", ("ceremony", "kind", "message")):
            return
        where = f"entry {seq}"
        try:
            message = decode_message(entry["kind"], unb64url(entry["message"], where), where)
            if message.encode()[0] != index:
                self.fail(seq, f"entry {seq}: the message is from index {message.encode()[0]}")
                return
            run.ceremony.receive(message)
        except CryptoError as error:
            self.fail(seq, f"entry {seq}: the ceremony refuses the message ({error})")
            return
        if len(run.ceremony.faults) > run.faults_logged:
            self.pending = (run, seq)

    def _fault(self, seq: int, entry: Entry) -> None:
        run = self.runs.get(entry["ceremony"])
        if run is None:
            self.fail(
                seq, f"entry {seq}: fault in ceremony {show(entry['ceremony'])}, never started"
            )
            return
        found = run.ceremony.faults
        if run.faults_logged >= len(found):
            self.fail(
                seq,
                f"entry {seq}: the messages so far show no fault of ceremony "
                f"{entry['ceremony']} for this entry to record",
            )
            return
        fault = found[run.faults_logged]
        run.faults_logged += 1
        if run.faults_logged == len(found):
            self.pending = None
        expected = {
            "index": fault.scrutineer,
            "deputy": run.scrutineers[fault.scrutineer],
            "code": fault.code,
            "reason": fault.reason,
        }
        logged = {name: entry[name] for name in expected}
        if logged != expected:
            self.fail(
                seq,
                f"entry {seq}: ceremony_fault records {show(logged)}, the messages show "
                f"{show(expected)}",
            )

    def _key_completed(self, seq: int, entry: Entry) -> None:
        run = self.runs.get(self.current) if self.current is not None else None
        if run is None or run.ceremony.phase is not Phase.COMPLETE or run.keyed:
            self.fail(seq, f"entry {seq}: key_completed without a completed ceremony before it")
            return
        run.keyed = True
        key = run.ceremony.joint_key()
        expected = {
            "key_id": key.key_id.encode().hex(),
            "t": key.params.t,
            "n": key.params.n,
            "public_key": b64url(key.public_key.encode()),
            "verification_keys": {
                str(j): b64url(y.encode()) for j, y in sorted(key.verification_keys.items())
            },
            "scrutineers": {str(j): d for j, d in sorted(run.scrutineers.items())},
        }
        for name, value in expected.items():
            if entry[name] != value:
                self.fail(
                    seq,
                    f"entry {seq}: key_completed {name} is {show(entry[name])}, the ceremony "
                    f"{self.current}'s messages give {show(value)}",
                )
                return
        self.key = expected

    # Liveness -------------------------------------------------------------------------------

    def _challenge(self, seq: int, entry: Entry) -> None:
        if self.key is None or entry["key_id"] != self.key["key_id"]:
            self.fail(
                seq,
                f"entry {seq}: liveness challenge under key {show(entry['key_id'])}, "
                "not the sitting's completed key",
            )
            return
        self.challenges[entry["poll"]] = _Challenge(entry["challenge"], entry["key_id"])

    def _liveness(self, seq: int, entry: Entry) -> None:
        current = self.challenges.get(entry["poll"])
        key = self.key
        if current is None or key is None or entry["challenge"] != current.challenge:
            self.fail(
                seq,
                f"entry {seq}: answer to a challenge that is not poll "
                f"{show(entry['poll'])}'s current one",
            )
            return
        if not self._signed(seq, entry, "liveness_answer", ("poll", "challenge", "proof")):
            return
        index = entry["index"]
        if key["scrutineers"].get(str(index)) != entry["deputy"]:
            self.fail(seq, f"entry {seq}: {entry['deputy']} does not hold share {index}")
            return
        where = f"entry {seq}"
        try:
            answer = LivenessProof.decode(unb64url(entry["proof"], where), where)
            context = liveness_context(
                key=Scalar.decode(bytes.fromhex(key["key_id"]), where),
                poll_id=entry["poll"],
                challenge=unb64url(current.challenge, where),
            )
            y = Point.decode(unb64url(key["verification_keys"][str(index)], where), where)
            if answer.scrutineer != index:
                raise ValueError(f"the proof is for index {answer.scrutineer}")
            verify_knowledge(context, LABEL_LIVENESS, index, y, answer.proof, where)
        except (CryptoError, ValueError) as error:
            self.fail(seq, f"entry {seq}: the liveness proof does not verify ({error})")
            return
        current.answered.add(index)

    # The write-in mix -------------------------------------------------------------------------

    def _mix_post(self, seq: int, entry: Entry) -> None:
        """A station's shuffle or write-in shares: signed by the station of the scrutineer who
        holds the index named (the mix checks of check 7 verify the proofs)."""
        if not self._signed(seq, entry, entry["type"], ("poll",)):
            return
        holders = self.key["scrutineers"] if self.key is not None else {}
        if holders.get(str(entry["scrutineer"])) != entry["deputy"]:
            self.fail(
                seq,
                f"entry {seq}: deputy {entry['deputy']} does not hold share "
                f"{entry['scrutineer']} of the sitting's key",
            )
