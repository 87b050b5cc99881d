"""Simulated stations: n scrutineers' stations in one process, for tests and the demo.

Each is an ordinary :class:`~devices.scrutineer.station.Station` with its state in memory,
labelled "模拟监票人 (simulated)" wherever it shows. Its station id is ``station-<deputy>``
unless named: only the demo names its stations ``sim-<deputy>``, which tells the server they
are simulated (a meeting that is not a demo refuses them). A
:class:`CheatingStation` deals a bad share to one recipient in one run, so that the complaint,
the verdict and the restart can be shown and tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from audit.ceremony_messages import b64url
from ballots.crypto.group import Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.ceremony import Ceremony, Phase
from ballots.crypto.threshold.polynomial import evaluate
from ballots.crypto.threshold.transport import seal_share
from devices.scrutineer.client import StationClient, Transport
from devices.scrutineer.local_state import LocalState, new_state
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing
from devices.scrutineer.tally import Offer

__all__ = [
    "SIMULATED_LABEL",
    "CheatingStation",
    "confirm_by_itself",
    "run_until_settled",
    "simulated_station",
]

SIMULATED_LABEL: Final = "模拟监票人 (simulated)"


class CheatingStation(Station):
    """A station that seals a wrong share (``f_i(j) + 1``) to ``victim`` in run ``ceremony``."""

    def __init__(
        self,
        state: LocalState,
        client: StationClient,
        *,
        victim: int,
        ceremony: str,
        random: RandomSource | None = None,
    ) -> None:
        super().__init__(state, client, random=random)
        self.victim = victim
        self.cheat_in = ceremony
        self.cheated = False

    def plan(self, ceremony: Ceremony) -> list[Outgoing]:
        outgoing = super().plan(ceremony)
        slot = f"share:{self.victim}"
        state = self.state
        if (
            not self.cheated
            and ceremony.phase is Phase.SHARES
            and state.ceremony == self.cheat_in
            and slot in state.outbox
        ):
            self.cheated = True
            assert state.coefficients is not None and state.index is not None
            coefficients = [Scalar.decode(bytes.fromhex(c), "c") for c in state.coefficients]
            wrong = evaluate(coefficients, self.victim) + Scalar.of(1)
            recipient_key = ceremony.announcements[self.victim].transport_key
            sealed = seal_share(
                ceremony.params, state.index, self.victim, recipient_key, wrong, self.random
            )
            state.outbox[slot] = b64url(sealed.encode())
            outgoing = [
                Outgoing(o.endpoint, {**o.fields, "message": state.outbox[slot]}, o.slot)
                if o.slot == slot
                else o
                for o in outgoing
            ]
        return outgoing


def simulated_station(
    transport: Transport,
    meeting: str,
    deputy: str,
    *,
    random: RandomSource | None = None,
    cheat: tuple[int, str] | None = None,
    name: str = "",
) -> Station:
    """A simulated station for ``deputy`` (not yet paired), named ``name`` (default
    ``station-<deputy>``); ``cheat`` = (victim, run id)."""
    state = new_state(server="", meeting=meeting, station=name or f"station-{deputy}")
    state.deputy = deputy
    client = StationClient(transport, meeting)
    station = (
        Station(state, client, random=random)
        if cheat is None
        else CheatingStation(state, client, random=random, victim=cheat[0], ceremony=cheat[1])
    )
    station.label = f"{SIMULATED_LABEL} {deputy}"
    return station


def run_until_settled(stations: Iterable[Station], *, rounds: int = 20) -> str | None:
    """Step every station in turn until the board's run completes or fails (at most
    ``rounds`` passes); the final phase, or None if there was no run."""
    every = list(stations)
    phase: str | None = None
    for _ in range(rounds):
        posted = 0
        for station in every:
            result = station.step()
            posted += len(result.posted)
            phase = None if result.phase is None else str(result.phase)
        if posted == 0:
            board = every[0].client.board()
            return None if board["phase"] is None else str(board["phase"])
    return phase


def confirm_by_itself(offer: Offer) -> bool:
    """A simulated station's confirmation: it decrypts every poll it verified, unasked."""
    return True
