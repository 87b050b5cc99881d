"""Check 4: the log opens the meeting, and devices come only from pairings of roster deputies.

Entry 0 is ``meeting_opened`` for this log (its ``origin`` is the log key's name, its
``log_key`` the key being verified against). Roster changes name roster deputies, and an ended
seat stays ended. A device is paired once, to a deputy on the roster whose seat has not ended;
a deputy has at most one active device (``device_revoked`` ends it). Every signed tablet
message comes from the active device of the deputy it names.
"""

from __future__ import annotations

from typing import Any

from audit.tablet import DeviceKey, TabletSignatureError
from audit.verify.base import Check, Entry, show
from audit.verify.state import Device, Meeting

__all__ = ["RosterCheck", "message_device"]


#: Proposal entries that carry a tablet's signed body (audit/proposals.py).
PROPOSAL_MESSAGES = frozenset(
    {"proposal_drafted", "proposal_signed", "proposal_tabled", "suggestion_rated"}
)


def message_device(entry: Entry) -> str | None:
    """The device that signed an entry's tablet message, or ``None`` if it has none."""
    kind = entry["type"]
    if kind in ("vote", "encrypted_ballot", "split_view_alarm") or kind in PROPOSAL_MESSAGES:
        return str(entry["device"])
    if kind in ("signed_in", "signed_out") and entry["method"] == "tablet":
        return str(entry["body"]["device"])
    if kind in ("speech_requested", "speech_withdrawn"):
        return str(entry["body"]["device"])
    return None


class RosterCheck(Check):
    number = 4

    def __init__(self, *args: Any, meeting: Meeting) -> None:
        super().__init__(*args)
        self.meeting = meeting
        self._handlers = {
            "meeting_opened": self._meeting_opened,
            "roster_changed": self._roster_changed,
            "device_paired": self._device_paired,
            "device_revoked": self._device_revoked,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        kind = entry["type"]
        if seq == 0 and kind != "meeting_opened":
            self.fail(seq, f"entry 0: the log starts with {kind}, not meeting_opened")
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(seq, entry)
        device = message_device(entry)
        if device is not None:
            self._check_sender(seq, entry, device)

    def finish(self, entries: int) -> None:
        if entries == 0:
            self.fail(0, "entry 0: the log is empty; it must start with meeting_opened")

    def _meeting_opened(self, seq: int, entry: Entry) -> None:
        meeting = self.meeting
        if seq != 0:
            self.fail(seq, f"entry {seq}: meeting_opened again; only entry 0 opens the meeting")
            return
        meeting.opened = True
        settings = entry["settings"]
        if isinstance(settings, dict):
            meeting.hold_election_results = settings.get("hold_election_results") is True
        if entry["origin"] != meeting.origin:
            self.fail(
                seq,
                f"entry 0: origin {show(entry['origin'])} is not the log key's name "
                f"{show(meeting.origin)}",
            )
        if entry["log_key"] != meeting.vkey:
            self.fail(
                seq,
                f"entry 0: log_key {show(entry['log_key'])} is not the key being verified "
                f"against, {meeting.vkey}",
            )
        for index, member in enumerate(entry["roster"]):
            deputy = member["deputy"]
            if deputy in meeting.roster:
                self.fail(seq, f"entry 0: roster[{index}] lists deputy {deputy} again")
            meeting.roster[deputy] = member["status"]

    def _roster_changed(self, seq: int, entry: Entry) -> None:
        deputy, status = entry["deputy"], entry["status"]
        current = self.meeting.roster.get(deputy)
        if current is None:
            self.fail(seq, f"entry {seq}: roster_changed for {deputy}, who is not on the roster")
            return
        if current == "ended":
            self.fail(
                seq, f"entry {seq}: the seat of {deputy} has ended; it cannot become {status}"
            )
            return
        self.meeting.roster[deputy] = status

    def _device_paired(self, seq: int, entry: Entry) -> None:
        meeting = self.meeting
        deputy, device = entry["deputy"], entry["device"]
        status = meeting.roster.get(deputy)
        if status is None:
            self.fail(
                seq, f"entry {seq}: device {device} paired to {deputy}, who is not on the roster"
            )
            return
        if status == "ended":
            self.fail(seq, f"entry {seq}: device {device} paired to {deputy}, whose seat has ended")
            return
        earlier = meeting.devices.get(device)
        if earlier is not None:
            self.fail(
                seq, f"entry {seq}: device {device} was already paired at entry {earlier.paired_at}"
            )
            return
        active = meeting.active_device.get(deputy)
        if active is not None:
            self.fail(
                seq,
                f"entry {seq}: {deputy} already has active device {active} (paired at entry "
                f"{meeting.devices[active].paired_at}); a deputy has at most one",
            )
            return
        try:
            key: DeviceKey | None = DeviceKey.parse(entry["alg"], entry["public_key"])
        except TabletSignatureError as exc:
            self.fail(seq, f"entry {seq}: device {device}: {exc.message}")
            key = None
        meeting.devices[device] = Device(
            device, deputy, entry["alg"], entry["public_key"], key, seq
        )
        meeting.active_device[deputy] = device

    def _device_revoked(self, seq: int, entry: Entry) -> None:
        meeting = self.meeting
        deputy, device = entry["deputy"], entry["device"]
        known = meeting.devices.get(device)
        if known is None:
            self.fail(seq, f"entry {seq}: device {device} is revoked but was never paired")
            return
        if known.deputy != deputy:
            self.fail(
                seq, f"entry {seq}: device {device} belongs to {known.deputy}, not to {deputy}"
            )
            return
        if not known.active:
            self.fail(
                seq, f"entry {seq}: device {device} was already revoked at entry {known.revoked_at}"
            )
            return
        known.revoked_at = seq
        del meeting.active_device[deputy]

    def _check_sender(self, seq: int, entry: Entry, device: str) -> None:
        deputy = entry["deputy"]
        known = self.meeting.devices.get(device)
        if known is None:
            self.fail(
                seq, f"entry {seq}: {entry['type']} from device {device}, which was never paired"
            )
        elif known.deputy != deputy:
            self.fail(
                seq,
                f"entry {seq}: {entry['type']} for {deputy} from device {device}, which is paired "
                f"to {known.deputy}",
            )
        elif not known.active:
            self.fail(
                seq,
                f"entry {seq}: {entry['type']} from device {device}, revoked at entry "
                f"{known.revoked_at}",
            )

    def detail(self) -> str:
        meeting = self.meeting
        return f"{len(meeting.roster):,} deputies on the roster, {len(meeting.devices):,} devices paired"
