"""The verifier replays the livelihood projects (check 6): register, withdrawal, the selection
poll built from the register, supervision and milestones, the evaluation's link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.verify import verify_bundle
from tests.audit.meeting_builder import CHAIR, MeetingBuilder

HERE = "xinzhou-17-3"  # the meeting id MeetingBuilder.open_meeting writes


def project(project: str) -> dict[str, Any]:
    return {
        "type": "project_registered",
        "project": project,
        "title": f"项目{project}",
        "budget_yuan": 800_000,
        "unit": "镇农业办",
        "completion": "2026-10-31",
        "source": "deputies",
        "description": "灌溉渠修缮",
        "by": CHAIR,
    }


def follow_up(kind: str, project: str, adopted_in: str = HERE) -> dict[str, Any]:
    if kind == "project_supervisors":
        return {
            "type": kind,
            "adopted_in": adopted_in,
            "project": project,
            "deputies": ["d-01"],
            "by": CHAIR,
        }
    return {
        "type": kind,
        "adopted_in": adopted_in,
        "project": project,
        "date": "2026-05-01",
        "text": "开工",
        "percent": 20,
        "by": CHAIR,
    }


def hall() -> MeetingBuilder:
    b = MeetingBuilder()
    b.open_meeting([("d-01", "王建国", "active"), ("d-02", "李明", "active")])
    b.sign_in("d-01", method="operator")
    b.sign_in("d-02", method="operator")
    b.set_agenda([("s", "民生实事项目票决", "selection"), ("v", "测评", "evaluation")])
    b.append(project("P1"))
    b.append(project("P2"))
    return b


def select(b: MeetingBuilder, listed: tuple[str, ...] = ("P1", "P2")) -> None:
    candidates = [{"id": p, "name": f"项目{p}"} for p in listed]
    definition = {"kind": "selection", "seats": 1, "form": "choose", "candidates": candidates}
    b.open_poll("p1", "s", definition, mode="manual")
    b.close_poll("p1", issued=2)
    counts = {p: {"for": 2 if p == "P1" else 0} for p in listed}
    b.enter_manual_result(
        "p1", ballots={"cast": 2, "valid": 2, "void": 0}, counts=counts, confirmed_by=["监票人"]
    )


def evaluate(b: MeetingBuilder, subjects: list[str], linked: list[str]) -> None:
    definition = {"kind": "evaluation", "subjects": [{"id": s} for s in subjects]}
    b.open_poll("e1", "v", definition, mode="manual")
    b.append(
        {
            "type": "project_evaluation",
            "poll": "e1",
            "adopted_in": "xinzhou-17-2",
            "projects": linked,
            "by": CHAIR,
        }
    )
    b.void_poll("e1", "重新测评")  # the meeting closes with no poll open


def failures(b: MeetingBuilder, tmp_path: Path) -> list[str]:
    b.close_meeting()
    b.write(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=b.vkey)
    return [failure for check in report.checks for failure in check.failures]


def test_a_project_year_session_verifies(tmp_path: Path) -> None:
    b = hall()
    b.append(project("P3"))
    b.append({"type": "project_withdrawn", "project": "P3", "reason": "资金未落实", "by": CHAIR})
    select(b)
    b.append(follow_up("project_supervisors", "P1"))
    b.append(follow_up("project_milestone", "P1"))
    b.append(follow_up("project_milestone", "P7", adopted_in="xinzhou-17-2"))
    evaluate(b, ["P7"], ["P7"])
    assert failures(b, tmp_path) == []


def _twice(b: MeetingBuilder) -> None:
    b.append(project("P1"))


def _withdraw_listed(b: MeetingBuilder) -> None:
    select(b)
    b.append({"type": "project_withdrawn", "project": "P2", "reason": "x", "by": CHAIR})


def _list_withdrawn(b: MeetingBuilder) -> None:
    b.append({"type": "project_withdrawn", "project": "P2", "reason": "x", "by": CHAIR})
    select(b)


def _supervise_not_adopted(b: MeetingBuilder) -> None:
    select(b)
    b.append(follow_up("project_supervisors", "P2"))


def _milestone_before_adoption(b: MeetingBuilder) -> None:
    b.append(follow_up("project_milestone", "P1"))


def _supervisor_off_roster(b: MeetingBuilder) -> None:
    select(b)
    entry = follow_up("project_supervisors", "P1")
    b.append(entry | {"deputies": ["d-09"]})


def _evaluation_of_other_projects(b: MeetingBuilder) -> None:
    evaluate(b, ["P7", "P8"], ["P7"])


def _percent_out_of_range(b: MeetingBuilder) -> None:
    select(b)
    b.append(follow_up("project_milestone", "P1") | {"percent": 120})


TAMPERED: list[tuple[str, Callable[[MeetingBuilder], None], str]] = [
    ("twice", _twice, 'project "P1" is registered twice'),
    ("withdraw-listed", _withdraw_listed, "withdrawn while selection poll p1 lists it"),
    ("list-withdrawn", _list_withdrawn, 'lists project "P2", which was withdrawn'),
    ("supervise", _supervise_not_adopted, "which no earlier selection result"),
    ("milestone", _milestone_before_adoption, "which no earlier selection result"),
    ("off-roster", _supervisor_off_roster, 'deputy "d-09" holds no seat'),
    ("evaluation", _evaluation_of_other_projects, "not an evaluation of exactly the projects"),
    ("percent", _percent_out_of_range, "percent is not a whole number from 0 to 100"),
]


@pytest.mark.parametrize(
    ("tamper", "message"), [(t, m) for _, t, m in TAMPERED], ids=[n for n, _, _ in TAMPERED]
)
def test_a_broken_project_rule_fails_with_its_entry_named(
    tmp_path: Path, tamper: Callable[[MeetingBuilder], None], message: str
) -> None:
    b = hall()
    tamper(b)
    found = failures(b, tmp_path)
    assert len(found) == 1 and message in found[0], found
