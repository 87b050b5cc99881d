"""Verifier check 3 for documents, on built logs: a poll may name only documents logged on its
item before it opened, and the bundle must carry each logged document unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from audit.verify import Status, verify_bundle
from tests.audit.meeting_builder import CHAIR, MeetingBuilder
from tests.pdf_samples import tiny_pdf

PDF = tiny_pdf("Report")
SHA = hashlib.sha256(PDF).hexdigest()


def built(documents_on: str, named: str) -> MeetingBuilder:
    """A meeting that logs the document on ``documents_on`` and opens a poll on ``named``
    naming it."""
    log = MeetingBuilder()
    log.open_meeting([("d-01", "王建国", "active"), ("d-02", "李秀英", "active")])
    log.set_agenda([("a", "政府工作报告", "motion"), ("b", "财政预算", "motion")])
    log.append(
        {
            "type": "document_added",
            "item": documents_on,
            "title": "政府工作报告",
            "filename": "report.pdf",
            "size": len(PDF),
            "sha256": SHA,
            "by": CHAIR,
        }
    )
    log.open_poll("p-1", named, {"kind": "motion", "documents": [SHA]}, mode="manual")
    log.checkpoint()
    return log


def write(log: MeetingBuilder, directory: Path) -> Path:
    log.write(directory)
    (directory / "documents").mkdir()
    (directory / "documents" / f"{SHA}.pdf").write_bytes(PDF)
    return directory


def test_a_poll_naming_a_document_of_its_item_passes(tmp_path: Path) -> None:
    log = built("a", "a")
    report = verify_bundle(write(log, tmp_path / "b"), vkey=log.vkey)
    assert [c.status for c in report.checks[:4]] == [Status.PASSED] * 4
    assert report.checks[3].detail.endswith("; 1 documents")


def test_a_poll_naming_a_document_of_another_item_fails_check_3(tmp_path: Path) -> None:
    log = built("b", "a")
    report = verify_bundle(write(log, tmp_path / "b"), vkey=log.vkey)
    assert report.checks[3].status is Status.FAILED
    assert report.checks[3].failures == [
        f"entry 3: poll p-1 names document {SHA}, which no earlier document_added entry logs"
        " on item a"
    ]


def test_a_bundle_without_the_document_fails_check_3(tmp_path: Path) -> None:
    log = built("a", "a")
    log.write(tmp_path / "b")
    report = verify_bundle(tmp_path / "b", vkey=log.vkey)
    assert report.checks[3].failures == [f"entry 2: documents/{SHA}.pdf is missing from the bundle"]
