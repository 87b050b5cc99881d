"""Nothing links a deputy to a choice in an encrypted poll (docs/ballot-secrecy.md §3, §5).

The same sitting runs twice against a real ``congress serve`` process (DEBUG log level, access
log on), from the same data directory, on the same port, with the same deterministic
randomness in the server, the tablets and the scrutineers' stations: only the deputies'
choices differ. Each run captures every table of the database, the server's log and every
WebSocket frame the tablets send and receive. Then:

(a) every ``encrypted_ballot`` frame of a poll has the same length in both runs;
(b) before decryption the two captures are equal once :func:`mask` has replaced the values that
    depend on the ballots (and the times and client ports, which depend on nothing chosen);
(c) no captured text holds a station's secret share or the joint secret x = Σ λ_j s_j.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import websockets.client
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import ballots
import devices.simulator
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import Choice
from ballots.crypto.threshold.polynomial import lagrange_coefficients
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import confirm_by_itself, simulated_station
from devices.scrutineer.station import Station
from devices.simulator import SimTablet, websocket_url
from devices.tablet import Tablet
from tests.devices.processes import congress, environment
from tests.voting.capture_server import dump_tables, recording_connect, serve
from tests.voting.conftest import ORIGIN
from tests.voting.encrypted_hall import SCRUTINEERS_ITEM
from tests.voting.live_server import ADMIN, LiveServer
from tests.voting.sitting import MEETING, roster
from voting.cli.serve import bind

AGENDA = {
    "items": [
        SCRUTINEERS_ITEM,
        {"item": "budget", "title": "预算决议", "kind": "motion"},
        {"item": "projects", "title": "民生实事票决", "kind": "selection"},
        {"item": "vice", "title": "副镇长选举", "kind": "election"},
    ]
}
CANDIDATES = [{"id": "c1", "name": "王建国"}, {"id": "c2", "name": "李秀英"}]
DEFINITIONS = [
    ("budget", {"kind": "motion"}),
    ("projects", {"kind": "selection", "form": "choose", "seats": 1, "candidates": CANDIDATES}),
    ("vice", {"kind": "election", "seats": 1, "candidates": CANDIDATES, "write_ins": False}),
]
VOTERS = ["d01", "d02", "d03"]
#: Per run, per poll: each voter's choice and the same ballot as the tally format writes it.
CHOICES: dict[str, list[list[tuple[Choice, Any]]]] = {
    "a": [
        [(Choice.stances([s]), s) for s in ("for", "for", "against")],
        [(Choice((1, 0)), {"chosen": ["c1"]})] * 2 + [(Choice((0, 1)), {"chosen": ["c2"]})],
        [(Choice.stances(["for", "against"]), {"marks": {"c1": "for", "c2": "against"}})] * 3,
    ],
    "b": [
        [(Choice.stances([s]), s) for s in ("against", "abstain", "against")],
        [(Choice((0, 1)), {"chosen": ["c2"]})] * 3,
        [
            (Choice.stances(["against", "for"]), {"marks": {"c1": "against", "c2": "for"}}),
            (Choice.stances(["abstain", "abstain"]), {"marks": {}}),
            (
                Choice.stances(["against", "against"]),
                {"marks": {"c1": "against", "c2": "against"}},
            ),
        ],
    ],
}
#: What differs between any two runs and depends on no choice: the time in the HTTP ``date``
#: header (the entries' ``at`` come from the stopped clock), the client's port in access-log
#: lines and the server's process id.
TIMES = re.compile(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT")
CLIENT = re.compile(r"127\.0\.0\.1:\d+ - ")
SHORTENED = re.compile(r"\.\.\.([A-Za-z0-9_\-+/=]+)")
PROCESS = re.compile(r"server process \[\d+\]")


def mask(text: str, ballot_values: set[str]) -> str:
    """``text`` with what may differ between two runs that differ only in the choices replaced:
    every value in ``ballot_values`` (see :func:`ballot_values`) by ``<ballot>``, the HTTP date
    by ``<time>``, the client's port in access-log lines by ``<client>`` and the server's
    process id by ``<pid>``. Nothing else. The DEBUG log shortens long frames to
    ``start...end``: an ``end`` that is the tail of a ballot value is masked too."""
    for value in sorted(ballot_values, key=len, reverse=True):
        text = text.replace(value, "<ballot>")

    def tail(cut: re.Match[str]) -> str:
        rest = cut.group(1)
        return "...<ballot>" if any(v.endswith(rest) for v in ballot_values) else cut.group(0)

    text = SHORTENED.sub(tail, text)
    text = PROCESS.sub("server process [<pid>]", text)
    return CLIENT.sub("<client> - ", TIMES.sub("<time>", text))


@dataclass
class Capture:
    """One run's captured text before decryption (database tables, server log, frames) and its
    ballot values; everything captured at the end; the stations' secrets."""

    tables: str = ""
    log: str = ""
    frames: list[tuple[str, str, str]] = field(default_factory=list)  # (device, way, text)
    ballot_values: set[str] = field(default_factory=set)
    everything: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # the stations' shares and the joint secret


