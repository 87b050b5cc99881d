"""An in-process meeting with one closed encrypted poll, built through the real API, for the
scrutineer station's benchmark (:mod:`bench.station`).

The server is the real app (:func:`voting.app.create_app`) on a temporary SQLite file, driven
over starlette's in-process client: the admin opens a meeting of ``deputies`` deputies, the
scrutineers (the first four deputies) are adopted by a paper vote, three simulated stations
(:mod:`devices.scrutineer.simulated`) pair and run the key ceremony, every deputy's tablet
pairs with its own device key and the operator signs everyone in. The first two stations
answer the liveness challenge, the chair opens the encrypted poll (a 12-project choose-10
selection, or a motion), each tablet's ballot is encrypted, proved and signed in a process pool
and sent over the tablet WebSocket (the server checks it and acknowledges it), and the chair
closes the poll with its aggregate.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from audit.note import NoteSigner
from audit.tables import create_engine_for
from ballots.crypto.shape import Choice, Stance
from devices.scrutineer.simulated import run_until_settled, simulated_station
from devices.scrutineer.station import Station
from devices.tablet import Tablet, ballot_shape
from voting.app import create_app
from voting.settings import Settings

MEETING = "bench"
ORIGIN = "bench.congress.local/station"
ADMIN = ("admin", "admin-password-1")
#: A low scrypt cost: the benchmark's accounts guard nothing.
SCRYPT_N = 2**8
PROJECTS = [{"id": f"p{i:02}", "name": f"民生实事项目{i:02}"} for i in range(1, 13)]
SEATS = 10
STANCES: tuple[Stance, ...] = ("for", "against", "abstain")
DEFINITIONS: dict[str, dict[str, Any]] = {
    "selection": {"kind": "selection", "form": "choose", "seats": SEATS, "candidates": PROJECTS},
    "motion": {"kind": "motion"},
}


def deputy_id(i: int) -> str:
    return f"d{i:04}"


def choice_of(kind: str, i: int) -> list[int] | Stance:
    """Deputy ``i``'s (0-based) choice: the chosen projects' indices, or a stance."""
    if kind == "motion":
        return STANCES[(0, 0, 0, 1, 2)[i % 5]]
    left_out = {i % 12, (i % 12 + 1 + (i // 12) % 11) % 12}
    return [p for p in range(12) if p not in left_out]


def expected_totals(kind: str, deputies: int) -> list[int]:
    """The count of every mark over all deputies' choices, in the ballot's layout: each
    project chosen, or 赞成 and 反对 (弃权 is neither mark)."""
    totals = [0] * (2 if kind == "motion" else 12)
    for i in range(deputies):
        made = choice_of(kind, i)
        for index in [STANCES.index(made)] if isinstance(made, str) else made:
            if index < len(totals):
                totals[index] += 1
    return totals


def device_key(deputy: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"tablet/" + deputy.encode()).digest()
    )


def make_message(job: tuple[str, int, str, str, dict[str, Any]]) -> dict[str, Any]:
    """A tablet's signed ``encrypted_ballot`` message (runs in a pool worker)."""
    kind, i, origin, poll, encryption = job
    deputy = deputy_id(i)
    tablet = Tablet(origin=origin, device=f"tab-{deputy}", deputy=deputy, key=device_key(deputy))
    made = choice_of(kind, i)
    if isinstance(made, str):
        choice = Choice.stances([made])
    else:
        choice = Choice.chosen(ballot_shape(encryption), made)
    return tablet.encrypted_ballot(poll, encryption, choice)


class Staff:
    """An account logged in to the API of the benchmark's meeting."""

    def __init__(self, client: TestClient, username: str, password: str) -> None:
        self.client = client
        answer = self.request("POST", "/api/login", {"username": username, "password": password})
        self.headers = {"Authorization": f"Bearer {answer['token']}"}

    def request(self, method: str, path: str, body: Any = None) -> Any:
        headers = getattr(self, "headers", {})
        response = self.client.request(method, path, json=body, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", f"/api/meetings/{MEETING}{path}", body)


class ClientTransport:
    """A station's transport over the in-process client."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, path, json=body, headers=headers)
        if response.headers.get("content-type", "").split(";")[0] == "application/json":
            return response.status_code, response.json()
        return response.status_code, response.text


@dataclass
class BuiltMeeting:
    """The closed poll, the stations holding the key, an auditor's token, set-up times (s)."""

    client: TestClient
    poll: str
    kind: str
    deputies: int
    stations: list[Station]
    token: str
    times: dict[str, float] = field(default_factory=dict)

    def log_entries(self) -> list[bytes]:
        """Every entry of the server's log so far."""
        service = self.client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
        return list(service.log.entries(0, service.log.size))


def cast_one(client: TestClient, deputy: str, message: dict[str, Any]) -> None:
    """Connect ``deputy``'s tablet, prove its key at hello, send the ballot, await the ack."""
    tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy, key=device_key(deputy))
    with client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
        challenge = ws.receive_json()
        ws.send_json(tablet.hello(challenge["nonce"]))
        welcome = ws.receive_json()
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"{deputy}: {welcome}")
        ws.send_json(dict(message, id="b"))
        while True:
            reply = ws.receive_json()
            if reply.get("id") == "b":
                break
        if reply.get("type") != "ballot_ack":
            raise RuntimeError(f"{deputy}: {reply}")


