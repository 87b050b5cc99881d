"""The constitution oath over the HTTP API: recorded once on the oath item, refused with a
stable code elsewhere, shown in the agenda, and accepted by the verifier in the exported log."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from audit.verify import verify_bundle
from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, open_meeting

AGENDA = {
    "items": [
        {"item": "m", "title": "议案一", "kind": "motion"},
        {"item": "o", "title": "宪法宣誓", "kind": "oath"},
    ]
}
OATH = {"led_by": "赵敏", "sworn": ["王建国", "李秀英"]}


def test_the_oath_is_logged_shown_and_verified(
    server: Server, client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client, 3)
    chair.call("PUT", "/agenda", AGENDA)
    chair.post("/items/o/current")
    assert chair.post("/items/m/oath", OATH, status=409)["error"] == "not-oath"
    empty = chair.post("/items/o/oath", {"led_by": "赵敏", "sworn": []}, status=400)
    assert empty["error"] == "invalid-message"
    chair.post("/items/o/oath", OATH)
    again = chair.post("/items/o/oath", OATH, status=409)
    assert again["error"] == "oath-already-recorded"
    assert chair.state()["items"][1]["oath"] == {"led_by": "赵敏", "sworn": ["王建国", "李秀英"]}

    chair.post("/close")
    bundle = tmp_path / "bundle"
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    service.log.export(bundle)
    entries = [json.loads(line) for line in (bundle / "entries.jsonl").read_text().splitlines()]
    oaths = [e for e in entries if e["type"] == "oath_taken"]
    assert [{k: e[k] for k in ("item", "led_by", "sworn")} for e in oaths] == [
        {"item": "o", **OATH}
    ]
    report = verify_bundle(bundle, vkey=service.log.vkey)
    assert report.ok, report