def leaves(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)


def ballot_values(frames: list[tuple[str, str, str]], database: Path) -> set[str]:
    """The values that depend on the ballots: in the ballot messages (ciphertexts, proofs,
    ballot hash, the tablet's signature) and their acks (tracking code, hash, the log's
    signature); in the log's ``encrypted_ballot`` and ``aggregate`` entries the same and the
    aggregate's sums and hash, with those entries' Merkle leaf hashes; and the root and
    signature of every checkpoint that covers a ballot."""
    found: set[str] = set()
    for _, _, text in frames:
        message = json.loads(text)
        if message.get("type") == "encrypted_ballot":
            found |= set(leaves(message["ballot"]))
            found |= {message["body"]["ballot_hash"], message["sig"]}
        elif message.get("type") == "ballot_ack":
            found |= {message["tracking_code"], message["ballot_hash"], message["signature"]}
    first = None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        for seq, data, leaf in db.execute("SELECT seq, data, leaf_hash FROM audit_entry"):
            entry = json.loads(data)
            if entry["type"] == "encrypted_ballot":
                first = seq if first is None else min(first, seq)
                found |= set(leaves(entry["ballot"])) | {entry["body"]["ballot_hash"], entry["sig"]}
            elif entry["type"] == "aggregate":
                found |= set(leaves(entry["sums"])) | {entry["hash"]}
            else:
                continue
            found.add(leaf.hex())
        assert first is not None
        for size, note, root in db.execute("SELECT size, note, root FROM audit_checkpoint"):
            if size > first:
                found |= {root.hex(), base64.b64encode(root).decode()}
                found.add(note.rsplit(" ", 1)[1].strip())
    return found


@dataclass
class Run:
    server: LiveServer
    capture: Capture
    stations: list[Station] = field(default_factory=list)
    tablets: list[SimTablet] = field(default_factory=list)
    token: str = ""
    joint_key: str = ""  # the sitting's joint key H (hex), as the poll pushes show it
    frames: list[tuple[str, str, str]] = field(default_factory=list)  # every frame so far


def station_for(server: LiveServer, deputy: str) -> Station:
    station = simulated_station(
        HttpTransport(server.url), MEETING, deputy, random=DeterministicRandom(deputy.encode())
    )
    seed = hashlib.sha256(f"station {deputy}".encode()).digest()
    station.state.signing_key = base64.b64encode(seed).decode()
    station.pair(server.meeting("POST", f"/scrutineers/{deputy}/station-code")["code"])
    return station


async def tablet_for(server: LiveServer, deputy: str) -> SimTablet:
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"tablet {deputy}".encode()).digest())
    tablet = Tablet(origin=ORIGIN, device=f"tab-{deputy}", deputy=deputy, key=key)
    code = server.meeting("POST", f"/deputies/{deputy}/pairing-code")["code"]
    server.api("POST", f"/api/meetings/{MEETING}/pair", tablet.pair_request(code))
    sim = SimTablet(tablet, websocket_url(server.ws_base, MEETING))
    await sim.connect()
    assert (await sim.request(tablet.sign_in()))["type"] == "ack"
    return sim


