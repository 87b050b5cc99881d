"""Pushing committed changes to the connected clients of a meeting.

After each command commits, :meth:`Live.committed` decides who must hear of it: tablets and the
hall display get the public view when the agenda, a poll or the attendance changes; the chair
console gets its fuller view. Console and display updates are coalesced (at most one every
``COALESCE_S`` seconds), so a burst of votes costs a few messages, not one per vote.
"""

from __future__ import annotations

import asyncio
from typing import Any

from voting import views
from voting.hub import Hub, Peer
from voting.service import MeetingService, Written

COALESCE_S = 0.2

#: Entry types after which every tablet gets the new public view.
PUBLIC_CHANGES = frozenset(
    {
        "agenda_set",
        "item_current",
        "item_withdrawn",
        "poll_opened",
        "poll_closed",
        "result",
        "result_announced",
        "poll_voided",
        "meeting_closed",
        "signed_in",
        "signed_out",
        "roster_changed",
        "leave_recorded",
    }
)
#: Entry types that concern one deputy's own tablet.
OWN_CHANGES = frozenset(
    {"signed_in", "signed_out", "roster_changed", "device_revoked", "vote", "participation"}
)

TABLETS = frozenset({"tablet"})
WATCHERS = frozenset({"console", "display"})


class Live:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._pending: dict[str, asyncio.TimerHandle] = {}

    def committed(self, service: MeetingService, written: Written) -> None:
        types = set(written.types)
        meeting = service.meeting_id
        if types & PUBLIC_CHANGES:
            self.hub.broadcast(
                meeting, {"type": "state", "state": views.public_view(service.state)}, TABLETS
            )
        for entry in written.entries:
            if entry["type"] in OWN_CHANGES:
                self.send_own(service, entry["deputy"])
        self.schedule_watchers(service)

    def send_own(self, service: MeetingService, deputy: str) -> None:
        for peer in self.hub.peers(service.meeting_id, TABLETS):
            if peer.deputy == deputy:
                self.hub.send(
                    peer, {"type": "you", "you": views.deputy_view(service.state, deputy)}
                )

    def schedule_watchers(self, service: MeetingService) -> None:
        meeting = service.meeting_id
        if meeting in self._pending:
            return
        loop = asyncio.get_running_loop()
        self._pending[meeting] = loop.call_later(COALESCE_S, self._flush, service)

    def _flush(self, service: MeetingService) -> None:
        meeting = service.meeting_id
        self._pending.pop(meeting, None)
        online = self.hub.online_devices(meeting)
        console = {"type": "state", "state": views.console_view(service.state, online)}
        display = {"type": "state", "state": views.public_view(service.state)}
        self.hub.broadcast(meeting, console, frozenset({"console"}))
        self.hub.broadcast(meeting, display, frozenset({"display"}))

    def welcome_tablet(self, service: MeetingService, peer: Peer) -> dict[str, Any]:
        state = service.state
        message: dict[str, Any] = {"type": "welcome", "state": views.public_view(state)}
        if peer.deputy is not None:
            message["you"] = views.deputy_view(state, peer.deputy)
        return message
