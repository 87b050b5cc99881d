"""``congress demo`` as a visitor meets it: the landing page, a printed pairing link opened in a
browser, the simulated hall signing in, the simulated scrutineers making the key, the hall
casting encrypted ballots beside the real tablet, the stations decrypting (and mixing an
election's write-ins), and the result on the hall display."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.devices.processes import wait_listening
from tests.e2e.conftest import CHAIR, MEETING, DemoServer
from tests.e2e.tablet_pages import Chair, new_tablet
from tests.e2e.tablet_voting import vote_motion
from voting.demo_hall import WRITE_INS

#: Seconds over which the simulated deputies sign in and vote (the demo's --pace=1).
PACE_S = 1.0
#: Simulated deputies (d04..d54) less the two the demo keeps away (d29, d46).
SIMULATED_PRESENT = 49
ELECTORATE = 54


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[DemoServer, str]]:
    """A fresh ``congress demo --port 0`` with its simulated hall; yields it and its output
    (the banner) once it listens."""
    data, log = tmp_path / "data", tmp_path / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voting.cli", "demo", "--port=0", f"--data={data}", "--pace=1"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
    try:
        base = wait_listening(log, process)
        yield DemoServer(base, data, process), log.read_text(encoding="utf-8")
    finally:
        process.terminate()
        process.wait(timeout=15)


def wait_for(
    what: str, check: Callable[[], bool], timeout: float = 30.0, log: Path | None = None
) -> None:
    """Poll ``check`` until it holds; on time-out the demo's output (``log``) ends the message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    said = ""
    if log is not None:  # the demo's own lines and refused requests, not its accepted ones
        lines = log.read_text(encoding="utf-8").splitlines()
        said = "\n--- demo output ---\n" + "\n".join(
            line for line in lines if not re.search(r'" 20\d [A-Za-z ]+$', line)
        )
    raise AssertionError(f"waited {timeout:.0f} s for {what}{said}")


def settled_cast(chair: Chair, quiet_s: float = 1.5) -> int:
    """The ballots cast once no more arrive for ``quiet_s`` seconds."""
    cast, since = chair.cast(), time.monotonic()
    while time.monotonic() - since < quiet_s:
        time.sleep(0.2)
        now = chair.cast()
        if now != cast:
            cast, since = now, time.monotonic()
    return cast


def test_a_visitor_pairs_a_tablet_and_the_simulated_hall_passes_or_fails_the_motion(
    demo: tuple[DemoServer, str], browser: Browser
) -> None:
    server, banner = demo
    links = re.findall(
        rf"^   (d0[123]) \S+\n   ({re.escape(server.base)}/tablet/{MEETING}#code=[\w-]+)$",
        banner,
        re.MULTILINE,
    )
    assert [deputy for deputy, _ in links] == ["d01", "d02", "d03"]

    context, page = new_tablet(browser)
    try:
        # The landing page links the console, the display and the tablets' pairing page.
        page.goto(server.base + "/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "人大会议电子表决系统 congress-vote"
        )
        assert page.locator("#link-chair").get_attribute("href") == "/chair"
        assert page.locator("#link-display").get_attribute("href") == f"/display/{MEETING}"
        page.locator("#link-tablet").click()
        expect(page).to_have_url(f"{server.base}/tablet/{MEETING}")

        # The printed link, opened as a new visit (not a jump within the page: the tablet
        # reads its code when it loads), pairs this browser as d01's tablet.
        page.goto(server.base + "/")
        page.goto(links[0][1])
        expect(page.locator("#deputy-name")).to_have_text("代表：王建国")
        page.get_by_role("button", name="签到").click()
        expect(page.locator("#signin-status")).to_have_text("已签到")

        chair = Chair(server, server.login(*CHAIR))
        wait_for(
            "the simulated hall to sign in",
            lambda: chair.get()["attendance"]["present"] == 1 + SIMULATED_PRESENT,
        )
        devices = chair.get("/devices")["devices"]
        simulated = sorted(d["device"] for d in devices if d["device"].startswith("simulated-"))
        assert simulated == [f"simulated-d{i:02}" for i in range(4, 55)]

        wait_for(
            "the simulated scrutineers' key ceremony",
            lambda: chair.get("/ceremony")["phase"] == "complete",
            timeout=60,
            log=server.data.parent / "demo.log",
        )
        chair.api("POST", "/items/i02/current")
        poll = chair.open_poll("i02", mode="encrypted")  # the demo's stations answer liveness
        vote_motion(page, "赞成")  # encrypted in the page, its tracking code confirmed
        time.sleep(PACE_S)
        cast = settled_cast(chair)
        chair.close_poll(poll)
        result = chair.result(poll)  # once the demo's stations decrypted it
    finally:
        context.close()

    counts = result["counts"]
    assert result["ballots"]["cast"] == cast
    assert 1 + SIMULATED_PRESENT * 0.8 <= cast <= 1 + SIMULATED_PRESENT
    assert counts["for"] + counts["against"] + counts["abstain"] == cast
    assert counts["for"] >= 1  # the browser tablet's vote is among them
    passed = counts["for"] > ELECTORATE / 2  # a majority of all deputies (domain-rules.md)
    assert result["outcome"] == {"passed": passed}

    display_context, display = new_tablet(browser)
    try:
        token = server.credentials()["display_token"]
        display.goto(f"{server.base}/display/{MEETING}#token={token}")
        expect(display.locator("#verdict")).to_have_text("通过" if passed else "未通过")
    finally:
        display_context.close()


