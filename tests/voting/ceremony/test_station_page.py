"""The station's own page over HTTP: only under the run's secret (403 otherwise), its own files
under a strict CSP, the state JSON, and the person's answer reaching the waiting station."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from starlette.testclient import TestClient

from ballots.crypto.randomness import SystemRandom
from ballots.crypto.threshold.ceremony import Ceremony
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.scrutineer import announce
from devices.scrutineer.local_state import new_state
from devices.scrutineer.page_server import PageServer, create_page_app
from devices.scrutineer.page_view import PageView, poll_titles, waiting_for
from devices.scrutineer.steps import Outgoing
from devices.scrutineer.tally import Offer
from voting.pages import COMMON_DIR

SECRET = "s3cret-of-this-run"
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'none'"
WRONG = {
    "error": "wrong-secret",
    "message": "地址不对：请使用监票终端打印的完整地址",
    "message_en": "wrong address: use the full address the station printed",
}
BOARD = {
    "ceremony": "run-1",
    "scrutineers": {
        "1": {"deputy": "d01", "station": "laptop-d01"},
        "2": {"deputy": "d02", "station": "sim-d02"},
    },
}
FAULT = {"index": 2, "deputy": "d02", "code": "bad-share", "reason": "share 1 does not verify"}


def offer(poll: str = "p2", counted: int = 3) -> Offer:
    return Offer(poll, "motion", {"hash": "ab" * 32, "counted": []}, counted)


@pytest.fixture
def view() -> PageView:
    state = new_state(server="http://127.0.0.1:9", meeting="m1", station="laptop-d01")
    state.deputy, state.index, state.t, state.n = "d01", 1, 2, 3
    state.key_id, state.secret_share = "0123456789abcdef" * 4, "11" * 32
    found = PageView(label="监票终端 (station)")
    found.see_state(state)
    return found


@pytest.fixture
def client(view: PageView) -> TestClient:
    return TestClient(create_page_app(view, SECRET, i18n_file=COMMON_DIR / "i18n.js"))


@pytest.mark.parametrize(
    "path",
    ["/", "/api/state", "/other/api/state", f"/{SECRET}x/api/state", f"/x{SECRET}/"],
)
def test_every_path_without_the_secret_is_refused(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()) == (403, WRONG)
    refused = client.post(path.rstrip("/") + "/api/decide", json={"poll": "p2", "confirm": True})
    assert (refused.status_code, refused.json()) == (403, WRONG)


def test_the_page_and_its_files_are_the_stations_own(client: TestClient) -> None:
    page = client.get(f"/{SECRET}/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script type="module" src="static/station.js"></script>' in page.text
    for path in ("static/station.js", "static/station-words.js", "common/i18n.js"):
        script = client.get(f"/{SECRET}/{path}")
        assert script.status_code == 200, path
        assert script.headers["content-type"].startswith("text/javascript"), path
        assert script.headers["content-security-policy"] == CSP


def test_the_state_json(client: TestClient, view: PageView) -> None:
    view.see_board(BOARD, None, [FAULT])
    view.on_event("posted", Outgoing("liveness", {"poll": "p2", "challenge": "c"}, "liveness p2"))
    view.show_card("CARD TEXT")
    view.offer(offer())
    view.error("log-forked", "日志不一致", "the log forked")
    response = client.get(f"/{SECRET}/api/state")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.json() == {
        "label": "监票终端 (station)",
        "identity": {
            "meeting": "m1",
            "station": "laptop-d01",
            "deputy": "d01",
            "index": 1,
            "t": 2,
            "n": 3,
        },
        "ceremony": {"run": "run-1", "phase": None, "waiting": [], "faults": [FAULT]},
        "key_prefix": "0123456789abcdef",
        "card": "CARD TEXT",
        "liveness": ["p2"],
        "offers": [
            {"poll": "p2", "title": "", "kind": "motion", "counted": 3, "small": True, "checks": []}
        ],
        "done": [],
        "errors": [{"code": "log-forked", "zh": "日志不一致", "en": "the log forked"}],
        "small_count": 5,
    }


def test_the_card_is_shown_once(client: TestClient, view: PageView) -> None:
    view.show_card("CARD TEXT")
    assert client.post(f"/{SECRET}/api/card-copied").json() == {"card": None}
    view.show_card("CARD TEXT")
    assert client.get(f"/{SECRET}/api/state").json()["card"] is None


def test_an_answer_needs_a_waiting_offer(client: TestClient, view: PageView) -> None:
    bad = client.post(f"/{SECRET}/api/decide", json={"poll": "p2", "confirm": "yes"})
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "error": "bad-decision",
            "message": "应为 {poll: 表决编号, confirm: true 或 false}",
            "message_en": "expected {poll: a poll id, confirm: true or false}",
        },
    )
    none = client.post(f"/{SECRET}/api/decide", json={"poll": "p2", "confirm": True})
    assert (none.status_code, none.json()) == (
        409,
        {
            "error": "no-offer",
            "message": "表决 p2 没有等待确认的解密",
            "message_en": "no decryption of poll p2 waits for an answer",
        },
    )


@pytest.mark.parametrize("confirm", [True, False])
def test_the_answer_on_the_page_reaches_the_waiting_station(
    client: TestClient, view: PageView, confirm: bool
) -> None:
    answers: list[bool] = []
    waits: list[int] = []
    asking = threading.Thread(
        target=lambda: answers.append(
            view.ask(offer(counted=7), interval=0.01, meanwhile=lambda: waits.append(1))
        )
    )
    asking.start()
    while not client.get(f"/{SECRET}/api/state").json()["offers"]:
        assert asking.is_alive()
    shown = client.get(f"/{SECRET}/api/state").json()["offers"]
    assert shown == [
        {"poll": "p2", "title": "", "kind": "motion", "counted": 7, "small": False, "checks": []}
    ]
    answered = client.post(f"/{SECRET}/api/decide", json={"poll": "p2", "confirm": confirm})
    assert answered.json() == {"poll": "p2", "confirm": confirm}
    asking.join(timeout=5)
    assert answers == [confirm]
    assert client.get(f"/{SECRET}/api/state").json()["offers"] == []
    again = client.post(f"/{SECRET}/api/decide", json={"poll": "p2", "confirm": True})
    assert again.status_code == 409


def test_the_page_listens_on_the_loopback_only(view: PageView) -> None:
    page = PageServer(create_page_app(view, SECRET, i18n_file=COMMON_DIR / "i18n.js"))
    page.start()
    try:
        assert page.socket.getsockname()[0] == "127.0.0.1"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        base = f"http://127.0.0.1:{page.port}"
        with opener.open(f"{base}/{SECRET}/api/state", timeout=5) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"{base}/api/state", timeout=5)
        assert refused.value.code == 403
    finally:
        page.stop()
    assert not page.thread.is_alive()


def test_the_address_without_its_final_slash_is_completed(client: TestClient) -> None:
    response = client.get(f"/{SECRET}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (307, f"/{SECRET}/")


def test_the_page_lists_what_was_decided(client: TestClient, view: PageView) -> None:
    view.titles = {"p2": "议案一", "p3": "议案二"}
    view.offer(offer("p3", counted=6))
    view.on_event("decrypted", offer("p2", counted=7))
    view.on_event("declined", "p3")
    view.totals = {"p2": [5, 1, 1]}
    state = client.get(f"/{SECRET}/api/state").json()
    assert (state["offers"], state["done"]) == (
        [],
        [
            {
                "poll": "p2",
                "title": "议案一",
                "decision": "decrypted",
                "counted": 7,
                "totals": [5, 1, 1],
            },
            {"poll": "p3", "title": "议案二", "decision": "declined", "counted": 6, "totals": None},
        ],
    )


def test_the_page_names_whom_the_round_waits_for(client: TestClient, view: PageView) -> None:
    ceremony = Ceremony(CeremonyParams("hall.example/1", "key-1", 2, 3))
    announcement = announce(ceremony.params, 2, SystemRandom())[1]
    ceremony.receive(announcement)
    assert waiting_for(ceremony) == [1, 3]
    view.see_board(
        dict(BOARD, scrutineers={**BOARD["scrutineers"], "3": {"deputy": "d03"}}), ceremony, []
    )
    assert client.get(f"/{SECRET}/api/state").json()["ceremony"] == {
        "run": "run-1",
        "phase": "announcements",
        "waiting": [{"index": 1, "deputy": "d01"}, {"index": 3, "deputy": "d03"}],
        "faults": [],
    }


def test_poll_titles_are_their_agenda_items_titles() -> None:
    entries = [
        {
            "type": "agenda_set",
            "items": [{"item": "a", "title": "议案一"}, {"item": "b", "title": "旧"}],
        },
        {"type": "poll_opened", "poll": "p1", "item": "a"},
        {"type": "agenda_set", "items": [{"item": "b", "title": "议案二"}]},
        {"type": "poll_opened", "poll": "p2", "item": "b"},
    ]
    assert poll_titles(entries) == {"p1": "议案一", "p2": "议案二"}


def test_the_browsers_own_icon_request_gets_nothing(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert (response.status_code, response.content) == (204, b"")