def entries_of(server: LiveServer) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.entries().splitlines()]


def step_until(stations: list[Station], done: Any, what: str) -> None:
    deadline = time.monotonic() + 120
    while not done():
        assert time.monotonic() < deadline, what
        for station in stations:
            station.step()
        time.sleep(0.1)


async def cast_polls(run: Run, choices: list[list[tuple[Choice, Any]]]) -> list[str]:
    """Liveness, open, cast by every voter, close, for each poll; the poll ids."""
    server, polls = run.server, []
    for (item, definition), cases in zip(DEFINITIONS, choices, strict=True):
        poll = f"p{len(server.meeting('GET', '')['polls']) + 1}"
        server.meeting("POST", "/liveness/challenge", {"poll": poll})
        step_until(
            run.stations,
            lambda poll=poll: any(
                c["poll"] == poll and len(c["answered"]) >= 2
                for c in server.meeting("GET", "/ceremony")["liveness"]
            ),
            f"liveness of {poll}",
        )
        body = {"poll": poll, "item": item, "definition": definition, "mode": "encrypted"}
        server.meeting("POST", "/polls", body)
        for tablet, (choice, _) in zip(run.tablets, cases, strict=True):
            await tablet.wait_until(lambda t, poll=poll: (t.poll() or {}).get("poll") == poll)
            encryption = (tablet.poll() or {})["encryption"]
            run.joint_key = encryption["key"]
            random = DeterministicRandom(f"{tablet.tablet.deputy} {poll}".encode())
            message = tablet.tablet.encrypted_ballot(poll, encryption, choice, random=random)
            assert (await tablet.request(message))["type"] == "ballot_ack"
        server.meeting("POST", f"/polls/{poll}/close")
        polls.append(poll)
    return polls


async def sitting(run: Run, choices: list[list[tuple[Choice, Any]]], database: Path) -> None:
    server = run.server
    server.meeting("PUT", "/agenda", AGENDA)
    for deputy in ("d04", "d05"):
        server.meeting("POST", f"/deputies/{deputy}/sign-in")
    run.tablets = [await tablet_for(server, deputy) for deputy in VOTERS]
    poll = server.meeting(
        "POST", "/polls", {"item": "scrut", "definition": {"kind": "motion"}, "mode": "manual"}
    )["poll"]
    manual = {
        "issued": 5,
        "ballots": {"cast": 5, "valid": 5, "void": 0},
        "counts": {"for": 5, "against": 0, "abstain": 0},
        "confirmed_by": ["监票人"],
    }
    server.meeting("POST", f"/polls/{poll}/manual-result", manual)
    run.token = server.api("POST", "/api/tokens", {"role": "auditor", "label": "监票终端"})["token"]
    run.stations = [station_for(server, deputy) for deputy in ("d01", "d02", "d03")]
    server.meeting("POST", "/ceremony/start", {})
    step_until(
        run.stations,
        lambda: server.meeting("GET", "/ceremony")["phase"] == "complete",
        "the key ceremony",
    )
    polls = await cast_polls(run, choices)

    # The capture before decryption.
    capture = run.capture
    capture.tables = dump_tables(database)
    capture.log = server.log()
    capture.frames = list(run.frames)
    capture.ballot_values = ballot_values(capture.frames, database)

    for station in run.stations[:2]:
        station.decrypt(run.token, confirm_by_itself)
    entries = entries_of(server)
    for poll, cases in zip(polls, choices, strict=True):
        (opened,) = [e for e in entries if e["type"] == "poll_opened" and e["poll"] == poll]
        (result,) = [e for e in entries if e["type"] == "result" and e["poll"] == poll]
        expected = ballots.tally(
            {"poll": dict(opened["definition"], issued=3), "ballots": [b for _, b in cases]}
        )
        assert result["result"] == expected
    for tablet in run.tablets:
        await tablet.close()
    shares = {
        s.state.index: Scalar.decode(bytes.fromhex(s.state.secret_share or ""), "s")
        for s in run.stations
    }
    weights = lagrange_coefficients([1, 2])
    joint = weights[1] * shares[1] + weights[2] * shares[2]
    assert Point.base_mul(joint).encode().hex() == run.joint_key  # x is the secret of H = xG
    for secret in [*shares.values(), joint]:
        raw = secret.encode()
        capture.secrets += [
            raw.hex(),
            base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
            base64.b64encode(raw).rstrip(b"=").decode(),
        ]
    capture.everything = [
        capture.tables,
        capture.log,
        dump_tables(database),
        server.log(),
        *(text for _, _, text in run.frames),
    ]


