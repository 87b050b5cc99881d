"""The rehearsal's scrutineers: three simulated stations that hold the sitting key.

Before the first encrypted poll the scrutineers' list (总监票人 the first deputy, 监票人 the next
two, 计票人 the fourth) is adopted on paper, three simulated scrutineer stations in this process
pair over HTTP and run the key ceremony. Before each encrypted poll they answer its liveness
challenge; after its close they verify the log, post their decryption shares and mix the
write-ins until the result is published. The stations run in the rehearsal's own process, never
in the server's.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Final

from devices.scrutineer.client import HttpTransport, ServerRefused
from devices.scrutineer.mix import mix_step
from devices.scrutineer.simulated import confirm_by_itself, run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.scrutineer.tally import DecryptionRefused
from devices.simulator import SimulationError

#: The agenda item that adopts the scrutineers' list, first on the agenda of an encrypted sitting.
SCRUTINEERS_ITEM: Final = "scrut"
#: Tablets an encrypted sitting needs: four scrutineers are chosen among the deputies.
MINIMUM_TABLETS: Final = 4
#: The poll (on paper) that adopts the list: numbered apart from the plan's polls.
SCRUTINEERS_POLL: Final = "p0"
#: The stations that hold key shares: 总监票人 and the two 监票人.
HOLDERS: Final = 3


def scrutineers(deputies: list[str]) -> dict[str, list[str]]:
    return {"chief": deputies[:1], "scrutineers": deputies[1:3], "tellers": deputies[3:4]}


def agenda_item(deputies: list[str]) -> dict[str, Any]:
    """The agenda item that adopts the scrutineers' list among ``deputies``."""
    return {
        "item": SCRUTINEERS_ITEM,
        "title": "通过总监票人、监票人、计票人名单",
        "kind": "motion",
        "adopts": {"scrutineers": scrutineers(deputies)},
    }


class RehearsalScrutineers:
    """The simulated stations of a rehearsal (``rehearsal``: its API, deputies and summary)."""

    def __init__(
        self, rehearsal: Any, base: str, *, cafile: str | None = None, timeout: float = 60.0
    ) -> None:
        self.r = rehearsal
        self.base = base
        self.cafile = cafile
        self.timeout = timeout
        self.stations: list[Station] = []
        self._token = ""

    async def take_office(self) -> str:
        """Adopt the list on paper, pair the stations and run the key ceremony."""
        r = self.r
        deputies: list[str] = r.deputies
        if len(deputies) < MINIMUM_TABLETS:
            raise SimulationError(f"an encrypted sitting needs {MINIMUM_TABLETS} tablets or more")
        present = len(deputies)
        await r._api("POST", f"/items/{SCRUTINEERS_ITEM}/current")
        body = {
            "poll": SCRUTINEERS_POLL,
            "item": SCRUTINEERS_ITEM,
            "definition": {"kind": "motion"},
            "mode": "manual",
        }
        adopted = (await r._api("POST", "/polls", body))["poll"]
        paper = {
            "issued": present,
            "ballots": {"cast": present, "valid": present, "void": 0},
            "counts": {"for": present, "against": 0, "abstain": 0},
            "confirmed_by": ["监票人"],
        }
        await r._api("POST", f"/polls/{adopted}/manual-result", paper)
        for deputy in deputies[:HOLDERS]:
            code = (await r._api("POST", f"/scrutineers/{deputy}/station-code"))["code"]
            transport = HttpTransport(self.base, cafile=self.cafile, timeout=self.timeout)
            station = simulated_station(transport, r.meeting, deputy)
            await asyncio.to_thread(station.pair, code)
            self.stations.append(station)
        await r._api("POST", "/ceremony/start", {})
        phase = await asyncio.to_thread(run_until_settled, self.stations)
        if phase != "complete":
            raise SimulationError(f"the key ceremony ended {phase!r}, not complete")
        return f"{HOLDERS} 台模拟监票终端，密钥仪式完成 / simulated stations, key ceremony complete"

    async def answer_liveness(self, poll: str) -> None:
        """The chair's liveness challenge for ``poll``, answered by every station."""
        await self.r._api("POST", "/liveness/challenge", {"poll": poll})
        for station in self.stations:
            await asyncio.to_thread(station.step)

    async def decrypted(self, poll: str) -> dict[str, Any]:
        """Let the stations decrypt (and mix the write-ins) until ``poll`` has its result."""
        if not self._token:
            self._token = (
                await self.r.http.json(
                    "POST",
                    "/api/tokens",
                    {"role": "auditor", "label": "模拟监票人 / simulated scrutineers"},
                    token=self.r.token,
                )
            )["token"]
        deadline = time.monotonic() + self.timeout
        found: dict[str, Any] = {}
        while time.monotonic() < deadline:
            polls = (await self.r._api("GET", ""))["polls"]  # the console view: held results too
            found = next(p for p in polls if p["poll"] == poll)
            if found.get("result") is not None:
                result: dict[str, Any] = found["result"]
                return result
            if (found.get("decryption") or {}).get("awaiting") == "write-in-mix":
                for station in self.stations:
                    await asyncio.to_thread(mix_step, station, poll)
            else:
                for station in self.stations:
                    try:
                        await asyncio.to_thread(station.decrypt, self._token, confirm_by_itself)
                    except ServerRefused as error:
                        if error.code == "already-decrypted":
                            break  # t stations sufficed: this one's shares are not needed
                        raise SimulationError(f"a station was refused: {error}") from None
                    except DecryptionRefused as error:
                        raise SimulationError(f"a station refused to decrypt: {error}") from None
            await asyncio.sleep(0.2)
        raise SimulationError(
            f"{poll} was not decrypted within {self.timeout:.0f} s: {found.get('decryption')}"
        )