def build(stack: ExitStack, *, deputies: int, kind: str, workers: int) -> BuiltMeeting:
    """The meeting with its closed poll; the server lives until ``stack`` closes."""
    directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="station-bench-")))
    database = f"sqlite:///{directory / 'congress.sqlite'}"
    settings = Settings(data_dir=directory, database_url=database, scrypt_n=SCRYPT_N)
    log_key = Ed25519PrivateKey.generate()
    app = create_app(
        settings,
        engine=create_engine_for(database),
        signer_for=lambda origin: NoteSigner(origin, log_key),
    )
    client = stack.enter_context(TestClient(app))
    times: dict[str, float] = {}
    start = time.perf_counter()
    app.state.runtime.congress.create_account(ADMIN[0], "admin", ADMIN[1])
    admin = Staff(client, *ADMIN)
    admin.request(
        "POST",
        "/api/meetings",
        {"meeting": MEETING, "origin": ORIGIN, "title": "站点基准会议", "date": "2026-03-01"},
    )
    ids = [deputy_id(i) for i in range(deputies)]
    roster = [{"deputy": d, "name": f"代表{d}", "seat": d} for d in ids]
    admin.request("PUT", f"/api/meetings/{MEETING}/roster", {"deputies": roster})
    scrutineers = {"chief": ids[:1], "scrutineers": ids[1:3], "tellers": ids[3:4]}
    items = [
        {"item": "scrut", "title": "通过总监票人、监票人、计票人名单", "kind": "motion",
         "adopts": {"scrutineers": scrutineers}},
        {"item": "vote", "title": "民生实事项目票决（加密）", "kind": kind},
    ]  # fmt: skip
    admin.post("/open")
    admin.request("PUT", f"/api/meetings/{MEETING}/agenda", {"items": items})
    for deputy in ids:
        code = admin.post(f"/deputies/{deputy}/pairing-code")["code"]
        tablet = Tablet(
            origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy, key=device_key(deputy)
        )
        admin.request("POST", f"/api/meetings/{MEETING}/pair", tablet.pair_request(code))
    admin.post("/attendance/sign-in", {"deputies": ids})
    times["hall_s"] = time.perf_counter() - start

    start = time.perf_counter()
    poll = admin.post(
        "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )
    manual = {
        "issued": deputies,
        "ballots": {"cast": deputies, "valid": deputies, "void": 0},
        "counts": {"for": deputies, "against": 0, "abstain": 0},
        "confirmed_by": ["监票人"],
    }
    admin.post(f"/polls/{poll['poll']}/manual-result", manual)
    stations = []
    for deputy in ids[:3]:
        station = simulated_station(ClientTransport(client), MEETING, deputy)
        station.pair(admin.post(f"/scrutineers/{deputy}/station-code")["code"])
        stations.append(station)
    admin.post("/ceremony/start", {})
    phase = run_until_settled(stations)
    if phase != "complete":
        raise RuntimeError(f"the key ceremony ended in phase {phase}")
    times["ceremony_s"] = time.perf_counter() - start

    poll_id = "p2"
    admin.post("/liveness/challenge", {"poll": poll_id})
    for station in stations[:2]:
        station.step()
    body = {"poll": poll_id, "item": "vote", "definition": DEFINITIONS[kind], "mode": "encrypted"}
    poll_id = admin.post("/polls", body)["poll"]
    encryption = admin.request("GET", f"/api/meetings/{MEETING}")["poll"]["encryption"]
    start = time.perf_counter()
    jobs = [(kind, i, ORIGIN, poll_id, encryption) for i in range(deputies)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        messages = list(pool.map(make_message, jobs, chunksize=max(1, deputies // (workers * 8))))
    times["make_s"] = time.perf_counter() - start
    start = time.perf_counter()
    for deputy, message in zip(ids, messages, strict=True):
        cast_one(client, deputy, message)
    times["cast_s"] = time.perf_counter() - start
    start = time.perf_counter()
    admin.post(f"/polls/{poll_id}/close")
    times["close_s"] = time.perf_counter() - start
    token = admin.request("POST", "/api/tokens", {"role": "auditor", "label": "监票终端"})["token"]
    return BuiltMeeting(client, poll_id, kind, deputies, stations, token, times)
