"""Meeting documents over the HTTP API: a PDF uploaded to an agenda item is stored by its
SHA-256 and logged; oversized and malformed uploads are refused and change nothing; a document
is served with headers that keep the browser from running it; the export bundle carries the
documents and the verifier finds a changed byte."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from audit.verify import Status, verify_bundle
from tests.pdf_samples import tiny_pdf
from tests.voting.conftest import Server
from tests.voting.sitting import MEETING, Staff, open_meeting

AGENDA = {
    "items": [
        {"item": "report", "title": "政府工作报告", "kind": "motion"},
        {"item": "budget", "title": "财政预算", "kind": "motion"},
    ]
}
BASE = f"/api/meetings/{MEETING}"


def upload(
    chair: Staff,
    item: str,
    data: bytes,
    *,
    title: str = "2026年政府工作报告",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    response = chair.client.post(
        f"{BASE}/items/{item}/documents",
        params={"title": title, "filename": "报告.pdf"},
        content=data,
        headers={**chair.headers, "Content-Type": "application/pdf", **(headers or {})},
    )
    assert response.status_code == status, response.text
    return response.json()


def entries_of(service: Any) -> list[dict[str, Any]]:
    return [json.loads(data) for data in service.log.entries(0, service.log.size)]


@pytest.fixture
def chair(client: TestClient) -> Staff:
    staff = open_meeting(client, 3)
    staff.call("PUT", "/agenda", AGENDA)
    return staff


def test_an_upload_is_stored_by_its_hash_logged_and_served(
    chair: Staff, client: TestClient, server: Server
) -> None:
    data = tiny_pdf(pages=2)
    sha256 = hashlib.sha256(data).hexdigest()
    answer = upload(chair, "report", data)
    assert answer == {"seq": [answer["seq"][0]], "sha256": sha256, "size": len(data)}
    assert (server.db.parent / "documents" / f"{sha256}.pdf").read_bytes() == data
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    (entry,) = [e for e in entries_of(service) if e["type"] == "document_added"]
    assert {k: v for k, v in entry.items() if k not in ("at", "seq", "v")} == {
        "type": "document_added",
        "item": "report",
        "title": "2026年政府工作报告",
        "filename": "报告.pdf",
        "size": len(data),
        "sha256": sha256,
        "by": "admin",
    }
    fetched = client.get(f"{BASE}/documents/{sha256}")
    assert fetched.status_code == 200
    assert fetched.content == data
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert fetched.headers["content-security-policy"] == "sandbox; default-src 'none'"

    again = upload(chair, "report", data, status=409)
    assert again["error"] == "document-already-added"


def test_a_document_the_meeting_did_not_log_is_not_served(chair: Staff, client: TestClient) -> None:
    missing = client.get(f"{BASE}/documents/{'0' * 64}")
    assert (missing.status_code, missing.json()["error"]) == (404, "unknown-document")
    odd = client.get(f"{BASE}/documents/not-a-hash")
    assert (odd.status_code, odd.json()["error"]) == (404, "unknown-document")


def test_an_upload_over_the_limit_is_refused_by_its_length_before_it_is_read(
    chair: Staff, client: TestClient, server: Server
) -> None:
    limit = client.app.state.runtime.settings.max_document_bytes  # type: ignore[attr-defined]
    assert limit == 20 * 1024 * 1024
    refused = upload(
        chair,
        "report",
        b"%PDF-1.4\n",
        status=413,
        headers={"Content-Length": str(limit + 1)},
    )
    assert refused == {
        "error": "document-too-large",
        "message": "文件过大（上限 20 MiB）",
        "message_en": "document too large (limit 20 MiB)",
        "details": {"limit": limit},
    }
    assert not (server.db.parent / "documents").exists()


def test_an_upload_that_streams_past_the_limit_is_refused(
    chair: Staff, client: TestClient, server: Server
) -> None:
    limit = client.app.state.runtime.settings.max_document_bytes  # type: ignore[attr-defined]

    def chunks() -> Any:
        block = b"0" * (1024 * 1024)
        for _ in range(limit // len(block) + 1):
            yield block

    response = chair.client.post(
        f"{BASE}/items/report/documents",
        params={"title": "大文件"},
        content=chunks(),
        headers={**chair.headers, "Content-Type": "application/pdf"},
    )
    assert (response.status_code, response.json()["error"]) == (413, "document-too-large")
    assert not (server.db.parent / "documents").exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<html>not a pdf</html>", "the file does not start with %PDF-1.x or %PDF-2.0"),
        (tiny_pdf()[:-20], "the file does not end with startxref and %%EOF"),
        (
            tiny_pdf().replace(b"startxref\n", b"startxref\n9"),
            "startxref points at offset 9",
        ),
    ],
)
def test_a_malformed_pdf_is_refused_and_never_stored(
    chair: Staff, client: TestClient, server: Server, data: bytes, problem: str
) -> None:
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    size = service.log.size
    refused = upload(chair, "report", data, status=400)
    assert refused["error"] == "invalid-pdf"
    assert refused["message_en"].startswith(f"not a valid PDF: {problem}")
    assert service.log.size == size
    assert not (server.db.parent / "documents").exists()


def test_an_upload_needs_a_title_a_pdf_type_and_a_known_item(chair: Staff, server: Server) -> None:
    data = tiny_pdf()
    assert upload(chair, "report", data, title=" ", status=400)["error"] == "invalid-message"
    wrong = upload(chair, "report", data, status=400, headers={"Content-Type": "text/plain"})
    assert (
        wrong["message_en"] == "invalid request: the body must be application/pdf, not text/plain"
    )
    assert upload(chair, "nothing", data, status=404)["error"] == "unknown-item"
    assert not (server.db.parent / "documents").exists()


def export(client: TestClient, server: Server, out: Path) -> tuple[Any, Path]:
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    service.log.export(out, documents=server.db.parent / "documents")
    return service, out


def test_the_bundle_carries_the_documents_and_the_verifier_checks_them(
    chair: Staff, client: TestClient, server: Server, tmp_path: Path
) -> None:
    report_pdf, budget_pdf = tiny_pdf("Report", pages=3), tiny_pdf("Budget")
    upload(chair, "report", report_pdf)
    upload(chair, "budget", budget_pdf, title="2026年财政预算")
    chair.post("/close")
    service, bundle = export(client, server, tmp_path / "bundle")
    sha = hashlib.sha256(report_pdf).hexdigest()
    assert (bundle / "documents" / f"{sha}.pdf").read_bytes() == report_pdf
    assert len(list((bundle / "documents").iterdir())) == 2
    report = verify_bundle(bundle, vkey=service.log.vkey)
    assert report.ok, report
    assert report.checks[3].detail.endswith("; 2 documents")

    seq = next(e["seq"] for e in entries_of(service) if e.get("sha256") == sha)
    tampered = tmp_path / "tampered"
    shutil.copytree(bundle, tampered)
    path = tampered / "documents" / f"{sha}.pdf"
    changed = bytearray(report_pdf)
    changed[100] ^= 1
    path.write_bytes(bytes(changed))
    found = hashlib.sha256(changed).hexdigest()
    report = verify_bundle(tampered, vkey=service.log.vkey)
    assert (report.checks[3].number, report.checks[3].status) == (3, Status.FAILED)
    assert report.checks[3].failures == [
        f"entry {seq}: documents/{sha}.pdf has SHA-256 {found} and {len(report_pdf)} bytes;"
        f" the entry logs {sha} and {len(report_pdf)} bytes"
    ]
    path.unlink()
    report = verify_bundle(tampered, vkey=service.log.vkey)
    assert report.checks[3].failures == [
        f"entry {seq}: documents/{sha}.pdf is missing from the bundle"
    ]
    (tampered / "documents" / f"{'a' * 64}.pdf").write_bytes(report_pdf)
    path.write_bytes(report_pdf)
    report = verify_bundle(tampered, vkey=service.log.vkey)
    assert report.checks[3].failures == [
        f"documents/{'a' * 64}.pdf: no document_added entry names this file"
    ]


def test_a_motion_names_the_documents_it_approves(
    chair: Staff, client: TestClient, server: Server, tmp_path: Path
) -> None:
    data = tiny_pdf("Report")
    sha = upload(chair, "report", data)["sha256"]
    other = upload(chair, "budget", tiny_pdf("Budget"))["sha256"]
    chair.post("/items/report/current")
    chair.post("/attendance/sign-in", {"deputies": ["d01", "d02", "d03"]})
    wrong = {
        "item": "report",
        "definition": {"kind": "motion", "documents": [other]},
        "mode": "named",
    }
    refused = chair.post("/polls", wrong, status=404)
    assert refused == {
        "error": "unknown-document",
        "message": f"议程 report 没有这份文件：{other}",
        "message_en": f"item report has no document {other}",
    }
    malformed = {
        "item": "report",
        "definition": {"kind": "motion", "documents": ["x"]},
        "mode": "named",
    }
    answer = chair.post("/polls", malformed, status=400)
    assert answer["message_en"] == (
        "invalid poll definition: poll.documents[0]: expected a SHA-256 in lower-case hex"
    )
    opened = {
        "item": "report",
        "definition": {"kind": "motion", "documents": [sha]},
        "mode": "named",
    }
    poll = chair.post("/polls", opened)["poll"]
    service = client.app.state.runtime.congress.service(MEETING)  # type: ignore[attr-defined]
    assert service.state.polls[poll].definition["documents"] == [sha]
    chair.post(f"/polls/{poll}/void", {"reason": "测试"})
    chair.post("/close")
    _, bundle = export(client, server, tmp_path / "bundle")
    assert verify_bundle(bundle, vkey=service.log.vkey).ok
