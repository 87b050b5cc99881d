"""The rehearsal's plan (read from ``examples/rehearsal/``) and its report (worded by the
result table of ``ballots.table``)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ballots import tally
from ballots.crypto.shape import Choice
from devices.rehearsal.encrypted_vote import crypto_choice
from devices.rehearsal.plan import STANDARD_PLAN, PlanError, PollPlan, ballot_for, load_plan
from devices.rehearsal.report import outcome_lines
from devices.simulator import SimulationError

CANDIDATES = [
    {"id": "c1", "name": "黄丽华"},
    {"id": "c2", "name": "周志强"},
    {"id": "c3", "name": "吴海燕"},
]


def election(**ballots: Any) -> PollPlan:
    definition = {"kind": "election", "seats": 2, "candidates": CANDIDATES, "write_ins": True}
    return PollPlan("p3", "vice", "选举副镇长", "encrypted", definition, dict(ballots))


def test_the_standard_plan_is_read_from_the_examples_folder() -> None:
    assert STANDARD_PLAN.relative_to(STANDARD_PLAN.parents[2]).as_posix() == (
        "examples/rehearsal/standard-sitting.json"
    )
    plan = load_plan()
    assert plan.title == "新洲镇第十七届人民代表大会第三次会议（演练）"
    assert [(p.poll, p.mode, p.kind, p.drop_tablet) for p in plan.polls] == [
        ("p1", "encrypted", "motion", 0),
        ("p2", "named", "motion", 1),
        ("p3", "encrypted", "election", None),
        ("p4", "encrypted", "selection", None),
        ("p5", "encrypted", "evaluation", None),
    ]
    assert plan.polls[2].rule == {"office": "deputy", "extra": 1}
    assert [plan.deputy_name(i) for i in (0, 1, 11, 30)] == ["王建国", "李秀英", "孙建国", "王立新"]


def test_ballots_follow_the_plan_and_repeat_with_the_seed() -> None:
    plan = load_plan()
    drawn = [[ballot_for(p, i, random.Random(7)) for i in range(14)] for p in plan.polls]
    again = [[ballot_for(p, i, random.Random(7)) for i in range(14)] for p in plan.polls]
    assert drawn == again
    write_in = {"marks": {"c1": "for", "c2": "against", "c3": "against"}, "write_ins": ["郑国平"]}
    assert [drawn[2][i] == write_in for i in (2, 9)] == [True, True]
    assert {choice for choice in drawn[0]} <= {"for", "against", "abstain"}
    for poll, choices in zip(plan.polls, drawn, strict=True):
        counted = dict(poll.definition, electorate=14, present=14, issued=14)
        result = tally({"poll": counted, "ballots": choices})
        assert result["ballots"] == {"cast": 14, "valid": 14, "void": 0}, poll.poll


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mode": "open"}, "polls[0]: mode must be one of encrypted, named, not 'open'"),
        ({"mode": "secret"}, "polls[0]: mode must be one of encrypted, named, not 'secret'"),
        ({"drop_tablet": -1}, "polls[0]: drop_tablet must be a tablet index from 0, not -1"),
        ({"ballots": {}}, "polls[0]: ballots.choice must be an object of positive integer weights"),
        ({"title": ""}, "polls[0]: title must be a non-empty string"),
    ],
)
def test_a_bad_plan_names_the_field(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    document = json.loads(STANDARD_PLAN.read_text(encoding="utf-8"))
    document["polls"][0].update(change)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value) == f"rehearsal plan {path}: {message}"


def test_a_runoff_is_worded_as_in_the_result_table() -> None:
    plan = election()
    both = [{"marks": {"c1": "for", "c2": "for"}}] * 20 + [
        {"marks": {"c1": "for", "c3": "for"}}
    ] * 20
    ballots = both + [{"marks": {"c2": "for", "c3": "for"}}] * 10
    poll = dict(plan.definition, electorate=50, present=50, issued=50)
    result = tally({"poll": poll, "ballots": ballots})
    assert outcome_lines(plan, result, lang="zh") == [
        "当选：黄丽华",
        "需再次投票：周志强、吴海燕 得票相等，就 1 个名额再次投票",
    ]
    assert outcome_lines(plan, result, lang="en") == [
        "Elected: 黄丽华",
        "Runoff needed: 周志强, 吴海燕 tie; new vote for 1 seat(s)",
    ]


def test_an_invalid_round_is_worded_as_in_the_result_table() -> None:
    plan = PollPlan("p1", "budget", "预算", "encrypted", {"kind": "motion"}, {})
    poll = dict(plan.definition, electorate=4, present=4, issued=2)
    result = tally({"poll": poll, "ballots": ["for", "for", "against"]})
    assert outcome_lines(plan, result, lang="zh") == [
        "收回表决票多于发出表决票，本次表决无效，需重新表决"
    ]


def test_each_kind_of_ballot_becomes_the_plaintext_the_tablet_encrypts() -> None:
    motion, _, vice, projects, review = (p.definition for p in load_plan().polls)
    assert crypto_choice(motion, "against") == Choice((0, 1))
    assert crypto_choice(motion, None) == Choice((0, 0))
    listed = {"marks": {"c1": "for", "c2": "against"}, "write_ins": ["郑国平"]}
    assert crypto_choice(vice, listed) == Choice((1, 0, 0, 1, 0, 0), ("郑国平",))
    replacing = {"marks": {"c1": "for", "c3": "against"}, "write_ins": {"c3": "郑国平"}}
    assert crypto_choice(vice, replacing) == Choice((1, 0, 0, 0, 0, 1), ("郑国平",))
    assert crypto_choice(projects, {"chosen": ["p2", "p5"]}) == Choice((0, 1, 0, 0, 1))
    ratings = {"ratings": {"s1": "satisfied", "s3": "dissatisfied"}}
    assert crypto_choice(review, ratings) == Choice((1, 0, 0, 0, 0, 0, 0, 0, 1))


def test_a_kind_without_an_encrypted_ballot_is_named() -> None:
    with pytest.raises(SimulationError) as caught:
        crypto_choice({"kind": "oath"}, "for")
    assert str(caught.value) == "no encrypted ballot for a poll of kind 'oath'"
