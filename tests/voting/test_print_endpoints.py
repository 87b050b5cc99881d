"""What the print sheets read: every poll with its result, void reason and scrutineers, and the
newest checkpoint as a QR code."""

from __future__ import annotations

from starlette.testclient import TestClient

from devices.qr import qr_svg
from tests.voting.sitting import MEETING, open_meeting

MOTION = {"kind": "motion", "title": "关于预算的决议"}


def test_every_poll_is_listed_with_its_reason_or_scrutineers(client: TestClient) -> None:
    admin = open_meeting(client, 9)
    admin.call("PUT", "/agenda", {"items": [{"item": "i1", "title": "预算", "kind": "motion"}]})
    for n in range(1, 7):
        admin.post(f"/deputies/d{n:02}/sign-in")
    admin.post("/polls", {"item": "i1", "definition": MOTION, "mode": "manual"})
    admin.post("/polls/p1/void", {"reason": "举手看不清，改用纸质表决"})
    admin.post("/polls", {"item": "i1", "definition": MOTION, "mode": "manual"})
    admin.post(
        "/polls/p2/manual-result",
        {
            "issued": 6,
            "ballots": {"cast": 6, "valid": 6, "void": 0},
            "counts": {"for": 5, "against": 1, "abstain": 0},
            "confirmed_by": ["张三", "李四"],
        },
    )
    polls = admin.call("GET", "/polls")["polls"]
    assert [(p["poll"], p["status"]) for p in polls] == [("p1", "voided"), ("p2", "closed")]
    assert polls[0]["void_reason"] == "举手看不清，改用纸质表决"
    assert "result" not in polls[0] and "confirmed_by" not in polls[0]
    assert polls[1]["confirmed_by"] == ["张三", "李四"]
    assert polls[1]["result"]["outcome"] == {"passed": True}
    assert polls[1]["definition"]["electorate"] == 9
    console = admin.state()["polls"]
    assert [p["void_reason"] for p in console if "void_reason" in p] == ["举手看不清，改用纸质表决"]

    issued = client.post(
        "/api/tokens", json={"role": "display", "label": "大屏"}, headers=admin.headers
    )
    display = issued.json()["token"]
    response = client.get(
        f"/api/meetings/{MEETING}/polls", headers={"Authorization": f"Bearer {display}"}
    )
    assert response.status_code == 200
    assert response.json()["polls"] == polls
    refused = client.get(f"/api/meetings/{MEETING}/polls")
    assert refused.status_code == 401
    assert refused.json()["error"] == "not-logged-in"


def test_the_newest_checkpoint_is_served_as_a_qr_code(client: TestClient) -> None:
    open_meeting(client, 3)
    note = client.get(f"/api/meetings/{MEETING}/log/checkpoint").text
    response = client.get(f"/api/meetings/{MEETING}/log/checkpoint.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text == qr_svg(note)
    assert response.text.startswith("<svg ")
    missing = client.get("/api/meetings/nowhere/log/checkpoint.svg")
    assert missing.status_code == 404
