"""Public notices over HTTP: the chair issues them numbered, anyone reads them without logging
in, and each cites a signed checkpoint whose tree holds its entry."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from audit.canonical import canonical_bytes
from audit.merkle import leaf_hash, root_from_inclusion
from audit.note import NoteSigner
from audit.verify import verify_bundle
from devices.qr import qr_svg
from tests.voting.conftest import LOG_KEY, ORIGIN
from tests.voting.encrypted_hall import service_of
from tests.voting.proposal_sitting import draft_and_cosign, submit
from tests.voting.sitting import MEETING, TITLE, Staff, open_meeting, pair
from voting.pages import SECURITY_HEADERS

MOTION = {"kind": "motion", "title": "关于预算的决议"}
PROJECTS = {
    "kind": "selection",
    "title": "2026年民生实事项目",
    "seats": 2,
    "candidates": [
        {"id": "c1", "name": "修建村道"},
        {"id": "c2", "name": "改造自来水管网"},
        {"id": "c3", "name": "新建文化广场"},
    ],
}
VKEY = NoteSigner(ORIGIN, LOG_KEY).vkey()
PAPER = {"issued": 6, "ballots": {"cast": 6, "valid": 6, "void": 0}, "confirmed_by": ["张三"]}


def _sitting(client: TestClient) -> Staff:
    admin = open_meeting(client, 9)
    items = [
        {"item": "i1", "title": "预算", "kind": "motion"},
        {"item": "i2", "title": "民生实事项目", "kind": "selection"},
    ]
    admin.call("PUT", "/agenda", {"items": items})
    for n in range(1, 7):
        admin.post(f"/deputies/d{n:02}/sign-in")
    admin.post("/polls", {"item": "i1", "definition": MOTION, "mode": "manual"})
    counts = {"for": 5, "against": 1, "abstain": 0}
    admin.post("/polls/p1/manual-result", {**PAPER, "counts": counts})
    return admin


def _public(client: TestClient, path: str = "") -> dict[str, object]:
    response = client.get(f"/api/meetings/{MEETING}/notices{path}")
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def test_an_announced_result_is_published_numbered_and_covered_by_a_checkpoint(
    client: TestClient,
) -> None:
    admin = _sitting(client)
    refused = admin.post("/notices", {"kind": "result", "poll": "p1"}, status=409)
    assert refused["error"] == "not-announced"
    admin.post("/polls/p1/announce")
    written = admin.post("/notices", {"kind": "result", "poll": "p1"})

    notice = _public(client, "/1")
    seq = written["seq"][0]
    assert (notice["notice"], notice["kind"], notice["sources"], notice["seq"]) == (
        1,
        "result",
        ["p1"],
        seq,
    )
    assert notice["title"] == "关于「预算」表决结果的公告"
    text = str(notice["text"])
    assert text.startswith(f"{TITLE}于2026年3月1日对「预算」进行了表决，结果如下：\n")
    assert "表决结果：通过" in text and text.endswith("\n现予公告。")
    fields = {k: notice[k] for k in ("notice", "kind", "title", "sources", "text")}
    assert notice["sha256"] == hashlib.sha256(canonical_bytes(fields)).hexdigest()

    checkpoint = notice["checkpoint"]
    assert isinstance(checkpoint, dict)
    size = checkpoint["size"]
    assert size == seq + 1
    assert checkpoint["qr_svg"] == qr_svg(checkpoint["note"])
    root = base64.b64decode(checkpoint["note"].split("\n")[2])
    proof = client.get(f"/api/meetings/{MEETING}/log/proof/inclusion?seq={seq}&size={size}")
    hashes = [base64.b64decode(h) for h in proof.json()["proof"]]
    entry = notice["entry"]
    assert isinstance(entry, dict)
    leaf = leaf_hash(canonical_bytes(entry))
    assert root_from_inclusion(leaf, seq, size, hashes) == root

    listed = _public(client)
    assert listed["meeting"] == {"title": TITLE, "date": "2026-03-01"}
    assert listed["notices"] == [
        {
            "notice": 1,
            "kind": "result",
            "title": "关于「预算」表决结果的公告",
            "at": notice["at"],
            "sha256": notice["sha256"],
        }
    ]


def test_adopted_projects_are_listed_by_name_in_vote_order(client: TestClient) -> None:
    admin = _sitting(client)
    admin.post("/polls", {"item": "i2", "definition": PROJECTS, "mode": "manual"})
    counts = {"c1": {"for": 5}, "c2": {"for": 6}, "c3": {"for": 1}}
    admin.post("/polls/p2/manual-result", {**PAPER, "counts": counts})
    assert admin.post("/notices", {"kind": "projects", "poll": "p2"}, status=409)["error"] == (
        "not-announced"
    )
    admin.post("/polls/p2/announce")
    admin.post("/polls/p1/announce")
    wrong = admin.post("/notices", {"kind": "projects", "poll": "p1"}, status=409)
    assert wrong["error"] == "not-a-selection"
    admin.post("/notices", {"kind": "projects", "poll": "p2"})
    notice = _public(client, "/1")
    assert notice["title"] == "关于「民生实事项目」入选项目的公告"
    assert str(notice["text"]).split("\n")[1:] == [
        "1. 改造自来水管网（赞成 6 票）",
        "2. 修建村道（赞成 5 票）",
        "现予公告。",
    ]


def test_refusals_change_nothing_and_numbers_follow_on(client: TestClient) -> None:
    admin = _sitting(client)
    admin.post("/polls/p1/announce")
    before = client.get(f"/api/meetings/{MEETING}/log/checkpoint").text
    cases = [
        ({"kind": "proposals"}, 409, "nothing-handled"),
        ({"kind": "result"}, 400, "poll-required"),
        ({"kind": "minutes", "poll": "p1"}, 400, "invalid-notice-kind"),
        ({"kind": "result", "poll": "p9"}, 404, "unknown-poll"),
    ]
    for body, status, code in cases:
        assert admin.post("/notices", body, status=status)["error"] == code
    assert client.get(f"/api/meetings/{MEETING}/log/checkpoint").text == before
    admin.post("/notices", {"kind": "result", "poll": "p1"})
    admin.post("/notices", {"kind": "result", "poll": "p1"})
    assert [n["notice"] for n in _public(client)["notices"]] == [1, 2]  # type: ignore[union-attr]
    missing = client.get(f"/api/meetings/{MEETING}/notices/3")
    assert (missing.status_code, missing.json()["error"]) == (404, "unknown-notice")
    assert client.get(f"/api/meetings/{MEETING}/notices/x").json()["error"] == "unknown-notice"


def test_the_public_answers_name_no_device_token_or_deputy(client: TestClient) -> None:
    admin = _sitting(client)
    admin.post("/polls/p1/announce")
    admin.post("/notices", {"kind": "result", "poll": "p1"})
    text = json.dumps([_public(client), _public(client, "/1")], ensure_ascii=False)
    assert re.search(r"\bd\d\d\b", text) is None
    assert "Bearer" not in text and "device" not in text
    assert admin.headers["Authorization"].removeprefix("Bearer ") not in text


def test_notices_from_the_server_verify_from_the_bundle_alone(
    client: TestClient, tmp_path: Path
) -> None:
    chair = open_meeting(client, 9)
    tablets = [pair(client, chair, f"d0{i}") for i in range(1, 6)]
    bill = draft_and_cosign(client, MEETING, tablets[0], tablets[1:])
    assert submit(client, MEETING, tablets[0], bill, "bill")["type"] == "ack"
    chair.post(f"/proposals/{bill}/decision", {"decision": "agenda", "reference": "主席团决定"})
    chair.call("PUT", "/agenda", {"items": [{"item": "i1", "title": "预算", "kind": "motion"}]})
    for n in range(1, 7):
        chair.post(f"/deputies/d{n:02}/sign-in")
    chair.post("/polls", {"item": "i1", "definition": MOTION, "mode": "manual"})
    counts = {"for": 5, "against": 1, "abstain": 0}
    chair.post("/polls/p1/manual-result", {**PAPER, "counts": counts})
    chair.post("/polls/p1/announce")
    chair.post("/notices", {"kind": "result", "poll": "p1"})
    chair.post("/notices", {"kind": "proposals"})
    text = str(_public(client, "/2")["text"])
    assert "议案「" in text and "（5名代表联名）：主席团决定列入大会议程（主席团决定）。" in text
    bundle = tmp_path / "bundle"
    service_of(client).log.export(bundle)
    report = verify_bundle(bundle, vkey=VKEY)
    assert [c.failures for c in report.checks if c.failures] == []
    (recounted,) = [c for c in report.checks if c.number == 8]
    assert recounted.status.name == "PASSED"


def test_the_public_pages_are_served_without_login_with_the_security_headers(
    client: TestClient,
) -> None:
    for path in (f"/public/{MEETING}", f"/public/{MEETING}/notices/1"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<script type="module" src="/static/app/public.js">' in response.text
        assert {k: response.headers[k] for k in SECURITY_HEADERS} == SECURITY_HEADERS


def test_proposals_handled_name_the_decision_or_the_answer_never_the_sponsors(
    client: TestClient,
) -> None:
    chair = open_meeting(client, 9)
    tablets = [pair(client, chair, f"d0{i}") for i in range(1, 6)]
    bill = draft_and_cosign(client, MEETING, tablets[0], tablets[1:])
    assert submit(client, MEETING, tablets[0], bill, "bill")["type"] == "ack"
    decided = {"decision": "suggestion", "reference": "主席团第二次会议决定"}
    chair.post(f"/proposals/{bill}/decision", decided)
    chair.post("/notices", {"kind": "proposals"})
    answer = {"unit": "镇交通办", "deadline": "2026-06-30", "answer": "已列入年度计划。"}
    chair.post(f"/proposals/{bill}/answer", answer)
    chair.post("/notices", {"kind": "proposals"})
    first, second = (_public(client, f"/{n}") for n in (1, 2))
    assert (first["sources"], second["sources"]) == ([bill], [bill])
    assert str(first["text"]).split("\n") == [
        f"{TITLE}收到代表联名提出的议案、建议，办理情况如下：",
        "1. 议案「关于修建镇南桥的议案」（5名代表联名）：主席团决定作为建议处理（主席团第二次会议决定）。",
        "现予公告。",
    ]
    assert str(second["text"]).split("\n")[1] == (
        "1. 议案「关于修建镇南桥的议案」（5名代表联名）：由镇交通办办理，答复：已列入年度计划。"
    )
    assert re.search(r"\bd0\d\b", json.dumps([first, second])) is None
