"""The tablet page in Chromium, paired by a card that names two servers: when the primary
machine stops (its meeting server and its database killed) and the standby is promoted, the
page — still the one loaded from server A — moves its socket to server B and the deputy votes
there, and its witness reads B's log (its checkpoint and consistency proof, across origins) to
cosign B's newest checkpoint.

The servers and clusters are those of tests/e2e/server_pair.py (docs/operations.md §14).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bench.postgres import Cluster
from devices.cards import tablet_url
from devices.simulator import HttpClient
from tests.devices.processes import congress
from tests.e2e.server_pair import ServerProcess, start_servers, synchronous_pair
from tests.e2e.tablet_pages import new_tablet, page_errors, stored, wait_until
from tests.e2e.tablet_voting import vote_motion

ORIGIN = "xinzhou.congress.local/tablet-failover"
MEETING = "takeover"
ADMIN = ("chief", "chief-pass-1")
#: Milliseconds the page has to reconnect to the promoted standby and show the poll.
MOVE_TIMEOUT_MS = 30_000
#: Seconds that let the witness look again at the next push (it looks at most every 5 s:
#: CHECK_EVERY_MS in devices/static/witness.js).
WITNESS_PAUSE_S = 5.5


@pytest.fixture
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    with synchronous_pair() as pair:
        yield pair


class Chair:
    """The chair's side, through the HTTP API of one server."""

    def __init__(self, server: ServerProcess) -> None:
        self.http = HttpClient(server.base, timeout=30)
        login = {"username": ADMIN[0], "password": ADMIN[1]}
        self.token = json.loads(self.http.request_sync("POST", "/api/login", login))["token"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request_sync(method, path, body, token=self.token)
        return json.loads(answer)

    def meeting(self, method: str, path: str = "", body: Any = None) -> Any:
        return self.call(method, f"/api/meetings/{MEETING}{path}", body)

    def checkpoint(self) -> str:
        """The server's newest signed checkpoint note."""
        path = f"/api/meetings/{MEETING}/log/checkpoint"
        return self.http.request_sync("GET", path).decode()


def checkpoint_size(note: str) -> int:
    """The tree size of a signed checkpoint note (its second line)."""
    return int(note.split("\n")[1])


def test_a_tablet_paired_with_two_servers_votes_on_the_standby_after_the_primary_stops(
    clusters: tuple[Cluster, Cluster], tmp_path: Path, browser: Browser
) -> None:
    primary, standby = clusters
    a, b, _ = start_servers(tmp_path, primary, standby, origin=ORIGIN, admin=ADMIN)
    try:
        a.wait(standby=False)
        b.wait(standby=True)
        chair = Chair(a)
        meeting = {"meeting": MEETING, "origin": ORIGIN, "title": "接管", "date": "2026-03-02"}
        chair.call("POST", "/api/meetings", meeting)
        roster = [{"deputy": "d01", "name": "王芳", "seat": "01"}]
        chair.meeting("PUT", "/roster", {"deputies": roster})
        chair.meeting("POST", "/open")
        chair.meeting(
            "PUT", "/agenda", {"items": [{"item": "m1", "title": "议案", "kind": "motion"}]}
        )
        code = chair.meeting("POST", "/deputies/d01/pairing-code")["code"]

        context, page = new_tablet(browser)
        page.goto(tablet_url(a.base, MEETING, code, peer=b.base))
        expect(page.locator("#deputy-name")).to_have_text("代表：王芳")
        page.get_by_role("button", name="签到").click()
        expect(page.locator("#signin-status")).to_have_text("已签到")
        [record] = stored(page, "devices")
        assert record["servers"] == [a.base, b.base]
        opened = chair.checkpoint()  # the meeting's opening, cosigned by the tablet on A

        def cosigned(note: str) -> bool:
            [record] = stored(page, "devices")
            return record.get("witness") == {"note": note} and record["outbox"] == []

        wait_until(lambda: cosigned(opened))

        # The primary machine stops; the operator promotes the standby.
        a.kill()
        primary.kill()
        expect(page.locator("#offline-banner")).to_be_visible()
        promoted = congress("promote", "--db", standby.url(), env=b.env)
        assert (promoted.returncode, promoted.stderr) == (0, "")
        assert (
            promoted.stdout
            == "备库已提升为主库 / the standby database was promoted to the primary\n"
        )
        b.wait(standby=False)
        chair = Chair(b)
        chair.meeting(
            "POST", "/polls", {"item": "m1", "definition": {"kind": "motion"}, "mode": "named"}
        )
        expect(page.get_by_role("button", name="赞成", exact=True)).to_be_visible(
            timeout=MOVE_TIMEOUT_MS
        )
        assert page.evaluate("location.origin") == a.base  # the page stayed; its socket moved
        vote_motion(page, "赞成", encrypted=False)
        time.sleep(WITNESS_PAUSE_S)
        result = chair.meeting("POST", "/polls/p1/close")["result"]
        assert result["counts"] == {"for": 1, "against": 0, "abstain": 0, "not_voted": 0}
        # The result's checkpoint, signed by B: the witness read it and the consistency proof
        # from the one it cosigned on A from B (A is gone), and B acknowledged its cosignature.
        closed = chair.checkpoint()
        assert checkpoint_size(closed) > checkpoint_size(opened)
        wait_until(lambda: cosigned(closed))
        assert page_errors(page) == []
        context.close()
    finally:
        a.stop()
        b.stop()
