"""A scrutineer's station driven through its own page in Chromium, on a live server: the
station of d01 runs as ``congress scrutineer --page`` beside two simulated stations; the page
shows the key id prefix once the ceremony completes, the backup card once, the liveness answer,
then offers the closed encrypted motion with its ballot count, and the click on 「确认解密」
posts the share that completes the result."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import ballots
from audit.verify.report import CHECK_TITLES
from ballots.crypto.shape import Choice
from devices.scrutineer.simulated import confirm_by_itself
from tests.devices.processes import environment
from tests.e2e.a11y import check_page
from tests.e2e.conftest import DemoServer
from tests.e2e.encrypted_sitting import MEETING, EncryptedSitting, create_sitting, open_encrypted
from tests.e2e.tablets import HallTablet
from tests.e2e.test_tablet_encrypted import cast_python

ADDRESS = re.compile(
    r"^在本机浏览器打开 / open in a browser on this laptop: (http://127\.0\.0\.1:\d+/[\w-]+/)$",
    re.MULTILINE,
)
BUDGET = "关于2026年财政预算的决议"
DEADLINE_S = 90
#: The deputies who cast ballots from (Python) tablets.
VOTERS = ("d03", "d04", "d05")


class PageStation:
    """``congress scrutineer --page`` for d01, its output in a file, its page's address."""

    def __init__(self, server: DemoServer, sitting: EncryptedSitting, scratch: Path) -> None:
        self.output = scratch / "station.out"
        self.token = server.credentials()["auditor_token"]
        code = sitting.call("POST", "/scrutineers/d01/station-code")["code"]
        command = [
            sys.executable, "-m", "voting.cli", "scrutineer",
            "--server", server.base, "--meeting", MEETING, "--code", code,
            "--state", str(scratch / "station.json"), "--station", "laptop-d01",
            "--token", self.token, "--interval", "0.2", "--page",
        ]  # fmt: skip
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=environment(scratch / "unused"), stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + DEADLINE_S
        while (found := ADDRESS.search(self.text())) is None:
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.1)
        self.url = found.group(1)

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def sitting(demo_server: DemoServer) -> EncryptedSitting:
    return create_sitting(demo_server, simulated=["d02", "d03"])


@pytest.fixture(scope="module")
def station(
    demo_server: DemoServer, sitting: EncryptedSitting, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PageStation]:
    found = PageStation(demo_server, sitting, tmp_path_factory.mktemp("station"))
    try:
        yield found
    finally:
        found.stop()


@pytest.fixture(scope="module")
def hall(demo_server: DemoServer, sitting: EncryptedSitting) -> Iterator[dict[str, HallTablet]]:
    found = {d: HallTablet(demo_server, d, sitting.token, meeting=MEETING) for d in VOTERS}
    try:
        yield found
    finally:
        for tablet in found.values():
            tablet.close()


@pytest.fixture(scope="module")
def page(browser: Browser, station: PageStation) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text))
    page.goto(station.url)
    yield page
    context.close()
    assert errors == []


def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_the_ceremony_completes_and_the_page_shows_the_key_and_the_card_once(
    sitting: EncryptedSitting, station: PageStation, page: Page
) -> None:
    expect(page.locator("#identity-list")).to_contain_text("laptop-d01")
    expect(page.locator("#ceremony")).to_contain_text("等待主持人开始密钥仪式")
    sitting.call("POST", "/ceremony/start", {})

    def complete() -> bool:
        for simulated in sitting.stations:
            simulated.step()
        return bool(sitting.call("GET", "/ceremony/progress")["phase"] == "complete")

    until(complete, "the ceremony did not complete")
    key = sitting.server.api("GET", f"/api/meetings/{MEETING}/ceremony")["key"]
    expect(page.locator("#key")).to_have_text(f"密钥编号 {key['key_id'][:16]}…")
    expect(page.locator("#phase")).to_contain_text("密钥已生成")
    expect(page.locator("#identity-list")).to_contain_text("第 1 份，共 3 份；解密需要 2 份")
    card = page.locator("#card-text")
    expect(card).to_contain_text("scrutineer: 1 of 3, threshold 2")
    page.get_by_role("button", name="已抄写或打印，不再显示").click()
    expect(page.locator("#card")).to_be_hidden()
    page.reload()
    expect(page.locator("#key")).to_be_visible()
    expect(page.locator("#card")).to_be_hidden()


