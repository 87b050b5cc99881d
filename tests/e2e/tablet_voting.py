"""Casting and checking ballots on the tablet page in browser tests: the encrypted path (the
tracking code confirmed, the inclusion check), the chair's encrypted polls answered by simulated
stations, and the recount a decrypted result must equal."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

import ballots
from tests.e2e.conftest import MEETING, DemoServer
from tests.e2e.tablet_pages import Chair, stored
from voting.demo_scrutineers import SimulatedScrutineers

COUNTED_TIMEOUT_MS = 15_000
TRACKING_CODE = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")


def open_encrypted(chair: Chair, stations: SimulatedScrutineers, item: str) -> str:
    return chair.open_poll(item, mode="encrypted", answer=stations.step)


def decrypted(chair: Chair, stations: SimulatedScrutineers, poll: str) -> dict[str, Any]:
    """The closed encrypted poll's result once the stations decrypted it."""
    return chair.result(poll, stations.step)


def recount(chair: Chair, poll: str, ballots_cast: list[Any]) -> dict[str, Any]:
    """The result ``ballots.tally`` gives for ``ballots_cast`` in ``poll`` as opened."""
    view = next(p for p in chair.get()["polls"] if p["poll"] == poll)
    counted = dict(view["definition"], issued=len(ballots_cast))
    found: dict[str, Any] = ballots.tally({"poll": counted, "ballots": ballots_cast})
    return found


def logged_ballot(server: DemoServer, code: str) -> dict[str, Any]:
    """The public log's encrypted ballot under tracking code ``code``: ``{seq, entry}``."""
    found: dict[str, Any] = server.api(
        "GET", f"/api/meetings/{MEETING}/log/encrypted-ballots/{code}"
    )
    return found


def own_ballot(page: Page, poll: str) -> dict[str, Any]:
    return next(b for b in stored(page, "ballots") if b["poll"] == poll)


def vote_motion(page: Page, choice: str, *, encrypted: bool = True) -> None:
    page.get_by_role("button", name=choice, exact=True).click()
    expect(page.locator(".confirm-text")).to_have_text(f"您选择了：{choice}。确认提交吗？")
    page.get_by_role("button", name="确认", exact=True).click()
    if encrypted:
        confirm_tracking_code(page)
    expect(page.get_by_text("已提交，等待表决结束")).to_be_visible()


def confirm_tracking_code(page: Page) -> str:
    """The encrypted ballot's tracking code is shown before casting; cast it, and the same code
    is shown after."""
    shown = page.locator("#tracking-code")
    expect(shown).to_have_text(TRACKING_CODE, timeout=COUNTED_TIMEOUT_MS)
    code = shown.inner_text()
    page.get_by_role("button", name="确认投票", exact=True).click()
    expect(page.locator("#tracking-code-cast")).to_have_text(code)
    return code


def expect_counted(page: Page) -> None:
    """The tablet's own inclusion check of its encrypted ballot passed."""
    expect(page.locator("#inclusion")).to_contain_text(
        "已核对：您的选票已记入公开日志", timeout=COUNTED_TIMEOUT_MS
    )
