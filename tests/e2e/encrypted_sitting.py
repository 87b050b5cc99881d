"""A sitting with the scrutineers' key on a live server, for browser tests of encrypted polls.

Five deputies (d01..d05); the scrutineers (总监票人 d01, 监票人 d02 and d03, 计票人 d04) are
adopted by a manual vote; three simulated stations pair over HTTP and run the whole key
ceremony. :func:`open_encrypted` is the one place encrypted polls are opened;
:func:`post_shares` has a station's scrutineer post the decryption shares of a closed poll.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballots.crypto.group import Scalar
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import run_until_settled, simulated_station
from devices.scrutineer.station import Station
from tests.e2e.conftest import DemoServer
from tests.voting.crypto_sitting import Scrutineers
from voting.core.records import SittingKey

MEETING = "xinzhou-17-9"
ORIGIN = "xinzhou.congress.local/2026-9"
TITLE = "新洲镇第十七届人民代表大会第九次会议"
BASE = f"/api/meetings/{MEETING}"
NAMES = ["何金凤", "林永福", "陈卫东", "刘秀英", "杨国强"]
DEPUTIES = [f"d{i:02}" for i in range(1, len(NAMES) + 1)]
HOLDERS = ["d01", "d02", "d03"]
CANDIDATES = [
    {"id": "c1", "name": "王建国"},
    {"id": "c2", "name": "李秀英"},
    {"id": "c3", "name": "张伟"},
]
ELECTION = {"kind": "election", "seats": 2, "candidates": CANDIDATES, "write_ins": True}
AGENDA = {
    "items": [
        {
            "item": "scrut",
            "title": "通过总监票人、监票人、计票人名单",
            "kind": "motion",
            "adopts": {
                "scrutineers": {"chief": ["d01"], "scrutineers": ["d02", "d03"], "tellers": ["d04"]}
            },
        },
        {"item": "budget", "title": "关于2026年财政预算的决议", "kind": "motion"},
        {"item": "vice", "title": "选举副镇长", "kind": "election"},
        {"item": "roads", "title": "关于修建村道的决议", "kind": "motion"},
        {
            "item": "chair",
            "title": "选举人大主席",
            "kind": "election",
            "rule": {"office": "head", "office_kind": "chair"},
        },
    ]
}


@dataclass
class EncryptedSitting:
    """The chair's calls on the sitting, and the stations that hold the key's shares."""

    server: DemoServer
    token: str
    stations: list[Station]
    scrutineers: Scrutineers | None = None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.server.api(method, BASE + path, body, token=self.token)

    def refused(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        try:
            self.call(method, path, body)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        raise AssertionError(f"{method} {path} was accepted")

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", "")
        return found

    def entries(self) -> list[dict[str, Any]]:
        """Every log entry (the stored bytes, one JSON object a line)."""
        request = urllib.request.Request(
            f"{self.server.base}{BASE}/log/entries",
            headers={"authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return [json.loads(line) for line in text.splitlines() if line]

    def checkpoint(self) -> str:
        note: str = self.server.api("GET", BASE + "/log/checkpoint")
        return note[: note.index("\n\n") + 1]


def create_sitting(server: DemoServer, simulated: Sequence[str] = HOLDERS) -> EncryptedSitting:
    """The meeting open, everyone signed in by the operator, the scrutineers adopted and the
    ``simulated`` holders' stations (default all three) paired over HTTP; no key yet."""
    token = server.login()
    body = {"meeting": MEETING, "origin": ORIGIN, "title": TITLE, "date": "2026-03-09"}
    server.api("POST", "/api/meetings", body, token=token)
    roster = [
        {"deputy": deputy, "name": name, "seat": f"1-{i:02}"}
        for i, (deputy, name) in enumerate(zip(DEPUTIES, NAMES, strict=True), start=1)
    ]
    sitting = EncryptedSitting(server, token, [])
    sitting.call("PUT", "/roster", {"deputies": roster})
    sitting.call("POST", "/open")
    sitting.call("PUT", "/agenda", AGENDA)
    for deputy in DEPUTIES:
        sitting.call("POST", f"/deputies/{deputy}/sign-in")
    poll = sitting.call(
        "POST", "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )["poll"]
    present = len(DEPUTIES)
    manual = {
        "issued": present,
        "ballots": {"cast": present, "valid": present, "void": 0},
        "counts": {"for": present, "against": 0, "abstain": 0},
        "confirmed_by": ["监票人"],
    }
    sitting.call("POST", f"/polls/{poll}/manual-result", manual)
    for deputy in simulated:
        station = simulated_station(HttpTransport(server.base), MEETING, deputy)
        station.pair(sitting.call("POST", f"/scrutineers/{deputy}/station-code")["code"])
        sitting.stations.append(station)
    return sitting


def run_ceremony(sitting: EncryptedSitting) -> Scrutineers:
    """Start the ceremony and step the stations until it settles; the key and the shares."""
    sitting.call("POST", "/ceremony/start", {})
    assert run_until_settled(sitting.stations) == "complete"
    board = sitting.server.api("GET", BASE + "/ceremony")
    key = board["key"]
    shares = {}
    for station in sitting.stations:
        assert station.state.index is not None and station.state.secret_share is not None
        secret = bytes.fromhex(station.state.secret_share)
        shares[station.state.index] = Scalar.decode(secret, "secret_share")
    sitting_key = SittingKey(
        key_id=key["key_id"],
        t=key["t"],
        n=key["n"],
        public_key=key["public_key"],
        verification_keys={int(j): v for j, v in key["verification_keys"].items()},
        scrutineers={int(j): d for j, d in key["scrutineers"].items()},
    )
    sitting.scrutineers = Scrutineers(sitting_key, shares)
    return sitting.scrutineers


def open_encrypted(sitting: EncryptedSitting, item: str, definition: dict[str, Any]) -> str:
    """Open an encrypted poll on ``item`` (the one place tests open encrypted polls), after
    every station answered the liveness challenge for its id."""
    poll_id = f"p{len(sitting.call('GET', '/polls')['polls']) + 1}"
    sitting.call("POST", "/liveness/challenge", {"poll": poll_id})
    for station in sitting.stations:
        assert [o.endpoint for o in station.step().posted] == ["liveness"]
    body = {"poll": poll_id, "item": item, "definition": definition, "mode": "encrypted"}
    poll: str = sitting.call("POST", "/polls", body)["poll"]
    return poll


def post_shares(sitting: EncryptedSitting, poll: str, j: int) -> Any:
    """Scrutineer ``j`` posts its decryption shares of the closed poll's aggregate."""
    assert sitting.scrutineers is not None
    aggregate = next(
        e for e in reversed(sitting.entries()) if e["type"] == "aggregate" and e["poll"] == poll
    )
    checkpoint = sitting.checkpoint()
    body = {
        "scrutineer": j,
        "checkpoint": checkpoint,
        "aggregate": aggregate["hash"],
        "shares": sitting.scrutineers.share_set(j, aggregate, checkpoint),
    }
    return sitting.server.api("POST", f"{BASE}/polls/{poll}/decryption-shares", body)
