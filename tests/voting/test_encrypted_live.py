"""A whole encrypted sitting against a real server process over real sockets: the key ceremony
by three stations over HTTP (one of them the real ``congress scrutineer`` process), liveness
before each poll, a motion, a selection, an evaluation and an election without write-ins cast
by Python tablets over WebSockets, and two stations decrypting each poll after verifying the
log. The results are ``ballots.tally`` of the plaintexts; ``congress export`` then verifies."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ballots
from audit.note import NoteVerifier
from ballots.crypto.shape import Choice
from devices.scrutineer.client import HttpTransport
from devices.scrutineer.simulated import confirm_by_itself, simulated_station
from devices.scrutineer.station import Station
from devices.simulator import (
    HttpClient,
    SimTablet,
    check_ballot_counted,
    check_signed_promise,
    websocket_url,
)
from tests.devices.processes import congress, environment
from tests.voting.conftest import ORIGIN
from tests.voting.encrypted_hall import SCRUTINEERS_ITEM
from tests.voting.live_server import LiveServer, live_server
from tests.voting.sitting import MEETING

CANDIDATES = [{"id": "c1", "name": "王建国"}, {"id": "c2", "name": "李秀英"}]
AGENDA = {
    "items": [
        SCRUTINEERS_ITEM,
        {"item": "budget", "title": "预算决议", "kind": "motion"},
        {"item": "projects", "title": "民生实事票决", "kind": "selection"},
        {"item": "review", "title": "满意度测评", "kind": "evaluation"},
        {"item": "vice", "title": "副镇长选举", "kind": "election"},
    ]
}
#: Per poll: the agenda item, the definition, each tablet's choice and the same ballot as the
#: tally format writes it.
POLLS: list[tuple[str, dict[str, Any], list[tuple[Choice, Any]]]] = [
    (
        "budget",
        {"kind": "motion"},
        [
            (Choice.stances(["for"]), "for"),
            (Choice.stances(["against"]), "against"),
            (Choice.stances(["for"]), "for"),
        ],
    ),
    (
        "projects",
        {"kind": "selection", "form": "choose", "seats": 1, "candidates": CANDIDATES},
        [
            (Choice((1, 0)), {"chosen": ["c1"]}),
            (Choice((0, 1)), {"chosen": ["c2"]}),
            (Choice((1, 0)), {"chosen": ["c1"]}),
        ],
    ),
    (
        "review",
        {"kind": "evaluation", "subjects": [{"id": "s1", "name": "财政所"}]},
        [
            (Choice((1, 0, 0)), {"ratings": {"s1": "satisfied"}}),
            (Choice((0, 0, 1)), {"ratings": {"s1": "dissatisfied"}}),
            (Choice((1, 0, 0)), {"ratings": {"s1": "satisfied"}}),
        ],
    ),
    (
        "vice",
        {"kind": "election", "seats": 1, "candidates": CANDIDATES, "write_ins": False},
        [
            (Choice.stances(["for", "against"]), {"marks": {"c1": "for", "c2": "against"}}),
            (Choice.stances(["for", "abstain"]), {"marks": {"c1": "for", "c2": "abstain"}}),
            (Choice.stances(["against", "for"]), {"marks": {"c1": "against", "c2": "for"}}),
        ],
    ),
]
VOTERS = ["d01", "d02", "d03"]


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.1)


def board(server: LiveServer) -> Any:
    status, data = server.request("GET", f"/api/meetings/{MEETING}/ceremony")
    assert status == 200, data
    return json.loads(data)


def log_entries(server: LiveServer) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.entries().splitlines()]


def adopt_scrutineers(server: LiveServer) -> None:
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


def stations_and_process(
    server: LiveServer, scratch: Path, token: str
) -> tuple[list[Station], subprocess.Popen[str]]:
    """Simulated stations for d01 and d02 over HTTP; d03's is the real command."""
    stations = []
    for deputy in ("d01", "d02"):
        station = simulated_station(HttpTransport(server.url), MEETING, deputy)
        station.pair(server.meeting("POST", f"/scrutineers/{deputy}/station-code")["code"])
        stations.append(station)
    code = server.meeting("POST", "/scrutineers/d03/station-code")["code"]
    command = [
        sys.executable, "-m", "voting.cli", "scrutineer", "--server", server.url,
        "--code", code, "--state", str(scratch / "station-d03.json"), "--station", "st-d03",
        "--interval", "0.2", "--token", token, "--yes",
    ]  # fmt: skip
    out = (scratch / "station-d03.log").open("w")
    process = subprocess.Popen(
        command, env=environment(scratch / "data"), stdout=out, stderr=subprocess.STDOUT, text=True
    )
    return stations, process


async def connect(server: LiveServer) -> list[SimTablet]:
    tablets = []
    for deputy in VOTERS:
        tablet = SimTablet(server.pair(deputy), websocket_url(server.ws_base, MEETING))
        await tablet.connect()
        reply = await tablet.request(tablet.tablet.sign_in())
        assert reply["type"] == "ack", reply
        tablets.append(tablet)
    return tablets