SIMULATED_LABEL = "模拟监票人（仅供演示）/ simulated scrutineers (demo only)"


def test_the_simulated_scrutineers_decrypt_an_encrypted_election_opened_from_the_console(
    demo: tuple[DemoServer, str], browser: Browser
) -> None:
    server, banner = demo
    assert f" 监票人 / scrutineers  {SIMULATED_LABEL}" in banner
    chair = Chair(server, server.login(*CHAIR))
    wait_for(
        "the simulated scrutineers' key ceremony",
        lambda: chair.get("/ceremony")["phase"] == "complete",
        timeout=60,
    )
    scrut = next(p for p in chair.get()["polls"] if p["item"] == "i08")
    assert (scrut["poll"], scrut["mode"], scrut["result"]["outcome"]) == (
        "p1",
        "manual",
        {"passed": True},
    )

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    console = context.new_page()
    display_context, display = new_tablet(browser)
    try:
        token = server.credentials()["display_token"]
        display.goto(f"{server.base}/display/{MEETING}#token={token}")
        expect(display.locator("#simulated")).to_have_text(SIMULATED_LABEL)

        console.goto(f"{server.base}/chair")
        console.get_by_label("用户名").fill(CHAIR[0])
        console.get_by_label("密码").fill(CHAIR[1])
        console.get_by_role("button", name="登录").click()
        console.get_by_role(
            "button", name=re.compile("新洲镇第十七届人民代表大会第三次会议")
        ).click()
        expect(console.locator("#ceremony-simulated")).to_have_text(SIMULATED_LABEL)
        expect(console.locator("#ceremony-run")).to_contain_text("已完成")

        # The liveness challenge from the console; the simulated stations answer it.
        console.get_by_role("button", name="发出在线确认").click()
        expect(console.locator("#ceremony-live")).to_have_text("下一次表决 p2 在线确认：3 / 2")
        row = console.locator('[data-item="i04"]')
        row.get_by_role("button", name="设为当前").click()
        expect(row.locator(".badge")).to_have_text("当前")
        row.get_by_role("button", name="发起表决").click()
        dialog = console.locator("dialog")
        expect(dialog.get_by_label("表决方式")).to_have_value("encrypted")  # the key exists
        dialog.get_by_role("button", name="开始表决").click()
        expect(dialog).not_to_be_visible()

        wait_for("the simulated hall's encrypted ballots", lambda: chair.cast() > 0)
        time.sleep(PACE_S)
        cast = settled_cast(chair)
        assert SIMULATED_PRESENT * 0.8 <= cast <= SIMULATED_PRESENT
        chair.api("POST", "/polls/p2/close")
        wait_for(
            "the simulated scrutineers to decrypt and mix the write-ins",
            lambda: "result" in chair.get()["poll"],
            timeout=60,
        )
        result = chair.get()["poll"]["result"]
        assert result["ballots"]["cast"] == cast
        assert set(result["write_ins"]) <= set(WRITE_INS)
        elected = result["outcome"]["elected"]
        assert len(elected) <= 2 and set(elected) <= {"c1", "c2", "c3"}
        # The hall sees an election result once the presidium has confirmed it.
        presidium = {"decision": "主席团决定：选举结果有效", "by": ["王建国"]}
        chair.api("POST", "/polls/p2/confirm", presidium)
        expect(display.locator(".seat-result").first).to_be_visible()
        expect(display.locator(".verdict-lines p").first).to_be_visible()
    finally:
        context.close()
        display_context.close()
