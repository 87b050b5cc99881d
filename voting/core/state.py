"""The state of one meeting, rebuilt by applying its audit log entries in order.

Every change to a meeting is an audit entry, so the log is the single source of truth: the
server applies each committed entry to a :class:`MeetingState`, and on restart it replays the
log to rebuild the same state. ``apply`` trusts its input (entries were checked by
:mod:`voting.core` before they were written); it never reads a clock, a socket or a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.ceremony_messages import decode_message, unb64url
from ballots.crypto.threshold.ceremony import Ceremony
from ballots.crypto.threshold.params import CeremonyParams
from voting.core.project_state import ProjectLog
from voting.core.proposal_state import Proposal, apply_proposal_entry
from voting.core.records import (
    CastBallot,
    CeremonyRun,
    Deputy,
    Device,
    EncryptedBallots,
    Item,
    LivenessRound,
    Poll,
    SittingKey,
    Station,
    first_components_of,
)
from voting.core.types import SEATED_STATUSES, DeviceId

__all__ = ["SEATED_STATUSES", "Deputy", "Device", "Item", "MeetingState", "Poll", "SittingKey"]


@dataclass
class MeetingState:
    origin: str
    meeting: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    roster: dict[str, Deputy] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    active_device: dict[str, DeviceId] = field(default_factory=dict)
    signed_in: set[str] = field(default_factory=set)
    attended: set[str] = field(default_factory=set)  # signed in at some time of the session
    on_leave: set[str] = field(default_factory=set)
    items: dict[str, Item] = field(default_factory=dict)
    current_item: str | None = None
    polls: dict[str, Poll] = field(default_factory=dict)
    oaths: dict[str, dict[str, Any]] = field(default_factory=dict)  # item -> who led, who swore
    # item -> sha256 -> {"title", "filename", "size", "seq"}: the documents of each item.
    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # Adopted by the plenary (motion_adopted): the presidium's members, the election rules with
    # the poll that adopted them, the scrutineers and tellers (see voting.core.bodies).
    presidium: list[str] | None = None
    election_rules: tuple[str, dict[str, Any]] | None = None
    scrutineers: dict[str, Any] | None = None
    # The scrutineers' threshold key, once its ceremony completed (key_completed).
    sitting_key: SittingKey | None = None
    # Scrutineers' stations (never voting devices), runs of the key ceremony by id (the last
    # one is ``ceremony``), and each poll's current liveness challenge.
    stations: dict[str, Station] = field(default_factory=dict)
    active_station: dict[str, str] = field(default_factory=dict)
    ceremonies: dict[str, CeremonyRun] = field(default_factory=dict)
    ceremony: CeremonyRun | None = None
    liveness: dict[str, LivenessRound] = field(default_factory=dict)
    # The speaking queue (voting.core.speaking): deputies in the order they asked, and who has
    # the floor now ({deputy, minutes, ends_at}).
    speaking_queue: list[str] = field(default_factory=list)
    speaker: dict[str, Any] | None = None
    # Tablets that reported a checkpoint inconsistent with one they verified (日志不一致).
    split_view_alarms: list[dict[str, Any]] = field(default_factory=list)
    # Co-signed proposals by draft hash (voting.core.proposals).
    proposals: dict[str, Proposal] = field(default_factory=dict)
    # Livelihood projects: the register, their supervision, evaluations (voting.core.projects).
    projects: ProjectLog = field(default_factory=ProjectLog)
    # Public notices (公告) in number order, each its entry (voting.core.notices).
    notices: list[dict[str, Any]] = field(default_factory=list)
    opened: bool = False
    closed: bool = False
    size: int = 0  # entries applied

    # Attendance ---------------------------------------------------------------------------

    @property
    def electorate(self) -> int:
        """Seated deputies (实有代表数): active or suspended, not those whose seat ended."""
        return sum(1 for d in self.roster.values() if d.status in SEATED_STATUSES)

    @property
    def present(self) -> frozenset[str]:
        """Seated deputies signed in now (实到)."""
        return frozenset(d for d in self.signed_in if self.roster[d].status in SEATED_STATUSES)

    @property
    def leave_count(self) -> int:
        """Seated deputies on approved leave who are not signed in (请假)."""
        return sum(
            1
            for d in self.on_leave
            if self.roster[d].status in SEATED_STATUSES and d not in self.signed_in
        )

    @property
    def quorum_met(self) -> bool:
        """组织法 Art 14: two thirds or more of seated deputies present."""
        return 3 * len(self.present) >= 2 * self.electorate

    @property
    def open_poll(self) -> Poll | None:
        for poll in self.polls.values():
            if poll.status == "open":
                return poll
        return None

    def item_status(self, item_id: str) -> str:
        """draft → current → voting → closed → announced, or withdrawn."""
        item = self.items[item_id]
        if item.withdrawn:
            return "withdrawn"
        polls = [p for p in self.polls.values() if p.item == item_id and p.status != "voided"]
        if any(p.status == "open" for p in polls):
            return "voting"
        if polls and polls[-1].announced:
            return "announced"
        if polls:
            return "closed"
        return "current" if self.current_item == item_id else "draft"

    # Replay -------------------------------------------------------------------------------

    def apply(self, entry: Mapping[str, Any]) -> None:
        """Apply one committed entry. Entries must come in ``seq`` order."""
        if entry["seq"] != self.size:
            raise ValueError(f"entry {entry['seq']} applied out of order (expected {self.size})")
        handler = getattr(self, "_apply_" + entry["type"], None)
        if handler is None:
            raise ValueError(
                f"entry {entry['seq']}: this server does not apply entries of type"
                f" {entry['type']!r} (a log with the retired sealed-ballot entries, participation"
                " and ballot, cannot be continued)"
            )
        handler(entry)
        body = entry.get("body")
        if body is not None:
            device = self.devices[body["device"]]
            device.counter = body["n"]
            device.last_body = body
        self.size += 1

    def _apply_meeting_opened(self, e: Mapping[str, Any]) -> None:
        self.meeting = dict(e["meeting"])
        self.settings = dict(e["settings"])
        for row in e["roster"]:
            self.roster[row["deputy"]] = Deputy(
                row["deputy"], row["name"], row["seat"], row["status"]
            )
        self.opened = True

    def _apply_roster_changed(self, e: Mapping[str, Any]) -> None:
        deputy = self.roster.get(e["deputy"])
        if deputy is None:
            deputy = self.roster[e["deputy"]] = Deputy(
                e["deputy"], e.get("name", ""), e.get("seat", ""), e["status"]
            )
        deputy.status = e["status"]
        if deputy.status == "ended":
            self.signed_in.discard(deputy.id)

    def _apply_device_paired(self, e: Mapping[str, Any]) -> None:
        self.devices[e["device"]] = Device(e["device"], e["deputy"], e["alg"], e["public_key"])
        self.active_device[e["deputy"]] = e["device"]

    def _apply_device_revoked(self, e: Mapping[str, Any]) -> None:
        self.devices[e["device"]].active = False
        if self.active_device.get(e["deputy"]) == e["device"]:
            del self.active_device[e["deputy"]]

    def _apply_signed_in(self, e: Mapping[str, Any]) -> None:
        self.signed_in.add(e["deputy"])
        self.attended.add(e["deputy"])

    def _apply_signed_out(self, e: Mapping[str, Any]) -> None:
        self.signed_in.discard(e["deputy"])

    def _apply_leave_recorded(self, e: Mapping[str, Any]) -> None:
        if e["leave"]:
            self.on_leave.add(e["deputy"])
        else:
            self.on_leave.discard(e["deputy"])

    def _apply_agenda_set(self, e: Mapping[str, Any]) -> None:
        items: dict[str, Item] = {}
        for row in e["items"]:
            old = self.items.get(row["item"])
            items[row["item"]] = Item(
                row["item"],
                row["title"],
                row["kind"],
                row.get("rule"),
                withdrawn=old.withdrawn if old else False,
                body=row.get("body", "plenary"),
                adopts=row.get("adopts"),
            )
        self.items = items

    def _apply_item_current(self, e: Mapping[str, Any]) -> None:
        self.current_item = e["item"]

    def _apply_item_withdrawn(self, e: Mapping[str, Any]) -> None:
        self.items[e["item"]].withdrawn = True
        if self.current_item == e["item"]:
            self.current_item = None

    def _apply_document_added(self, e: Mapping[str, Any]) -> None:
        self.documents.setdefault(e["item"], {})[e["sha256"]] = {
            "title": e["title"],
            "filename": e["filename"],
            "size": e["size"],
            "seq": e["seq"],
        }

    def _apply_poll_opened(self, e: Mapping[str, Any]) -> None:
        self.polls[e["poll"]] = Poll(
            id=e["poll"],
            item=e["item"],
            definition=dict(e["definition"]),
            mode=e["mode"],
            change_policy=e["change_policy"],
            present=frozenset(e["present"]),
            closes_at=e.get("closes_at"),
            body=e.get("voters", "plenary"),
            key_id=e.get("key_id"),
            encrypted=EncryptedBallots() if e["mode"] == "encrypted" else None,
        )
        self.current_item = e["item"]
        self.projects.opened_seq[e["poll"]] = e["seq"]

    def _apply_vote(self, e: Mapping[str, Any]) -> None:
        poll = self.polls[e["poll"]]
        if poll.change_policy == "last" or e["deputy"] not in poll.votes:
            poll.votes[e["deputy"]] = e["choice"]

    def _apply_encrypted_ballot(self, e: Mapping[str, Any]) -> None:
        """An accepted encrypted ballot: who cast it is public, its ciphertexts kept for the
        tally and their first components for weeding."""
        poll = self.polls[e["poll"]]
        tally = _encrypted(poll)
        tally.cast.append(CastBallot(e["seq"], e["deputy"], e["device"], e["ballot"]))
        tally.first_components.update(first_components_of(e["ballot"]))
        poll.participants.add(e["deputy"])

    def _apply_aggregate(self, e: Mapping[str, Any]) -> None:
        _encrypted(self.polls[e["poll"]]).aggregate = dict(e)

    def _apply_decryption_shares(self, e: Mapping[str, Any]) -> None:
        _encrypted(self.polls[e["poll"]]).share_sets[e["scrutineer"]] = dict(e)

    def _apply_decrypted_totals(self, e: Mapping[str, Any]) -> None:
        tally = _encrypted(self.polls[e["poll"]])
        tally.totals = dict(e)
        tally.awaiting_mix = e.get("awaiting") == "write-in-mix"

    def _apply_shuffle(self, e: Mapping[str, Any]) -> None:
        _encrypted(self.polls[e["poll"]]).shuffles.append(dict(e))
        self._station_signed(e)

    def _apply_write_in_shares(self, e: Mapping[str, Any]) -> None:
        _encrypted(self.polls[e["poll"]]).write_in_share_sets[e["scrutineer"]] = dict(e)
        self._station_signed(e)

    def _apply_decrypted_write_ins(self, e: Mapping[str, Any]) -> None:
        _encrypted(self.polls[e["poll"]]).awaiting_mix = False

    def _apply_poll_closed(self, e: Mapping[str, Any]) -> None:
        poll = self.polls[e["poll"]]
        poll.status = "closed"
        poll.issued = e["issued"]

    def _apply_manual_result(self, e: Mapping[str, Any]) -> None:
        """The counts are kept in the ``result`` entry that follows; the scrutineers here."""
        self.polls[e["poll"]].confirmed_by = list(e["confirmed_by"])

    def _apply_result(self, e: Mapping[str, Any]) -> None:
        self.polls[e["poll"]].result = dict(e["result"])
        self.projects.result_seq[e["poll"]] = e["seq"]

    def _apply_motion_adopted(self, e: Mapping[str, Any]) -> None:
        adopts = e["adopts"]
        if "presidium" in adopts:
            self.presidium = list(adopts["presidium"])
        if "election_rules" in adopts:
            self.election_rules = (e["poll"], dict(adopts["election_rules"]))
        if "scrutineers" in adopts:
            self.scrutineers = dict(adopts["scrutineers"])

    def _apply_result_confirmed(self, e: Mapping[str, Any]) -> None:
        self.polls[e["poll"]].confirmation = {
            "decision": e["decision"],
            "presidium": list(e["presidium"]),
        }

    def _apply_oath_taken(self, e: Mapping[str, Any]) -> None:
        self.oaths[e["item"]] = {
            "led_by": e["led_by"],
            "sworn": list(e["sworn"]),
        }

    def _apply_result_announced(self, e: Mapping[str, Any]) -> None:
        self.polls[e["poll"]].announced = True

    def _apply_notice_issued(self, e: Mapping[str, Any]) -> None:
        self.notices.append(dict(e))

    def _apply_poll_voided(self, e: Mapping[str, Any]) -> None:
        poll = self.polls[e["poll"]]
        poll.status = "voided"
        poll.void_reason = e["reason"]

    def _apply_key_completed(self, e: Mapping[str, Any]) -> None:
        self.sitting_key = SittingKey(
            key_id=e["key_id"],
            t=e["t"],
            n=e["n"],
            public_key=e["public_key"],
            verification_keys={int(j): y for j, y in e["verification_keys"].items()},
            scrutineers={int(j): d for j, d in e["scrutineers"].items()},
        )

    # The key ceremony (voting.core.stations, voting.core.ceremony, voting.core.liveness) -----

    def _station_signed(self, e: Mapping[str, Any]) -> None:
        station = self.stations[e["station"]]
        station.counter = e["station_body"]["n"]
        station.last_body = e["station_body"]

    def _apply_station_paired(self, e: Mapping[str, Any]) -> None:
        old = self.active_station.get(e["deputy"])
        if old is not None:
            self.stations[old].active = False
        self.stations[e["station"]] = Station(e["station"], e["deputy"], e["alg"], e["public_key"])
        self.active_station[e["deputy"]] = e["station"]

    def _apply_ceremony_started(self, e: Mapping[str, Any]) -> None:
        params = CeremonyParams(self.origin, e["ceremony"], e["t"], e["n"])
        self.ceremony = self.ceremonies[e["ceremony"]] = CeremonyRun(
            id=e["ceremony"],
            t=e["t"],
            n=e["n"],
            scrutineers={int(j): d for j, d in e["scrutineers"].items()},
            stations={int(j): s for j, s in e["stations"].items()},
            ceremony=Ceremony(params),
        )

    def _apply_ceremony_message(self, e: Mapping[str, Any]) -> None:
        run = self.ceremonies[e["ceremony"]]
        where = f"entry {e['seq']}"
        run.ceremony.receive(decode_message(e["kind"], unb64url(e["message"], where), where))
        run.messages.append(
            {"seq": e["seq"], "kind": e["kind"], "index": e["index"], "message": e["message"]}
        )
        self._station_signed(e)

    def _apply_ceremony_fault(self, e: Mapping[str, Any]) -> None:
        self.ceremonies[e["ceremony"]].faults.append(
            {"index": e["index"], "deputy": e["deputy"], "code": e["code"], "reason": e["reason"]}
        )

    def _apply_liveness_challenge(self, e: Mapping[str, Any]) -> None:
        self.liveness[e["poll"]] = LivenessRound(e["poll"], e["challenge"], e["key_id"])

    def _apply_liveness(self, e: Mapping[str, Any]) -> None:
        self.liveness[e["poll"]].answered[e["index"]] = e["seq"]
        self._station_signed(e)

    def _apply_speech_requested(self, e: Mapping[str, Any]) -> None:
        self.speaking_queue.append(e["deputy"])

    def _apply_speech_withdrawn(self, e: Mapping[str, Any]) -> None:
        self.speaking_queue.remove(e["deputy"])

    def _apply_floor_granted(self, e: Mapping[str, Any]) -> None:
        self.speaking_queue.remove(e["deputy"])
        self.speaker = {"deputy": e["deputy"], "minutes": e["minutes"], "ends_at": e["ends_at"]}

    def _apply_floor_ended(self, e: Mapping[str, Any]) -> None:
        self.speaker = None

    def _apply_proposal_drafted(self, e: Mapping[str, Any]) -> None:
        apply_proposal_entry(self.proposals, e)

    _apply_proposal_signed = _apply_proposal_tabled = _apply_proposal_drafted
    _apply_proposal_decided = _apply_suggestion_answered = _apply_proposal_drafted
    _apply_suggestion_rated = _apply_proposal_drafted

    def _apply_project_registered(self, e: Mapping[str, Any]) -> None:
        self.projects.apply(e)

    _apply_project_withdrawn = _apply_project_supervisors = _apply_project_registered
    _apply_project_milestone = _apply_project_evaluation = _apply_project_registered

    def _apply_split_view_alarm(self, e: Mapping[str, Any]) -> None:
        self.split_view_alarms.append(
            {"deputy": e["deputy"], "device": e["device"], "seq": e["seq"]}
        )

    def _apply_meeting_closed(self, e: Mapping[str, Any]) -> None:
        self.closed = True


def _encrypted(poll: Poll) -> EncryptedBallots:
    if poll.encrypted is None:
        raise ValueError(f"poll {poll.id} is not an encrypted poll")
    return poll.encrypted
