"""The demo's simulated scrutineers: three stations inside the demo process, labelled as such.

A real meeting's scrutineers hold their key shares on their own stations. The demo has no
such people, so ``congress demo`` runs three simulated stations (:mod:`devices.scrutineer.
simulated`) in a background thread, over HTTP to its own server. They refuse to run for a
meeting whose settings do not say ``simulated_scrutineers: true`` (only the demo writes that
flag, and the console and the hall display then show :data:`LABEL` on every page).

What they do, by themselves:

1. once a quorum has signed in and no poll is open, the scrutineers' list (agenda item
   :data:`SCRUTINEERS_ITEM`) is adopted on paper (a manual result, as a hall would record it);
2. each station is paired with a code from the console and the key ceremony is run;
3. then, every :data:`STEP_S` seconds, the stations answer the chair's liveness challenges,
   decrypt closed encrypted polls (after verifying the log) and mix write-ins.

Their local state is kept in ``scrutineers/`` in the demo directory, so a restarted demo's
stations still hold their key shares.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from devices.scrutineer.client import ServerRefused, StationClient, Transport
from devices.scrutineer.local_state import load_state
from devices.scrutineer.mix import mix_step
from devices.scrutineer.simulated import confirm_by_itself, run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.scrutineer.tally import DecryptionRefused
from voting import sample
from voting.core.stations import SIMULATED_PREFIX

#: The meeting setting that allows simulated scrutineers (written only by ``congress demo``).
FLAG: Final = "simulated_scrutineers"
#: What every page of such a meeting shows.
LABEL: Final = "模拟监票人（仅供演示）/ simulated scrutineers (demo only)"
#: The agenda item that adopts the scrutineers' list.
SCRUTINEERS_ITEM: Final = sample.SCRUTINEERS_ITEM
#: The deputies whose (simulated) stations hold the key shares: 总监票人 and 监票人.
HOLDERS: Final = (*sample.SCRUTINEERS["chief"], *sample.SCRUTINEERS["scrutineers"])
#: Seconds between two looks at the board.
STEP_S: Final = 1.0


def _poll_open(state: dict[str, Any]) -> bool:
    poll = state.get("poll")
    return poll is not None and poll.get("status") == "open"


class NotADemoMeeting(Exception):
    """The meeting does not allow simulated scrutineers: a real meeting never does."""


class SimulatedScrutineers:
    """The three simulated stations of the demo's meeting, driven until :meth:`stop`."""

    def __init__(
        self,
        transport: Transport,
        meeting: str,
        *,
        chair: tuple[str, str],
        auditor_token: str,
        store: Path,
        say: Callable[[str], None] = print,
        step_s: float = STEP_S,
    ) -> None:
        self.transport = transport
        self.meeting = meeting
        self.chair = chair
        self.auditor_token = auditor_token
        self.store = store
        self.say = say
        self.step_s = step_s
        self.stations: list[Station] = []
        self.token = ""
        self._stop = threading.Event()

    # The server's API --------------------------------------------------------------------

    def _api(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.transport.request(
            method, f"/api/meetings/{self.meeting}{path}", body, token=self.token
        )
        if status != 200:
            error = answer if isinstance(answer, dict) else {}
            raise ServerRefused(
                status,
                str(error.get("error", "http-error")),
                str(error.get("message", "")),
                str(error.get("message_en", answer)),
            )
        return answer

    def _login(self) -> None:
        body = {"username": self.chair[0], "password": self.chair[1]}
        status, answer = self.transport.request("POST", "/api/login", body)
        if status != 200:
            raise ServerRefused(status, str(answer.get("error")), "", str(answer))
        self.token = str(answer["token"])

    # The steps -----------------------------------------------------------------------------

    def check_meeting(self) -> dict[str, Any]:
        """The meeting's console view; :class:`NotADemoMeeting` unless its settings allow
        simulated scrutineers."""
        self._login()
        state: dict[str, Any] = self._api("GET", "")
        if state.get(FLAG) is not True:
            raise NotADemoMeeting(
                f"会议 {self.meeting} 不是演示会议，不能使用模拟监票人"
                f" / meeting {self.meeting} is not a demo: no simulated scrutineers"
            )
        return state

    def adopt_when_ready(self) -> None:
        """Wait for the meeting's quorum (two thirds at a plenary) and no open poll, then record
        the paper vote on the list."""
        while not self._stop.is_set():
            state = self._api("GET", "")
            if (state.get("bodies") or {}).get("scrutineers"):
                return
            present = int(state["attendance"]["present"])
            if state["attendance"]["quorum_met"] and not _poll_open(state):
                self._api("POST", f"/items/{SCRUTINEERS_ITEM}/current")
                poll = self._api(
                    "POST",
                    "/polls",
                    {"item": SCRUTINEERS_ITEM, "definition": {"kind": "motion"}, "mode": "manual"},
                )["poll"]
                paper = sample.unanimous_paper_result(present)
                self._api("POST", f"/polls/{poll}/manual-result", paper)
                self.say("模拟监票人：监票人名单已通过 / simulated scrutineers: list adopted")
                return
            self._stop.wait(self.step_s)

    def pair_stations(self) -> None:
        """Load the stations kept by an earlier run, or pair new ones."""
        self.store.mkdir(parents=True, exist_ok=True)
        for deputy in HOLDERS:
            path = self.store / f"{deputy}.json"
            station = simulated_station(
                self.transport, self.meeting, deputy, name=f"{SIMULATED_PREFIX}{deputy}"
            )
            if path.exists():
                station.state = load_state(path)
                station.client = StationClient(self.transport, self.meeting)
            station.path = path
            if not station.state.origin:
                code = self._api("POST", f"/scrutineers/{deputy}/station-code")["code"]
                station.pair(code)
            self.stations.append(station)

    def run_ceremony(self) -> None:
        """Start the key ceremony unless the board has one, and step until it settles."""
        if self.stations[0].client.board()["phase"] is None:
            self._api("POST", "/ceremony/start", {})
        phase = run_until_settled(self.stations)
        self.say(f"模拟监票人：密钥仪式 {phase} / simulated scrutineers: key ceremony {phase}")

    def step(self) -> None:
        """Answer liveness, decrypt the closed encrypted polls, mix write-ins."""
        for station in self.stations:
            station.step()
        for station in self.stations:
            try:
                offers = station.decrypt(self.auditor_token, confirm_by_itself)
            except DecryptionRefused as error:
                self.say(f"模拟监票人 {station.state.deputy} 拒绝解密 / refused: {error}")
                continue
            except ServerRefused as error:
                if error.code != "already-decrypted":
                    raise
                continue  # t stations sufficed: this one's shares are not needed
            for offer in offers:
                self.say(f"模拟监票人 {station.state.deputy} 已解密 / decrypted {offer.poll}")
        polls = self._api("GET", "/polls")["polls"]
        for poll in polls:
            if (poll.get("decryption") or {}).get("awaiting") == "write-in-mix":
                for station in self.stations:
                    mix_step(station, str(poll["poll"]))

    # The thread ----------------------------------------------------------------------------

    def run(self) -> None:
        """All of the above until stopped; problems are reported as lines, never raised."""
        try:
            self.check_meeting()
            self.adopt_when_ready()
            if self._stop.is_set():
                return
            self.pair_stations()
            self.run_ceremony()
            while not self._stop.wait(self.step_s):
                try:
                    self.step()
                except (ServerRefused, OSError) as error:
                    self.say(f"模拟监票人出错 / simulated scrutineers: {error}")
        except (NotADemoMeeting, ServerRefused, OSError) as error:
            self.say(f"模拟监票人未启动 / simulated scrutineers not started: {error}")

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="simulated-scrutineers", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
