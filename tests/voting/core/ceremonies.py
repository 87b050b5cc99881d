"""A meeting state ready for the key ceremony, and stations that sign as real ones do.

Five deputies; the scrutineers adopted: 总监票人 d01, 监票人 d02 and d03, 计票人 d04. Stations
are :class:`~devices.scrutineer.station.Station` objects whose client is never used here: the
tests feed their signed bodies straight to the core's decisions.
"""

from __future__ import annotations

from typing import Any

from ballots.crypto.randomness import DeterministicRandom
from devices.scrutineer.local_state import new_state
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing, join_board, rebuild
from tests.voting.core.meetings import Meeting
from voting.core.ceremony import receive_message
from voting.core.devices import SignedBody
from voting.core.outcome import Change
from voting.http.ceremony import board

SCRUTINEERS = {"chief": ["d01"], "scrutineers": ["d02", "d03"], "tellers": ["d04"]}


def adopt(meeting: Meeting, scrutineers: dict[str, Any] = SCRUTINEERS) -> Meeting:
    return meeting.apply(
        {
            "type": "motion_adopted",
            "poll": "p0",
            "item": "s",
            "adopts": {"scrutineers": scrutineers},
        }
    )


def station_of(meeting: Meeting, deputy: str, name: str = "") -> Station:
    """A station for ``deputy``, paired in ``meeting``'s state."""
    state = new_state(server="", meeting="m1", station=name or f"st-{deputy}")
    state.deputy, state.origin = deputy, meeting.state.origin
    meeting.apply(
        {
            "type": "station_paired",
            "deputy": deputy,
            "station": state.station,
            "alg": "ed25519",
            "public_key": state.public_key(),
            "by": "op",
        }
    )
    return Station(state, client=None, random=DeterministicRandom(deputy.encode()))  # type: ignore[arg-type]


def ready(deputies: int = 5) -> tuple[Meeting, dict[str, Station]]:
    """Scrutineers adopted and d01–d03's stations paired."""
    meeting = adopt(Meeting(deputies))
    return meeting, {d: station_of(meeting, d) for d in ("d01", "d02", "d03")}


def signed(station: Station, outgoing: Outgoing) -> SignedBody:
    message = station.sign(outgoing)
    return SignedBody.read(message["body"], message["sig"])


def step(meeting: Meeting, station: Station) -> list[Change]:
    """What ``station`` posts next, decided and applied one message at a time."""
    changes = []
    public = board(meeting.state)
    if not join_board(station.state, public):
        return []
    for outgoing in station.plan(rebuild(public)):
        change = receive_message(meeting.state, signed(station, outgoing))
        assert isinstance(change, Change)
        meeting.commit(change)
        changes.append(change)
    return changes


def run(meeting: Meeting, stations: dict[str, Station], passes: int = 6) -> list[Change]:
    """Every station steps in turn until nothing more is posted."""
    changes: list[Change] = []
    for _ in range(passes):
        for station in stations.values():
            changes.extend(step(meeting, station))
    return changes