def run_once(
    scratch: Path, template: Path, port: int, name: str, monkeypatch: pytest.MonkeyPatch
) -> Capture:
    """One sitting with run ``name``'s choices, in ``scratch/run`` (the same path each time)."""
    place = scratch / "run"
    shutil.rmtree(place, ignore_errors=True)
    shutil.copytree(template, place / "data")
    capture = Capture()
    frames: list[tuple[str, str, str]] = []
    monkeypatch.setattr(devices.simulator, "connect", recording_connect(frames))
    # The WebSocket handshake's key: the same sequence in both runs.
    keys = (base64.b64encode(hashlib.sha256(b"key %d" % i).digest()[:16]).decode() for i in count())
    monkeypatch.setattr(websockets.client, "generate_key", lambda: next(keys))
    with serve(place / "data", port, "capture") as server:
        server.api(
            "POST",
            "/api/meetings",
            {"meeting": MEETING, "origin": ORIGIN, "title": "测试会议", "date": "2026-03-01"},
        )
        server.meeting("PUT", "/roster", roster(5))
        server.meeting("POST", "/open")
        run = Run(server, capture, frames=frames)
        asyncio.run(sitting(run, CHOICES[name], place / "data" / "congress.sqlite"))
    return capture


def by_connection(
    frames: list[tuple[str, str, str]], values: set[str]
) -> dict[str, list[tuple[str, str]]]:
    """Each tablet's frames in order, masked: (sent or received, text)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for device, way, text in frames:
        found.setdefault(device, []).append((way, mask(text, values)))
    return found


def test_two_sittings_that_differ_only_in_the_choices_look_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template"
    init = congress(
        "init", "--origin", ORIGIN, "--admin", ADMIN[0], env=environment(template),
        stdin=ADMIN[1] + "\n",
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    with bind("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
    first = run_once(tmp_path, template, port, "a", monkeypatch)
    second = run_once(tmp_path, template, port, "b", monkeypatch)

    # (a) One length for every encrypted_ballot frame of a poll, in both runs.
    lengths: dict[str, set[int]] = {}
    for capture in (first, second):
        for _, way, text in capture.frames:
            message = json.loads(text)
            if way == "sent" and message.get("type") == "encrypted_ballot":
                lengths.setdefault(message["body"]["poll"], set()).add(len(text.encode()))
    assert sorted(lengths) == ["p2", "p3", "p4"]
    assert [len(found) for found in lengths.values()] == [1, 1, 1]

    # (b) Before decryption, equal but for the masked values (and different before masking).
    values = first.ballot_values | second.ballot_values
    assert first.tables != second.tables
    assert '"deputy":"d01","device":"tab-d01"' in mask(first.tables, values)
    assert mask(first.tables, values) == mask(second.tables, values)
    # The server writes to several connections at once: its log lines may interleave.
    assert sorted(mask(first.log, values).splitlines()) == sorted(
        mask(second.log, values).splitlines()
    )
    # Each tablet's frames in order (the tablets' frames interleave with each other).
    assert by_connection(first.frames, values) == by_connection(second.frames, values)

    # (c) No share and no joint secret anywhere.
    assert first.secrets == second.secrets and len(first.secrets) == 12
    for capture in (first, second):
        for text in capture.everything:
            assert [s for s in capture.secrets if s in text] == []
