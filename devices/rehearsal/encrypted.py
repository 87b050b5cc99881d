"""The rehearsal's encrypted motion (``congress simulate --encrypted``), with simulated
scrutineers.

After the plaintext polls: the scrutineers' list (总监票人 the first deputy, 监票人 the next two,
计票人 the fourth) is adopted on paper, three simulated scrutineer stations in this process pair
over HTTP and run the key ceremony, answer the liveness challenge, every tablet casts an
encrypted, proved ballot, the poll closes with its aggregate, and the stations verify the log
and post their decryption shares until the result is published. The result must equal the
count of the stances the tablets encrypted.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from typing import Any, Final

from ballots.crypto.shape import Choice, Stance
from devices.scrutineer.client import HttpTransport, ServerRefused
from devices.scrutineer.simulated import confirm_by_itself, run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.scrutineer.tally import DecryptionRefused
from devices.simulator import SimTablet, SimulationError

#: The agenda items of the encrypted part.
SCRUTINEERS_ITEM: Final = "scrut"
MOTION_ITEM: Final = "enc"
MOTION_POLL: Final = "penc"
STANCES: Final[tuple[Stance, ...]] = ("for", "against", "abstain")
#: Tablets the encrypted part needs: four scrutineers are chosen among the deputies.
MINIMUM_TABLETS: Final = 4


def agenda_items() -> list[dict[str, Any]]:
    """The scrutineers' list and the encrypted motion, added to the rehearsal's agenda."""
    return [
        {"item": SCRUTINEERS_ITEM, "title": "通过总监票人、监票人、计票人名单", "kind": "motion"},
        {"item": MOTION_ITEM, "title": "关于演练经费的决议（加密表决）", "kind": "motion"},
    ]


def scrutineers(deputies: list[str]) -> dict[str, list[str]]:
    return {"chief": deputies[:1], "scrutineers": deputies[1:3], "tellers": deputies[3:4]}


class EncryptedMotion:
    """The encrypted part of a rehearsal on ``base`` (the rehearsal's API and tablets)."""

    def __init__(
        self,
        rehearsal: Any,
        base: str,
        *,
        cafile: str | None = None,
        seed: int = 2027,
        timeout: float = 60.0,
    ) -> None:
        self.r = rehearsal
        self.base = base
        self.cafile = cafile
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.stations: list[Station] = []

    async def run(self) -> str:
        r = self.r
        deputies: list[str] = r.deputies
        if len(deputies) < MINIMUM_TABLETS:
            raise SimulationError(f"an encrypted motion needs {MINIMUM_TABLETS} tablets or more")
        present = len(deputies)
        await r._api("POST", f"/items/{SCRUTINEERS_ITEM}/current")
        adopted = (
            await r._api(
                "POST",
                "/polls",
                {"item": SCRUTINEERS_ITEM, "definition": {"kind": "motion"}, "mode": "manual"},
            )
        )["poll"]
        paper = {
            "issued": present,
            "ballots": {"cast": present, "valid": present, "void": 0},
            "counts": {"for": present, "against": 0, "abstain": 0},
            "confirmed_by": ["监票人"],
        }
        await r._api("POST", f"/polls/{adopted}/manual-result", paper)
        for deputy in deputies[:3]:
            code = (await r._api("POST", f"/scrutineers/{deputy}/station-code"))["code"]
            transport = HttpTransport(self.base, cafile=self.cafile, timeout=self.timeout)
            station = simulated_station(transport, r.meeting, deputy)
            await asyncio.to_thread(station.pair, code)
            self.stations.append(station)
        await r._api("POST", "/ceremony/start", {})
        phase = await asyncio.to_thread(run_until_settled, self.stations)
        if phase != "complete":
            raise SimulationError(f"the key ceremony ended {phase!r}, not complete")
        await r._api("POST", "/liveness/challenge", {"poll": MOTION_POLL})
        for station in self.stations:
            await asyncio.to_thread(station.step)
        await r._api("POST", f"/items/{MOTION_ITEM}/current")
        body = {
            "poll": MOTION_POLL,
            "item": MOTION_ITEM,
            "definition": {"kind": "motion"},
            "mode": "encrypted",
        }
        await r._api("POST", "/polls", body)
        stances = [self.rng.choice(STANCES) for _ in r.sims]
        r.summary.votes_expected += len(stances)
        await asyncio.gather(
            *(self._cast(s, stance) for s, stance in zip(r.sims, stances, strict=True))
        )
        await r._api("POST", f"/polls/{MOTION_POLL}/close")
        result = await self._decrypted()
        expected = Counter(stances)
        counts = result["counts"]
        if any(counts.get(s, 0) != expected.get(s, 0) for s in STANCES):
            r._fail(f"{MOTION_POLL}: the decrypted counts {counts} differ from {dict(expected)}")
            return f"解密结果与所投不符 / decrypted counts differ: {counts}"
        tally = "，".join(f"{s} {counts.get(s, 0)}" for s in STANCES)
        return f"模拟监票人已解密 / decrypted by the simulated scrutineers: {tally}"

    async def _cast(self, sim: SimTablet, stance: Stance) -> None:
        def open_now(s: SimTablet) -> bool:
            poll = s.poll()
            return poll is not None and poll["poll"] == MOTION_POLL and poll["status"] == "open"

        try:
            await sim.wait_until(open_now, timeout=self.timeout, what=f"{MOTION_POLL} open")
            encryption = (sim.poll() or {})["encryption"]
            ballot = sim.tablet.encrypted_ballot(MOTION_POLL, encryption, Choice.stances([stance]))
            reply = await sim.request(ballot, timeout=self.timeout)
            if reply.get("type") != "ballot_ack":
                raise SimulationError(f"expected ballot_ack, got {reply}")
            self.r.summary.votes_acknowledged += 1
        except SimulationError as error:
            self.r._fail(f"{sim.device} {MOTION_POLL}: {error}")

    async def _decrypted(self) -> dict[str, Any]:
        """Let the stations decrypt until the poll has its result; the result."""
        token = (
            await self.r.http.json(
                "POST",
                "/api/tokens",
                {"role": "auditor", "label": "模拟监票人 / simulated scrutineers"},
                token=self.r.token,
            )
        )["token"]
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            polls = (await self.r._api("GET", "/polls"))["polls"]
            poll = next(p for p in polls if p["poll"] == MOTION_POLL)
            if poll.get("result") is not None:
                found: dict[str, Any] = poll["result"]
                return found
            for station in self.stations:
                try:
                    await asyncio.to_thread(station.decrypt, token, confirm_by_itself)
                except (DecryptionRefused, ServerRefused) as error:
                    raise SimulationError(f"a station refused to decrypt: {error}") from None
            await asyncio.sleep(0.5)
        raise SimulationError(f"{MOTION_POLL} was not decrypted within {self.timeout:.0f} s")
