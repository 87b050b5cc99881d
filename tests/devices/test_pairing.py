"""Pairing refusals: every one is answered with its code and writes nothing to the log."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from devices import pairing
from devices.tablet import Tablet
from tests.devices.conftest import log_size
from tests.voting.conftest import ORIGIN, Server
from tests.voting.sitting import MEETING, Staff, open_meeting, pair, say_hello

PAIR = f"/api/meetings/{MEETING}/pair"


def code_for(staff: Staff, deputy: str) -> str:
    code: str = staff.post(f"/deputies/{deputy}/pairing-code")["code"]
    return code


def test_a_code_expires_after_30_minutes(server: Server, client: TestClient) -> None:
    chair = open_meeting(client, 3)
    first, second = code_for(chair, "d01"), code_for(chair, "d02")
    server.clock.advance(30 * 60 - 1)
    on_time = Tablet(origin=ORIGIN, device="tab-d02", deputy="d02")
    assert client.post(PAIR, json=on_time.pair_request(second)).status_code == 200
    before = log_size(client)

    server.clock.advance(1)
    late = Tablet(origin=ORIGIN, device="tab-d01", deputy="d01")
    refused = client.post(PAIR, json=late.pair_request(first))
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "pairing-code-expired",
        "message": "配对码已过期",
        "message_en": "pairing code expired",
    }
    assert log_size(client) == before


def test_a_code_works_once(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    code = code_for(chair, "d01")
    first = Tablet(origin=ORIGIN, device="tab-1", deputy="d01")
    paired = client.post(PAIR, json=first.pair_request(code))
    assert paired.status_code == 200
    assert paired.json()["deputy"] == "d01"
    before = log_size(client)

    again = Tablet(origin=ORIGIN, device="tab-2", deputy="d01")
    refused = client.post(PAIR, json=again.pair_request(code))
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "pairing-code-used",
        "message": "配对码已使用",
        "message_en": "pairing code already used",
    }
    assert log_size(client) == before


def test_a_wrong_code_is_refused(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    code_for(chair, "d01")
    before = log_size(client)
    tablet = Tablet(origin=ORIGIN, device="tab-1", deputy="d01")
    refused = client.post(PAIR, json=tablet.pair_request("not-a-code-at-all"))
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "bad-pairing-code",
        "message": "配对码无效",
        "message_en": "unknown pairing code",
    }
    assert log_size(client) == before


def test_a_second_device_waits_for_the_revocation_of_the_first(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    pair(client, chair, "d01", "tab-old")
    code = code_for(chair, "d01")
    before = log_size(client)

    spare = Tablet(origin=ORIGIN, device="tab-new", deputy="d01")
    refused = client.post(PAIR, json=spare.pair_request(code))
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "device-active",
        "message": "该代表已有配对的平板，请先注销原平板再重新配对",
        "message_en": "deputy d01 already has an active device; revoke it first",
    }
    assert log_size(client) == before

    # The refused attempt did not use up the code: after the revocation it pairs the spare.
    chair.post("/deputies/d01/revoke-device")
    assert client.post(PAIR, json=spare.pair_request(code)).status_code == 200
    devices = chair.call("GET", "/devices")["devices"]
    assert [(d["device"], d["active"]) for d in devices] == [("tab-new", True), ("tab-old", False)]


def test_an_unpaired_or_revoked_device_is_not_welcomed(client: TestClient) -> None:
    chair = open_meeting(client, 3)
    old = pair(client, chair, "d01", "tab-old")
    chair.post("/deputies/d01/revoke-device")
    ghost = Tablet(origin=ORIGIN, device="tab-ghost", deputy="d01")
    before = log_size(client)
    refusals = {
        "tab-ghost": ("unknown-device", "设备未配对", "device 'tab-ghost' is not paired"),
        "tab-old": ("device-revoked", "设备已被注销", "device tab-old has been revoked"),
    }
    for tablet in (ghost, old):
        code, zh, en = refusals[tablet.device]
        with client.websocket_connect(f"/ws/meetings/{MEETING}/tablet") as ws:
            assert say_hello(ws, tablet) == {
                "type": "error",
                "id": None,
                "error": code,
                "message": zh,
                "message_en": en,
            }
            assert ws.receive() == {"type": "websocket.close", "code": 1008, "reason": ""}
    assert log_size(client) == before


def test_a_random_code_never_begins_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A code or token follows an option on a command line (``--code CODE``): argparse reads a
    leading ``-`` as another option, so such a draw is drawn again."""
    draws = iter(["-Ab3", "-x_9", "Kq-7"])
    monkeypatch.setattr(pairing.secrets, "token_urlsafe", lambda nbytes: next(draws))
    assert pairing.random_code(16) == "Kq-7"
