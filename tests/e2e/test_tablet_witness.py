"""A tablet in Chromium as a witness of the log (audit-log.md §8): it cosigns the checkpoints it
proved consistent, and when a modified server shows it a checkpoint of another history (signed
with the meeting's own log key) it stops voting, shows the alarm and reports it; the second
tablet of the split view is the Python twin (tests/voting/test_witness.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from audit.checkpoint import Checkpoint, sign_checkpoint
from audit.keys import load_signer
from tests.e2e.conftest import MEETING, SCREENSHOTS, DemoServer
from tests.e2e.console_login import log_in
from tests.e2e.tablet_pages import Chair, paired_tablet, screenshot, stored, wait_until

ALARM = "日志不一致：本机已停止表决，请通知监票人"


@pytest.fixture(scope="module")
def chair(demo_server: DemoServer) -> Chair:
    return Chair(demo_server, demo_server.login())


class SplitViewDouble:
    """The modified server, in front of one tablet: it passes every request through to the
    real server until told to fork, then answers the newest checkpoint with one of a forked
    history signed with the meeting's log key, and a consistency proof of that history."""

    def __init__(self, server: DemoServer) -> None:
        self.server = server
        self.forked: str | None = None

    def fork(self, real_note: str) -> str:
        real = Checkpoint.parse(real_note[: real_note.index("\n\n") + 1])
        signer = load_signer(self.server.data / "log-key.pem", real.origin)
        root = hashlib.sha256(b"a history in which another deputy voted").digest()
        self.forked = sign_checkpoint(Checkpoint(real.origin, real.size + 3, root), signer)
        return self.forked

    def checkpoint(self, route: Route) -> None:
        if self.forked is None:
            route.continue_()
        else:
            route.fulfill(status=200, body=self.forked, content_type="text/plain")

    def consistency(self, route: Route) -> None:
        if self.forked is None:
            route.continue_()
            return
        query = dict(part.split("=") for part in route.request.url.split("?")[1].split("&"))
        hashes = [base64.b64encode(hashlib.sha256(bytes([n])).digest()).decode() for n in range(3)]
        body = {"from": int(query["from"]), "to": int(query["to"]), "proof": hashes}
        route.fulfill(status=200, body=json.dumps(body), content_type="application/json")


@pytest.fixture(scope="module")
def tablet(
    browser: Browser, chair: Chair, demo_server: DemoServer
) -> Iterator[tuple[BrowserContext, Page, SplitViewDouble, list[str]]]:
    double = SplitViewDouble(demo_server)
    context, page = paired_tablet(browser, chair, "d05", sign_in=False)
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(str(frame))))
    base = f"**/api/meetings/{MEETING}/log"
    page.route(f"{base}/checkpoint", double.checkpoint)
    page.route(f"{base}/proof/consistency*", double.consistency)
    yield context, page, double, sent
    context.close()


def test_the_tablet_cosigns_then_alarms_on_a_split_view(
    chair: Chair,
    demo_server: DemoServer,
    tablet: tuple[BrowserContext, Page, SplitViewDouble, list[str]],
) -> None:
    _, page, double, sent = tablet
    # The meeting's opening was checkpointed: the welcome made the tablet look at once, cosign
    # it and keep it as the checkpoint it verified; the server acknowledged the cosignature.
    real = demo_server.api("GET", f"/api/meetings/{MEETING}/log/checkpoint")

    def cosigned() -> bool:
        (record,) = stored(page, "devices")
        return record.get("witness") == {"note": real} and record["outbox"] == []

    wait_until(cosigned)
    double.fork(real)
    page.reload()
    expect(page.locator("#split-view-alarm")).to_have_text(ALARM)
    wait_until(lambda: any("split_view_alarm" in frame for frame in sent))
    (record,) = stored(page, "devices")
    assert (record["splitView"]["trusted"], record["splitView"]["shown"]) == (real, double.forked)
    assert page.get_by_role("button", name="签到").count() == 0  # the alarm replaces the screen
    screenshot(page, "split-view-alarm")
    alarms = chair.get()["split_view_alarms"]
    assert [alarm["deputy"] for alarm in alarms] == ["d05"]
    display = demo_server.credentials()["display_token"]
    public = demo_server.api("GET", f"/api/meetings/{MEETING}", token=display)
    assert [alarm["deputy"] for alarm in public["split_view_alarms"]] == ["d05"]


def test_the_console_and_the_hall_display_show_the_alarm(
    browser: Browser, demo_server: DemoServer
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    console = context.new_page()
    console.goto(f"{demo_server.base}/chair")
    log_in(console)
    alarm = console.locator("#split-view-alarm")
    expect(alarm).to_contain_text("日志不一致：有平板发现服务器展示了不同的日志，请通知监票人")
    expect(alarm).to_contain_text("报警平板 / reporting tablets: 陈伟（1-05）")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-split-view-alarm.png"))
    token = demo_server.credentials()["display_token"]
    hall = context.new_page()
    hall.goto(f"{demo_server.base}/display/{MEETING}#token={token}")
    expect(hall.locator("#split-view-alarm")).to_contain_text("日志不一致")
    context.close()
