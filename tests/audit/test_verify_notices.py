"""The verifier replays public notices (check 8): each hash recomputed from its fields, numbers
consecutive, and only announced results (a selection's, for adopted projects) or handled
proposals cited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.notices import notice_digest
from audit.verify import verify_bundle
from tests.audit.meeting_builder import CHAIR, MeetingBuilder

MOTION = {"kind": "motion", "title": "关于预算的决议"}
SELECTION = {
    "kind": "selection",
    "title": "民生实事项目",
    "seats": 1,
    "candidates": [{"id": "c1", "name": "修建村道"}, {"id": "c2", "name": "新建文化广场"}],
}


def hall() -> MeetingBuilder:
    """Three deputies signed in; p1 a motion and p2 a selection, both counted on paper."""
    b = MeetingBuilder()
    b.open_meeting([(f"d-0{n}", f"代表{n}", "active") for n in (1, 2, 3)])
    b.set_agenda([("a", "预算", "motion"), ("b", "民生实事项目", "selection")])
    for deputy in ("d-01", "d-02", "d-03"):
        b.sign_in(deputy, method="operator")
    paper = {"cast": 3, "valid": 3, "void": 0}
    b.open_poll("p1", "a", MOTION, mode="manual")
    b.close_poll("p1", issued=3)
    counts = {"for": 2, "against": 1, "abstain": 0}
    b.enter_manual_result("p1", ballots=paper, counts=counts, confirmed_by=["张三"])
    b.open_poll("p2", "b", SELECTION, mode="manual")
    b.close_poll("p2", issued=3)
    counts = {"c1": {"for": 2}, "c2": {"for": 1}}
    b.enter_manual_result("p2", ballots=paper, counts=counts, confirmed_by=["张三"])
    return b


def notice(b: MeetingBuilder, number: int, kind: str, sources: list[str], **changed: Any) -> None:
    fields: dict[str, Any] = {
        "notice": number,
        "kind": kind,
        "title": "关于表决结果的公告",
        "sources": sources,
        "text": "表决结果：通过\n现予公告。",
    }
    entry = {"type": "notice_issued", **fields, "sha256": notice_digest(fields), "by": CHAIR}
    b.append({**entry, **changed})
    b.checkpoint()


def failures(b: MeetingBuilder, tmp_path: Path) -> list[str]:
    b.close_meeting()
    b.write(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=b.vkey)
    return [failure for check in report.checks for failure in check.failures]


def test_notices_of_announced_results_verify(tmp_path: Path) -> None:
    b = hall()
    b.announce("p1")
    b.announce("p2")
    notice(b, 1, "result", ["p1"])
    notice(b, 2, "projects", ["p2"])
    assert failures(b, tmp_path) == []


def _text_edited(b: MeetingBuilder) -> int:
    b.announce("p1")
    seq = len(b.entries)
    notice(b, 1, "result", ["p1"], text="表决结果：未通过\n现予公告。")
    return seq


def _number_skipped(b: MeetingBuilder) -> int:
    b.announce("p1")
    notice(b, 1, "result", ["p1"])
    seq = len(b.entries)
    notice(b, 3, "result", ["p1"])
    return seq


def _not_announced(b: MeetingBuilder) -> int:
    seq = len(b.entries)
    notice(b, 1, "result", ["p1"])
    return seq


def _announced_then_voided(b: MeetingBuilder) -> int:
    b.announce("p1")
    b.void_poll("p1", "计票有误")
    seq = len(b.entries)
    notice(b, 1, "result", ["p1"])
    return seq


def _projects_of_a_motion(b: MeetingBuilder) -> int:
    b.announce("p1")
    seq = len(b.entries)
    notice(b, 1, "projects", ["p1"])
    return seq


def _proposal_not_handled(b: MeetingBuilder) -> int:
    seq = len(b.entries)
    notice(b, 1, "proposals", ["0" * 64])
    return seq


TAMPERED: list[tuple[Callable[[MeetingBuilder], int], str]] = [
    (_text_edited, "sha256 is not the notice's SHA-256 "),
    (_number_skipped, "notice 3 follows notice 1"),
    (_not_announced, "notice cites poll p1, whose result is not announced"),
    (_announced_then_voided, "notice cites poll p1, whose result is not announced"),
    (_projects_of_a_motion, "projects notice cites poll p1, not a selection"),
    (_proposal_not_handled, f"notice cites proposal {'0' * 64}, not handled"),
]


@pytest.mark.parametrize(("tamper", "message"), TAMPERED, ids=[t.__name__ for t, _ in TAMPERED])
def test_a_tampered_notice_fails_check_8(
    tamper: Callable[[MeetingBuilder], int], message: str, tmp_path: Path
) -> None:
    b = hall()
    seq = tamper(b)
    found = failures(b, tmp_path)
    assert len(found) == 1, found
    assert found[0].startswith(f"entry {seq}: {message}")
