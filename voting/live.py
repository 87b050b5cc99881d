"""Pushing committed changes to the connected clients of a meeting.

After each transaction commits, :meth:`Live.committed` decides who must hear of it: tablets and
the hall display get the public view when the agenda, a poll or the attendance changes; the chair
console gets its fuller view; a deputy's tablets get the deputy's own view (``you``), except the
tablet whose command wrote the change: its answer carries that view. A transaction holding many
commands (group commit: a whole hall signing in at once) costs one push to each tablet, not one
per command. Console and display
updates are coalesced (at most one every ``coalesce_s`` seconds, a setting), so a burst of votes costs a few
messages, not one per vote. A revoked device's connection is closed as soon as the revocation
is committed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from devices.hub import CloseCode, Hub, Peer
from voting.core import views
from voting.core.proposal_state import PROPOSAL_ENTRIES
from voting.core.state import MeetingState
from voting.service import Entries, MeetingService
from voting.settings import Settings

#: Entry types after which every tablet gets the new public view.
PUBLIC_CHANGES = frozenset(
    {
        "agenda_set",
        "item_current",
        "item_withdrawn",
        "poll_opened",
        "poll_closed",
        "result",
        "result_confirmed",
        "result_announced",
        "poll_voided",
        "meeting_closed",
        "signed_in",
        "signed_out",
        "roster_changed",
        "leave_recorded",
        "decrypted_totals",  # an encrypted poll decrypted (or waiting for the write-in mix)
        "speech_requested",
        "speech_withdrawn",
        "floor_granted",
        "floor_ended",
        "split_view_alarm",  # a tablet was shown a split view: the hall and tablets see it
        *PROPOSAL_ENTRIES,  # co-signed proposals, listed in the public view
    }
)
#: Entry types that concern one deputy's own tablet.
OWN_CHANGES = frozenset(
    {
        "signed_in",
        "signed_out",
        "roster_changed",
        "device_revoked",
        "vote",
        "encrypted_ballot",
    }
)

TABLETS = frozenset({"tablet"})
WATCHERS = frozenset({"console", "display"})
CONSOLES = frozenset({"console"})
DISPLAYS = frozenset({"display"})


class Live:
    def __init__(self, hub: Hub, *, coalesce_s: float = Settings.watcher_coalesce_s) -> None:
        self.hub = hub
        self.coalesce_s = coalesce_s
        self._pending: dict[str, asyncio.TimerHandle] = {}
        # meeting -> (state, its size, its public view): the view of the newest state
        self._public: dict[str, tuple[MeetingState, int, dict[str, Any]]] = {}

    def public_view(self, service: MeetingService) -> dict[str, Any]:
        """The public view of the meeting's state, built once per state: every entry applied
        changes ``size``, and a rebuilt state is a new object. Building it walks the roster, so
        a hall of 3,000 tablets reconnecting at once must not build it 3,000 times. The view
        is shared: do not change it."""
        state = service.state
        cached = self._public.get(service.meeting_id)
        if cached is not None and cached[0] is state and cached[1] == state.size:
            return cached[2]
        view = views.public_view(state)
        self._public[service.meeting_id] = (state, state.size, view)
        return view

    def committed(
        self, service: MeetingService, entries: Entries, answered: frozenset[str] = frozenset()
    ) -> None:
        """Push what one committed transaction changed (the service calls this, before the
        transaction's commands are answered). ``answered``: the devices whose answers carry
        their deputy's own view; they get no separate ``you``."""
        meeting = service.meeting_id
        for entry in entries:
            if entry["type"] == "device_revoked":
                self.hub.close_device(meeting, entry["device"], CloseCode.REVOKED)
        if any(entry["type"] in PUBLIC_CHANGES for entry in entries):
            self.hub.broadcast(
                meeting, {"type": "state", "state": self.public_view(service)}, TABLETS
            )
        own = dict.fromkeys(e["deputy"] for e in entries if e["type"] in OWN_CHANGES)
        for deputy in own:
            self.send_own(service, deputy, answered)
        self.schedule_watchers(service)

    def send_own(
        self, service: MeetingService, deputy: str, answered: frozenset[str] = frozenset()
    ) -> None:
        """Push the deputy's own view to the deputy's tablets but those in ``answered``."""
        peers = [
            p for p in self.hub.tablets_of(service.meeting_id, deputy) if p.device not in answered
        ]
        if peers:
            message = {"type": "you", "you": views.deputy_view(service.state, deputy)}
            for peer in peers:
                self.hub.send(peer, message)

    def schedule_watchers(self, service: MeetingService) -> None:
        meeting = service.meeting_id
        if meeting in self._pending:
            return
        loop = asyncio.get_running_loop()
        self._pending[meeting] = loop.call_later(self.coalesce_s, self._flush, service)

    def _flush(self, service: MeetingService) -> None:
        meeting = service.meeting_id
        self._pending.pop(meeting, None)
        # A view is built only if someone watches: the console's lists every deputy.
        if self.hub.peers(meeting, CONSOLES):
            online = self.hub.online_devices(meeting)
            console = {"type": "state", "state": views.console_view(service.state, online)}
            self.hub.broadcast(meeting, console, CONSOLES)
        if self.hub.peers(meeting, DISPLAYS):
            display = {"type": "state", "state": self.public_view(service)}
            self.hub.broadcast(meeting, display, DISPLAYS)

    def welcome_tablet(self, service: MeetingService, peer: Peer) -> dict[str, Any]:
        state = service.state
        message: dict[str, Any] = {"type": "welcome", "state": self.public_view(service)}
        if peer.deputy is not None:
            message["you"] = views.deputy_view(state, peer.deputy)
        return message
