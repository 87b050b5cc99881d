"""The demo's simulated scrutineers over the in-process application: they refuse a meeting that
is not a demo; in one, they adopt the list, run the key ceremony, answer liveness, decrypt an
encrypted motion and an encrypted election, mixing its write-ins, by themselves. ``congress serve`` never starts them."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

from starlette.testclient import TestClient

import ballots
from ballots.crypto.shape import Choice
from devices.rehearsal.encrypted_vote import crypto_choice
from tests.voting.ceremony.sitting import ClientTransport
from tests.voting.conftest import ADMIN, ORIGIN
from tests.voting.sitting import (
    MEETING,
    TITLE,
    Staff,
    TabletSession,
    bootstrap_admin,
    open_meeting,
    pair,
    roster,
)
from voting import sample
from voting.demo_scrutineers import LABEL, SimulatedScrutineers

AGENDA = {
    "items": [
        {"item": "i01", "title": "议案一", "kind": "motion"},
        *[row for row in sample.agenda_items() if row["item"] in {"i08", "i02", "i04"}],
    ]
}
MOTION = {"kind": "motion"}


def runner(client: TestClient, tmp_path: Path, said: list[str]) -> SimulatedScrutineers:
    congress = client.app.state.runtime.congress  # type: ignore[attr-defined]
    return SimulatedScrutineers(
        ClientTransport(client),
        MEETING,
        chair=ADMIN,
        auditor_token=congress.issue_token("auditor", "auditor:审计"),
        store=tmp_path / "scrutineers",
        say=said.append,
    )


def demo_meeting(client: TestClient, deputies: int) -> Staff:
    """A meeting created as the demo creates it (not through the API, which refuses the
    setting): its settings allow simulated scrutineers."""
    admin = bootstrap_admin(client)
    client.app.state.runtime.congress.create_meeting(  # type: ignore[attr-defined]
        meeting=MEETING,
        origin=ORIGIN,
        title=TITLE,
        date="2026-03-01",
        settings={"simulated_scrutineers": True},
    )
    admin.call("PUT", "/roster", roster(deputies))
    admin.post("/open")
    admin.call("PUT", "/agenda", AGENDA)
    return admin


def test_they_refuse_a_meeting_that_is_not_a_demo(client: TestClient, tmp_path: Path) -> None:
    chair = open_meeting(client, 10)
    chair.call("PUT", "/agenda", AGENDA)
    for i in range(1, 11):
        chair.post(f"/deputies/d{i:02}/sign-in")
    said: list[str] = []
    runner(client, tmp_path, said).run()
    assert len(said) == 1
    assert said[0].startswith("模拟监票人未启动 / simulated scrutineers not started: 会议 m1")
    assert "simulated_scrutineers" not in chair.state()
    assert chair.state()["bodies"]["scrutineers"] is None
    assert chair.call("GET", "/ceremony")["phase"] is None
    assert not (tmp_path / "scrutineers").exists()


def test_they_wait_for_the_quorum_not_for_half_the_hall(client: TestClient, tmp_path: Path) -> None:
    """A plenary's quorum is two thirds of the deputies: with 6 of 10 signed in (more than half)
    the list is not put to the vote; the seventh sign-in lets them adopt it."""
    chair = demo_meeting(client, 10)
    for i in range(1, 7):
        chair.post(f"/deputies/d{i:02}/sign-in")
    said: list[str] = []
    scrutineers = runner(client, tmp_path, said)
    scrutineers.step_s = 0.05
    scrutineers.check_meeting()
    waiting = threading.Thread(target=scrutineers.adopt_when_ready)
    waiting.start()
    try:
        time.sleep(0.5)
        assert waiting.is_alive()
        assert chair.state()["poll"] is None
        assert said == []
        chair.post("/deputies/d07/sign-in")
        waiting.join(timeout=10)
        assert not waiting.is_alive()
    finally:
        scrutineers.stop()
        waiting.join(timeout=10)
    assert said == ["模拟监票人：监票人名单已通过 / simulated scrutineers: list adopted"]
    assert chair.state()["bodies"]["scrutineers"]["chief"] == [{"deputy": "d05", "name": "代表05"}]


def test_they_run_an_encrypted_motion_by_themselves(client: TestClient, tmp_path: Path) -> None:
    chair = demo_meeting(client, 10)
    assert chair.state()["simulated_scrutineers"] is True
    tablets = [pair(client, chair, f"d{i:02}") for i in range(1, 4)]
    for i in range(1, 11):
        chair.post(f"/deputies/d{i:02}/sign-in")
    said: list[str] = []
    scrutineers = runner(client, tmp_path, said)
    scrutineers.check_meeting()
    scrutineers.adopt_when_ready()
    assert chair.state()["bodies"]["scrutineers"]["chief"] == [{"deputy": "d05", "name": "代表05"}]
    scrutineers.pair_stations()
    scrutineers.run_ceremony()
    assert chair.call("GET", "/ceremony")["phase"] == "complete"
    assert sorted(p.name for p in (tmp_path / "scrutineers").iterdir()) == [
        "d05.json",
        "d06.json",
        "d07.json",
    ]

    # The chair issues the challenge from the console; the stations answer at their next look.
    chair.post("/items/i02/current")
    chair.post("/liveness/challenge", {"poll": "p2"})
    scrutineers.step()
    answered = chair.call("GET", "/ceremony")["liveness"][0]["answered"]
    assert len(answered) == 3
    body = {"poll": "p2", "item": "i02", "definition": MOTION, "mode": "encrypted"}
    assert chair.post("/polls", body)["poll"] == "p2"
    encryption = chair.state()["poll"]["encryption"]
    for tablet, stance in zip(tablets, ["for", "for", "against"], strict=True):
        session = TabletSession(client, tablet)
        try:
            ballot = tablet.encrypted_ballot("p2", encryption, Choice.stances([stance]))
            reply = session.request(ballot)
            assert reply["type"] == "ballot_ack", reply
        finally:
            session.close()
    chair.post("/polls/p2/close")
    assert "result" not in chair.state()["poll"]

    scrutineers.step()
    result = chair.state()["poll"]["result"]
    assert result["counts"] == {"for": 2, "against": 1, "abstain": 0, "not_voted": 7}
    assert result["ballots"]["cast"] == 3
    # t = 2 of the 3 stations decrypt; the third finds nothing left to do and refuses nothing.
    assert said[2:] == [
        "模拟监票人 d05 已解密 / decrypted p2",
        "模拟监票人 d06 已解密 / decrypted p2",
    ]

    # An encrypted election with a name written in: the stations decrypt, then mix the
    # write-ins, by themselves.
    (vice,) = [i for i in sample.agenda() if i.item == "i04"]
    assert vice.definition is not None
    chair.post("/items/i04/current")
    chair.post("/liveness/challenge", {"poll": "p3"})
    scrutineers.step()
    body = {"poll": "p3", "item": "i04", "definition": vice.definition, "mode": "encrypted"}
    assert chair.post("/polls", body)["poll"] == "p3"
    encryption = chair.state()["poll"]["encryption"]
    marks = [
        {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
        {"marks": {"c1": "for", "c2": "against", "c3": "against"}, "write_ins": {"c2": "郑国平"}},
        {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
    ]
    for tablet, choice in zip(tablets, marks, strict=True):
        session = TabletSession(client, tablet)
        try:
            ballot = crypto_choice(vice.definition, choice)
            reply = session.request(tablet.encrypted_ballot("p3", encryption, ballot))
            assert reply["type"] == "ballot_ack", reply
        finally:
            session.close()
    chair.post("/polls/p3/close")
    for _ in range(4):
        scrutineers.step()
    view = chair.state()["poll"]
    expected = ballots.tally({"poll": dict(view["definition"], issued=3), "ballots": marks})
    assert expected["write_ins"] == {"郑国平": 1}
    assert view["result"] == expected


def test_congress_serve_never_starts_simulated_scrutineers() -> None:
    """Only the demo's command imports the simulated stations; the server's does not."""
    root = Path(__file__).resolve().parents[2]

    def imports(path: str) -> set[str]:
        tree = ast.parse((root / path).read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        return found

    simulated = {"voting.demo_scrutineers", "devices.scrutineer.simulated", "voting.demo_hall"}
    for server_module in ("voting/cli/serve.py", "voting/app.py", "voting/runtime.py"):
        assert imports(server_module) & simulated == set(), server_module
    assert "voting.demo_scrutineers" in imports("voting/cli/demo.py")
    assert LABEL == "模拟监票人（仅供演示）/ simulated scrutineers (demo only)"