def test_the_page_offers_the_closed_motion_and_the_click_completes_the_result(
    sitting: EncryptedSitting, station: PageStation, page: Page, hall: dict[str, HallTablet]
) -> None:
    poll = open_encrypted(sitting, "budget", {"kind": "motion"})
    expect(page.locator("#liveness-list")).to_contain_text(f"已回答表决 {poll} 的在线确认")
    choices = ["for", "for", "against"]
    for deputy, choice in zip(("d03", "d04", "d05"), choices, strict=True):
        cast_python(sitting, hall[deputy], poll, Choice.stances([choice]))
    sitting.call("POST", f"/polls/{poll}/close")
    assert [o.poll for o in sitting.stations[0].decrypt(station.token, confirm_by_itself)] == [poll]
    assert sitting.state()["poll"].get("result") is None  # one share of two

    offer = page.locator(f"article.offer[data-poll='{poll}']")
    expect(offer.locator("h3")).to_have_text(f"表决 {poll}：{BUDGET}")
    expect(offer.locator(".counted")).to_have_text("计入 3 张选票")
    expect(offer.locator(".warning")).to_have_text(
        "注意：计入的选票少于 5 张，公布的合计可能暴露个人的选择。"
    )
    expect(offer.locator(".checks li")).to_have_text([zh for zh, _ in CHECK_TITLES.values()])
    assert check_page(page) == {"unnamed": [], "contrast": [], "small": []}
    offer.get_by_role("button", name="确认解密").click()

    until(lambda: sitting.state()["poll"].get("result") is not None, "no result")
    view = sitting.state()["poll"]
    assert view["result"] == ballots.tally(
        {"poll": dict(view["definition"], issued=3), "ballots": choices}
    )

    def logged_totals() -> list[list[int]]:
        """The totals in the log (it serves entries up to its newest checkpoint)."""
        entries = sitting.entries()
        return [
            e["totals"] for e in entries if e["type"] == "decrypted_totals" and e["poll"] == poll
        ]

    until(lambda: bool(logged_totals()), "the decrypted totals are not in the log")
    [totals] = logged_totals()
    done = page.locator(f"#done-list li[data-poll='{poll}']")
    expect(done).to_contain_text(f"表决 {poll}（{BUDGET}）：已提交解密份额（3 张选票）")
    expect(done.locator(".totals")).to_have_text("解密合计：" + ", ".join(map(str, totals)))
    expect(page.locator("#offers-none")).to_be_visible()
    expect(page.locator("#errors")).to_be_hidden()
    assert "已提交表决" in station.text()


def test_not_now_posts_nothing_and_the_page_says_so(
    sitting: EncryptedSitting, station: PageStation, page: Page, hall: dict[str, HallTablet]
) -> None:
    poll = open_encrypted(sitting, "roads", {"kind": "motion"})
    cast_python(sitting, hall["d05"], poll, Choice.stances(["abstain"]))
    sitting.call("POST", f"/polls/{poll}/close")
    offer = page.locator(f"article.offer[data-poll='{poll}']")
    expect(offer.locator(".counted")).to_have_text("计入 1 张选票")
    offer.get_by_role("button", name="暂不解密").click()
    done = page.locator(f"#done-list li[data-poll='{poll}']")
    expect(done).to_have_text(f"表决 {poll}（关于修建村道的决议）：未解密（未确认）")
    expect(page.locator("#offers-none")).to_be_visible()
    until(lambda: f"未解密表决 {poll}（未确认）" in station.text(), "no refusal printed")
    shares = [e for e in sitting.entries() if e["type"] == "decryption_shares"]
    assert [e["poll"] for e in shares if e["poll"] == poll] == []
    assert sitting.state()["poll"].get("result") is None
