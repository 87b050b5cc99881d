"""Write-ins on a ballot (代表法 Art 17: 另选他人 in place of a candidate marked 反对): a written
name that is no name is refused with ``invalid-write-in`` naming the candidate it replaces."""

from __future__ import annotations

from typing import Any

import pytest

from tests.voting.core.elections import VICE, opened, sitting
from tests.voting.core.meetings import refused
from voting import core

MARKS = {"c1": "against", "c2": "for", "c3": "abstain"}

# (case, write_ins, refusal code, details)
BALLOTS: list[tuple[str, Any, str, dict[str, Any]]] = [
    (
        "代表法 Art 17: a zero-width space in the name replacing c1",
        {"c1": "王\u200b五"},
        "invalid-write-in",
        {"candidate": "c1"},
    ),
    (
        "代表法 Art 17: a control character",
        {"c1": "王五\u0007"},
        "invalid-write-in",
        {"candidate": "c1"},
    ),
    (
        "代表法 Art 17: longer than 32 characters",
        {"c1": "王" * 33},
        "invalid-write-in",
        {"candidate": "c1"},
    ),
    (
        "a list of names: the second is bad",
        ["赵六", "王\u202e五"],
        "invalid-write-in",
        {"write_in": 1},
    ),
    ("a key that is no candidate", {"c9": "王五"}, "invalid-ballot", {}),
]


@pytest.mark.parametrize(
    ("case", "write_ins", "code", "details"), BALLOTS, ids=[b[0] for b in BALLOTS]
)
def test_a_bad_write_in_is_refused(
    case: str, write_ins: Any, code: str, details: dict[str, Any]
) -> None:
    meeting = opened(sitting(), "p1", "vice", VICE)
    poll = meeting.state.polls["p1"]
    error = refused(code, core.check_choice, poll, {"marks": MARKS, "write_ins": write_ins})
    assert error.details == details
    if code == "invalid-write-in" and "candidate" in details:
        assert "王建国" in error.zh and "王建国" in error.en


@pytest.mark.parametrize(
    "write_ins",
    [{"c1": "王五"}, {"c3": "王五"}, {"c1": "  "}, {"c1": "李秀英"}],
    ids=["replaces 反对", "on an abstention: ignored when counted", "blank", "a listed name"],
)
def test_a_write_in_that_is_a_name_is_accepted(write_ins: Any) -> None:
    """Counting decides whether it counts (ignored ones go to ``write_ins_ignored``)."""
    meeting = opened(sitting(), "p1", "vice", VICE)
    assert (
        core.check_choice(meeting.state.polls["p1"], {"marks": MARKS, "write_ins": write_ins})
        is None
    )


def test_a_paper_election_records_the_write_ins_the_rules_ignored() -> None:
    """Paper ballots: the scrutineers count the write-ins the rules ignored (代表法 Art 17)."""
    meeting = sitting()
    entries = core.open_poll(
        meeting.state,
        poll="p1",
        item="vice",
        definition=VICE,
        mode="manual",
        change_policy="last",
        by="chair",
    )
    meeting.commit(entries)
    counts = {
        c: {"for": n, "against": 5 - n, "abstain": 0}
        for c, n in zip(("c1", "c2", "c3"), (5, 3, 1), strict=True)
    }
    entered = core.enter_manual_result(
        meeting.state,
        poll="p1",
        issued=5,
        ballot_counts={"cast": 5, "valid": 5, "void": 0},
        counts=counts,
        write_ins={},
        write_ins_ignored=2,
        confirmed_by=["赵敏"],
        by="chair",
    )
    assert entered[1]["write_ins_ignored"] == 2
    assert entered[2]["result"]["write_ins_ignored"] == 2
    assert entered[2]["result"]["outcome"] == {
        "elected": ["c1", "c2"],
        "runoff": None,
        "unfilled": 0,
    }
