"""``decide``: the verdict from totals entered by hand, shared with ``tally``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballots import InputError, decide, parse_poll, tally

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


def test_show_of_hands_motion() -> None:
    """议事规则 Art 60: the chair enters the counts of a show of hands."""
    definition = parse_poll({"kind": "motion", "electorate": 54, "present": 50})
    result = decide(
        definition, cast=50, valid=50, void=0, counts={"for": 46, "against": 1, "abstain": 3}
    )
    assert result == {
        "kind": "motion",
        "electorate": 54,
        "present": 50,
        "issued": 50,
        "quorum_met": True,
        "round_valid": True,
        "ballots": {"cast": 50, "valid": 50, "void": 0},
        "required": 28,
        "counts": {"for": 46, "against": 1, "abstain": 3, "not_voted": 0},
        "outcome": {"passed": True},
    }


def test_paper_election_with_write_ins() -> None:
    definition = parse_poll(
        {
            "kind": "election",
            "electorate": 54,
            "present": 50,
            "seats": 1,
            "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
        }
    )
    result = decide(
        definition,
        cast=50,
        valid=49,
        void=1,
        counts={
            "c1": {"for": 30, "against": 15, "abstain": 4},
            "c2": {"for": 15, "against": 30, "abstain": 4},
        },
        write_ins={"刘备": 2},
    )
    assert result["outcome"] == {"elected": ["c1"], "runoff": None, "unfilled": 0}
    assert result["write_ins"] == {"刘备": 2}


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_decide_on_tally_totals_gives_the_same_result(path: Path) -> None:
    """The result's own totals, given back to ``decide``, give the same result."""
    document = json.loads(path.read_text(encoding="utf-8"))
    result = tally(document)
    again = decide(
        parse_poll(document["poll"]),
        cast=result["ballots"]["cast"],
        valid=result["ballots"]["valid"],
        void=result["ballots"]["void"],
        counts=result["counts"],
        write_ins=result.get("write_ins"),
        write_ins_ignored=result.get("write_ins_ignored", 0),
    )
    assert again == result


MOTION = {"kind": "motion", "electorate": 54, "present": 50}
ELECTION = {
    "kind": "election",
    "electorate": 54,
    "seats": 2,
    "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
}
CHOOSE = {
    "kind": "selection",
    "electorate": 54,
    "seats": 1,
    "candidates": [{"id": "p1"}, {"id": "p2"}],
}
EVALUATION = {"kind": "evaluation", "electorate": 54, "subjects": [{"id": "s1"}]}

FA = {"for": 5, "against": 3, "abstain": 2}

ERRORS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "cast is not valid + void",
        MOTION,
        {"cast": 41, "valid": 40, "void": 2, "counts": {"for": 40, "against": 0, "abstain": 0}},
        "cast: must equal valid + void (40 + 2), got 41",
    ),
    (
        "valid not a count",
        MOTION,
        {"cast": 1, "valid": -1, "void": 2, "counts": {}},
        "valid: expected a non-negative integer, got -1",
    ),
    (
        "motion counts do not add up",
        MOTION,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"for": 6, "against": 3, "abstain": 2}},
        "counts: for + against + abstain must equal the valid ballots (10), got 11",
    ),
    (
        "motion count missing",
        MOTION,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"for": 10, "against": 0}},
        "counts.abstain: missing field",
    ),
    (
        "motion not_voted inconsistent",
        MOTION,
        {
            "cast": 46,
            "valid": 46,
            "void": 0,
            "counts": {"for": 46, "against": 0, "abstain": 0, "not_voted": 3},
        },
        "counts.not_voted: expected 4 (present − cast), got 3",
    ),
    (
        "motion unknown count",
        MOTION,
        {
            "cast": 1,
            "valid": 1,
            "void": 0,
            "counts": {"for": 1, "against": 0, "abstain": 0, "yes": 1},
        },
        "counts.yes: unknown field",
    ),
    (
        "motion with write-ins",
        MOTION,
        {
            "cast": 1,
            "valid": 1,
            "void": 0,
            "counts": {"for": 1, "against": 0, "abstain": 0},
            "write_ins": {"刘备": 1},
        },
        'write_ins: a poll of kind "motion" has no write-ins',
    ),
    (
        "candidate count missing",
        ELECTION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"c1": {"against": 3, "abstain": 2}, "c2": FA},
        },
        "counts.c1.for: missing field",
    ),
    (
        "candidate count negative",
        ELECTION,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"c1": FA | {"for": -1}, "c2": FA}},
        "counts.c1.for: expected a non-negative integer, got -1",
    ),
    (
        "candidate counts do not add up",
        ELECTION,
        {"cast": 9, "valid": 9, "void": 0, "counts": {"c1": FA, "c2": FA}},
        "counts.c1: for + against + abstain must equal the valid ballots (9), got 10",
    ),
    (
        "unknown candidate",
        ELECTION,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"c1": FA, "c2": FA, "c9": FA}},
        'counts.c9: unknown candidate "c9"',
    ),
    (
        "candidate missing",
        ELECTION,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"c1": FA}},
        'counts.c2: missing counts of candidate "c2"',
    ),
    (
        "write-in naming a listed candidate",
        ELECTION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"c1": FA, "c2": FA},
            "write_ins": {"张三": 1},
        },
        "write_ins.张三: names a listed candidate",
    ),
    (
        "write-in with zero votes",
        ELECTION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"c1": FA, "c2": FA},
            "write_ins": {"刘备": 0},
        },
        "write_ins.刘备: expected a positive integer, got 0",
    ),
    (
        "write-in name with spaces",
        ELECTION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"c1": FA, "c2": FA},
            "write_ins": {" 刘备": 1},
        },
        'write_ins[" 刘备"]: expected a name without surrounding whitespace',
    ),
    (
        "more persons chosen than seats allow",
        ELECTION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {
                "c1": {"for": 10, "against": 0, "abstain": 0},
                "c2": {"for": 10, "against": 0, "abstain": 0},
            },
            "write_ins": {"刘备": 1},
        },
        "counts: 21 persons chosen on 10 valid ballots of at most 2 each",
    ),
    (
        "project votes above valid ballots",
        CHOOSE,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"p1": {"for": 11}, "p2": {"for": 0}}},
        "counts.p1.for: must not exceed the valid ballots (10), got 11",
    ),
    (
        "more projects chosen than seats allow",
        CHOOSE,
        {"cast": 10, "valid": 10, "void": 0, "counts": {"p1": {"for": 6}, "p2": {"for": 5}}},
        "counts: 11 projects chosen on 10 valid ballots of at most 1 each",
    ),
    (
        "ratings above valid ballots",
        EVALUATION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"s1": {"satisfied": 9, "basically_satisfied": 2, "dissatisfied": 0}},
        },
        "counts.s1: ratings must not exceed the valid ballots (10), got 11",
    ),
    (
        "level missing",
        EVALUATION,
        {
            "cast": 10,
            "valid": 10,
            "void": 0,
            "counts": {"s1": {"satisfied": 9, "basically_satisfied": 1}},
        },
        "counts.s1.dissatisfied: missing field",
    ),
]


@pytest.mark.parametrize(
    ("poll", "totals", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_decide_errors(poll: dict[str, Any], totals: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        decide(parse_poll(poll), **totals)
    assert str(caught.value) == message
