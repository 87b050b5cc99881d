"""The verifier applies what the plenary adopted: a presidium poll's electorate and present are
the presidium's members (check 6), and a ``motion_adopted`` entry must follow a recounted,
passing result of a poll on the item that adopts it (checks 6 and 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audit.verify import verify_bundle
from tests.audit.meeting_builder import CHAIR, MeetingBuilder, PollRecord

MEMBERS = ["d1", "d2", "d3"]
ADOPTS = {"presidium": MEMBERS}


def sitting(*, votes_for: int = 4) -> MeetingBuilder:
    """Five deputies signed in; the plenary votes on the presidium list by show of hands."""
    log = MeetingBuilder()
    log.open_meeting([(f"d{i}", f"代表{i}", "active") for i in range(1, 6)])
    for deputy in ("d1", "d2", "d3", "d4", "d5"):
        log.sign_in(deputy, method="operator")
    log.append(
        {
            "type": "agenda_set",
            "items": [
                {"item": "pres", "title": "主席团名单", "kind": "motion", "adopts": ADOPTS},
                {"item": "conf", "title": "主席团决定", "kind": "motion", "body": "presidium"},
            ],
        }
    )
    log.open_poll("p1", "pres", {"kind": "motion"}, mode="manual")
    log.close_poll("p1", issued=5)
    counts = {"for": votes_for, "against": 5 - votes_for, "abstain": 0}
    log.enter_manual_result(
        "p1", ballots={"cast": 5, "valid": 5, "void": 0}, counts=counts, confirmed_by=["赵敏"]
    )
    return log


def presidium_poll(log: MeetingBuilder, **change: Any) -> None:
    """A show of hands of the presidium: 2 of its 3 members present (d3 has left)."""
    definition = {"kind": "motion", "electorate": 3, "present": 2, "quorum": "majority"}
    entry = {
        "type": "poll_opened",
        "poll": "p2",
        "item": "conf",
        "definition": definition,
        "mode": "manual",
        "change_policy": "last",
        "present": ["d1", "d2"],
        "voters": "presidium",
        "by": CHAIR,
        **change,
    }
    log.polls["p2"] = PollRecord("p2", "manual", entry["definition"])
    log.append(entry)
    log.close_poll("p2", issued=2)
    log.enter_manual_result(
        "p2",
        ballots={"cast": 2, "valid": 2, "void": 0},
        counts={"for": 2, "against": 0, "abstain": 0},
        confirmed_by=["赵敏"],
    )


def failures(log: MeetingBuilder, tmp_path: Path) -> list[str]:
    log.checkpoint()
    log.write(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=log.vkey)
    return [failure for check in report.checks for failure in check.failures]


def test_a_presidium_poll_over_the_adopted_presidium_verifies(tmp_path: Path) -> None:
    log = sitting()
    log.append({"type": "motion_adopted", "poll": "p1", "item": "pres", "adopts": ADOPTS})
    log.sign_out("d3", method="operator")
    presidium_poll(log)
    assert failures(log, tmp_path) == []


@pytest.mark.parametrize(
    ("change", "failure"),
    [
        (
            {"definition": {"kind": "motion", "electorate": 5, "present": 2, "quorum": "majority"}},
            "definition.electorate is 5 but 3 presidium members hold a seat",
        ),
        ({"present": ["d1", "d2", "d4"]}, "present lists d4, not a presidium member"),
        ({"present": ["d1"]}, "present omits d2, who is signed in"),
    ],
)
def test_a_presidium_poll_must_count_the_presidium(
    tmp_path: Path, change: dict[str, Any], failure: str
) -> None:
    log = sitting()
    log.append({"type": "motion_adopted", "poll": "p1", "item": "pres", "adopts": ADOPTS})
    log.sign_out("d3", method="operator")
    presidium_poll(log, **change)
    assert any(failure in text for text in failures(log, tmp_path)), failures(log, tmp_path)


def test_a_presidium_poll_before_the_list_is_adopted_fails(tmp_path: Path) -> None:
    log = sitting()
    log.sign_out("d3", method="operator")
    presidium_poll(log)
    found = failures(log, tmp_path)
    assert any("presidium poll p2 before its list was adopted" in text for text in found), found


def test_a_motion_adopted_after_a_failing_result_fails_the_recount(tmp_path: Path) -> None:
    """组织法 Art 25: 2 of 5 is not more than half; nothing may be adopted."""
    log = sitting(votes_for=2)
    log.append({"type": "motion_adopted", "poll": "p1", "item": "pres", "adopts": ADOPTS})
    found = failures(log, tmp_path)
    assert any("motion_adopted for poll p1, whose recounted result" in t for t in found), found


def test_a_motion_adopted_must_adopt_what_its_item_says(tmp_path: Path) -> None:
    log = sitting()
    log.append(
        {"type": "motion_adopted", "poll": "p1", "item": "pres", "adopts": {"presidium": ["d4"]}}
    )
    found = failures(log, tmp_path)
    assert any("differs from what agenda item pres of poll p1 adopts" in t for t in found), found


@pytest.mark.parametrize(("rules_poll", "ok"), [("p1", True), ("p9", False)])
def test_an_election_names_the_poll_that_adopted_the_rules_in_force(
    tmp_path: Path, rules_poll: str, ok: bool
) -> None:
    log = MeetingBuilder()
    log.open_meeting([(f"d{i}", f"代表{i}", "active") for i in range(1, 4)])
    for deputy in ("d1", "d2", "d3"):
        log.sign_in(deputy, method="operator")
    rules = {"election_rules": {"runoff_threshold": "majority"}}
    log.append(
        {
            "type": "agenda_set",
            "items": [
                {"item": "rules", "title": "选举办法", "kind": "motion", "adopts": rules},
                {"item": "vice", "title": "选举副镇长", "kind": "election"},
            ],
        }
    )
    log.open_poll("p1", "rules", {"kind": "motion"}, mode="manual")
    log.close_poll("p1", issued=3)
    log.enter_manual_result(
        "p1",
        ballots={"cast": 3, "valid": 3, "void": 0},
        counts={"for": 3, "against": 0, "abstain": 0},
        confirmed_by=["赵敏"],
    )
    log.append({"type": "motion_adopted", "poll": "p1", "item": "rules", "adopts": rules})
    definition = {
        "kind": "election",
        "seats": 1,
        "candidates": [{"id": "c1", "name": "王五"}],
        "electorate": 3,
        "present": 3,
    }
    log.polls["p2"] = PollRecord("p2", "manual", definition)
    log.append(
        {
            "type": "poll_opened",
            "poll": "p2",
            "item": "vice",
            "definition": definition,
            "mode": "manual",
            "change_policy": "last",
            "present": ["d1", "d2", "d3"],
            "election_rules": rules_poll,
            "by": CHAIR,
        }
    )
    log.append({"type": "poll_voided", "poll": "p2", "reason": "演示", "by": CHAIR})
    found = failures(log, tmp_path)
    if ok:
        assert found == []
    else:
        assert found == [
            'entry 10: poll p2 follows the election rules of poll "p9", but the rules in force'
            ' were adopted by poll "p1"'
        ]