async def cast_all(tablets: list[SimTablet], poll: str, choices: list[Choice]) -> None:
    for tablet, choice in zip(tablets, choices, strict=True):
        await tablet.wait_until(
            lambda t: (t.poll() or {}).get("poll") == poll, what=f"poll {poll} pushed"
        )
        encryption = (tablet.poll() or {})["encryption"]
        reply = await tablet.request(tablet.tablet.encrypted_ballot(poll, encryption, choice))
        assert reply["type"] == "ballot_ack", reply
        vote = tablet.tablet.encrypted[poll]
        vote.acknowledgement = reply
        check_signed_promise(vote, NoteVerifier.from_vkey(reply["log_key"]))


async def check_counted(server: LiveServer, tablets: list[SimTablet], poll: str) -> None:
    """After the close, each tablet finds its ballot by tracking code at the acknowledged seq
    and proves it included under the newest signed checkpoint."""
    http = HttpClient(server.url)
    for tablet in tablets:
        vote = tablet.tablet.encrypted[poll]
        assert vote.acknowledgement is not None
        log = NoteVerifier.from_vkey(vote.acknowledgement["log_key"])
        seq = await check_ballot_counted(http, MEETING, vote, log)
        assert seq == vote.acknowledgement["seq"]


def test_a_whole_encrypted_sitting_over_real_sockets(tmp_path: Path) -> None:
    with live_server(tmp_path, 5) as server:
        server.meeting("PUT", "/agenda", AGENDA)
        for deputy in ("d04", "d05"):
            server.meeting("POST", f"/deputies/{deputy}/sign-in")
        token = server.api("POST", "/api/tokens", {"role": "auditor", "label": "监票终端"})["token"]
        asyncio.run(sitting(server, tmp_path, token))
        out = tmp_path / "bundle"
        env = environment(tmp_path / "data")
        server.process.terminate()
        server.process.wait(timeout=15)
        exported = congress("export", "--origin", ORIGIN, "--out", str(out), env=env)
        assert exported.returncode == 0, exported.stderr
        vkey = (out / "log.vkey").read_text().strip()
        verified = congress("verify", str(out), "--vkey", vkey, "--json", env=env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert json.loads(verified.stdout)["ok"] is True


async def sitting(server: LiveServer, scratch: Path, token: str) -> None:
    tablets = await connect(server)
    adopt_scrutineers(server)
    stations, process = stations_and_process(server, scratch, token)
    try:
        wait_for(
            "the command's station paired",
            lambda: any(e["type"] == "station_paired" and e["deputy"] == "d03"
                        for e in log_entries(server)),
        )  # fmt: skip
        server.meeting("POST", "/ceremony/start", {})
        deadline = time.monotonic() + 120
        while board(server)["phase"] != "complete":
            assert process.poll() is None, (scratch / "station-d03.log").read_text()
            assert time.monotonic() < deadline, board(server)
            for station in stations:
                station.step()
            await asyncio.sleep(0.2)
        for item, definition, cases in POLLS:
            await one_poll(server, stations, tablets, token, (item, definition, cases))
    finally:
        process.terminate()
        process.wait(timeout=15)
        for tablet in tablets:
            await tablet.close()
    output = (scratch / "station-d03.log").read_text()
    assert "已由 --yes 确认 / confirmed by --yes" in output
    assert "注意：计入的选票少于 5 张" in output


async def one_poll(
    server: LiveServer,
    stations: list[Station],
    tablets: list[SimTablet],
    token: str,
    poll_case: tuple[str, dict[str, Any], list[tuple[Choice, Any]]],
) -> None:
    item, definition, cases = poll_case
    poll = f"p{len(server.meeting('GET', '')['polls']) + 1}"
    server.meeting("POST", "/liveness/challenge", {"poll": poll})
    stations[0].step()  # d01 answers; d03's command answers by itself
    wait_for(
        f"two answers for {poll}",
        lambda: any(
            c["poll"] == poll and len(c["answered"]) >= 2 for c in board(server)["liveness"]
        ),
    )
    body = {"poll": poll, "item": item, "definition": definition, "mode": "encrypted"}
    server.meeting("POST", "/polls", body)
    await cast_all(tablets, poll, [choice for choice, _ in cases])
    server.meeting("POST", f"/polls/{poll}/close")
    await check_counted(server, tablets, poll)

    def shares() -> list[int]:
        return [e["scrutineer"] for e in log_entries(server)
                if e["type"] == "decryption_shares" and e["poll"] == poll]  # fmt: skip

    wait_for(f"the command's shares of {poll}", lambda: shares() == [3])
    (offer,) = stations[0].decrypt(token, confirm_by_itself)
    assert (offer.poll, offer.counted) == (poll, 3)
    entries = [e for e in log_entries(server) if e.get("poll") == poll]
    (opened,) = [e["definition"] for e in entries if e["type"] == "poll_opened"]
    (result,) = [e["result"] for e in entries if e["type"] == "result"]
    expected = ballots.tally({"poll": dict(opened, issued=3), "ballots": [b for _, b in cases]})
    assert result == expected, item
