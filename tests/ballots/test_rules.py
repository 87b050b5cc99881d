"""Every counting rule of domain-rules.md §1–§5, one table row each, named after its rule."""

from __future__ import annotations

from typing import Any

import pytest

from ballots import InputError, quorum_met, tally
from tests.ballots.builders import (
    VOID,
    choose,
    document,
    election,
    evaluation,
    rate,
    selection,
    times,
    vote,
)

ELECTED_NOBODY_ONE_SEAT = {"elected": [], "runoff": None, "unfilled": 1}


def motion(ballots: list[Any], **poll: Any) -> dict[str, Any]:
    return document("motion", ballots, **poll)


def rated(**columns: list[str | None]) -> list[dict[str, Any]]:
    """Evaluation ballots from per-subject columns of levels (``None``: not rated)."""
    length = len(next(iter(columns.values())))
    return [
        rate(**{sid: levels[i] for sid, levels in columns.items() if levels[i] is not None})
        for i in range(length)
    ]


def sat(count: int) -> list[str | None]:
    return ["satisfied"] * count


def basic(count: int) -> list[str | None]:
    return ["basically_satisfied"] * count


def dis(count: int) -> list[str | None]:
    return ["dissatisfied"] * count


def unrated(count: int) -> list[str | None]:
    return [None] * count


CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    # §1 Attendance and quorum
    (
        "§1 36 of 54 present is a quorum",
        motion(times(36, "for"), present=36),
        {"present": 36, "quorum_met": True},
    ),
    (
        "§1 35 of 54 present is not a quorum",
        motion(times(35, "for"), present=35),
        {"present": 35, "quorum_met": False},
    ),
    (
        "§1 quorum unknown without present",
        motion(times(30, "for")),
        {"present": None, "quorum_met": None, "issued": 54},
    ),
    (
        "§1 ballots issued default to deputies present",
        motion(times(30, "for"), present=50),
        {"issued": 50},
    ),
    # §2 Motions
    (
        "§2 more than half of all seated deputies passes",
        motion(times(28, "for") + times(26, "against")),
        {"required": 28, "outcome": {"passed": True}},
    ),
    (
        "§2 exactly half fails",
        motion(times(27, "for") + times(27, "against")),
        {"required": 28, "outcome": {"passed": False}},
    ),
    (
        "§2 a majority of those present is not enough",
        motion(times(25, "for") + times(15, "against"), present=40),
        {
            "counts": {"for": 25, "against": 15, "abstain": 0, "not_voted": 0},
            "outcome": {"passed": False},
        },
    ),
    (
        "§2 against, abstain and not voting all count as not for",
        motion(times(27, "for") + times(10, "abstain"), present=54),
        {
            "counts": {"for": 27, "against": 0, "abstain": 10, "not_voted": 17},
            "outcome": {"passed": False},
        },
    ),
    (
        "§2 not voted is present minus cast",
        motion(times(44, "for") + times(2, "against") + times(3, "abstain"), present=50),
        {"counts": {"for": 44, "against": 2, "abstain": 3, "not_voted": 1}},
    ),
    (
        "§2 not voted is null without present",
        motion(times(44, "for")),
        {"counts": {"for": 44, "against": 0, "abstain": 0, "not_voted": None}},
    ),
    (
        "§2 a void motion ballot counts in void",
        motion([*times(30, "for"), VOID], present=50),
        {
            "ballots": {"cast": 31, "valid": 30, "void": 1},
            "counts": {"for": 30, "against": 0, "abstain": 0, "not_voted": 19},
        },
    ),
    (
        "§2 setting: base present passes with more than half of those present",
        motion(times(21, "for") + times(19, "against"), present=40, threshold={"base": "present"}),
        {"required": 21, "outcome": {"passed": True}},
    ),
    (
        "§2 setting: base present, exactly half fails",
        motion(times(20, "for") + times(20, "against"), present=40, threshold={"base": "present"}),
        {"required": 21, "outcome": {"passed": False}},
    ),
    (
        "§2 setting: base cast counts valid ballots only",
        motion(times(10, "for") + times(9, "against") + times(5, VOID), threshold={"base": "cast"}),
        {
            "ballots": {"cast": 24, "valid": 19, "void": 5},
            "required": 10,
            "outcome": {"passed": True},
        },
    ),
    (
        "§2 setting: at least 2/3 includes the bound",
        motion(times(36, "for"), threshold={"rule": "at_least", "fraction": "2/3"}),
        {"required": 36, "outcome": {"passed": True}},
    ),
    (
        "§2 setting: at least 2/3, one short fails",
        motion(times(35, "for"), threshold={"rule": "at_least", "fraction": "2/3"}),
        {"required": 36, "outcome": {"passed": False}},
    ),
    (
        "§2 setting: more than 2/3 excludes the bound",
        motion(times(36, "for"), threshold={"rule": "more_than", "fraction": "2/3"}),
        {"required": 37, "outcome": {"passed": False}},
    ),
    (
        "§2 a motion round with more ballots than issued is invalid",
        motion(times(11, "for"), issued=10),
        {"round_valid": False, "outcome": None},
    ),
    # §3 Elections
    (
        "§3 elected iff more than half of all seated deputies",
        election(times(28, vote("c1")) + times(22, vote("c2"))),
        {"required": 28, "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 exactly half of seated deputies is not elected",
        election(times(27, vote("c1")) + times(23, vote("c2"))),
        {"outcome": ELECTED_NOBODY_ONE_SEAT},
    ),
    (
        "§3 a majority of valid ballots is not enough",
        election(times(27, vote("c1")) + times(13, vote("c2"))),
        {"ballots": {"cast": 40, "valid": 40, "void": 0}, "outcome": ELECTED_NOBODY_ONE_SEAT},
    ),
    (
        "§3 the one-third rule of direct elections never applies",
        election(times(20, vote("c1")) + times(18, vote("c2")) + times(12, vote())),
        {"outcome": ELECTED_NOBODY_ONE_SEAT},
    ),
    (
        "§3 a ballot choosing more persons than seats is void",
        election([*times(30, vote("c1")), vote("c1", "c2")]),
        {
            "ballots": {"cast": 31, "valid": 30, "void": 1},
            "counts": {
                "c1": {"for": 30, "against": 0, "abstain": 0},
                "c2": {"for": 0, "against": 0, "abstain": 30},
            },
        },
    ),
    (
        "§3 for marks plus write-ins beyond the seats make a ballot void",
        election([*times(30, vote("c1")), vote("c1", against=("c2",), write_ins=["刘备"])]),
        {"ballots": {"cast": 31, "valid": 30, "void": 1}, "write_ins": {}},
    ),
    (
        "§3 a ballot choosing fewer persons than seats is valid",
        election(times(30, vote("c1")), seats=2),
        {
            "ballots": {"cast": 30, "valid": 30, "void": 0},
            "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 1},
        },
    ),
    (
        "§3 a blank ballot is valid and chooses nobody",
        election([vote()]),
        {
            "ballots": {"cast": 1, "valid": 1, "void": 0},
            "counts": {
                "c1": {"for": 0, "against": 0, "abstain": 1},
                "c2": {"for": 0, "against": 0, "abstain": 1},
            },
        },
    ),
    (
        "§3 an unmarked candidate counts as abstain",
        election([vote("c1"), vote(against=("c2",)), vote(abstain=("c1",))]),
        {
            "counts": {
                "c1": {"for": 1, "against": 0, "abstain": 2},
                "c2": {"for": 0, "against": 1, "abstain": 2},
            }
        },
    ),
    (
        "§3 void ballots declared by tellers",
        election(times(30, vote("c1")) + times(2, VOID)),
        {
            "ballots": {"cast": 32, "valid": 30, "void": 2},
            "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
        },
    ),
    (
        "§3 counted over valid ballots only",
        election(times(28, vote("c2")) + times(20, vote("c1", "c2"))),
        {
            "counts": {
                "c1": {"for": 0, "against": 0, "abstain": 28},
                "c2": {"for": 28, "against": 0, "abstain": 0},
            },
            "outcome": {"elected": ["c2"], "runoff": None, "unfilled": 0},
        },
    ),
    (
        "§3 a round with more ballots than issued is invalid",
        election(times(4, vote("c1")), electorate=5, issued=3),
        {
            "round_valid": False,
            "ballots": {"cast": 4, "valid": 4, "void": 0},
            "counts": {
                "c1": {"for": 4, "against": 0, "abstain": 0},
                "c2": {"for": 0, "against": 0, "abstain": 4},
            },
            "outcome": None,
        },
    ),
    (
        "§3 a round with as many ballots as issued is valid",
        election(times(30, vote("c1")), issued=30),
        {"round_valid": True, "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 too many qualify: the highest vote-getters take the seats",
        election(
            times(20, vote("c1", "c2"))
            + times(16, vote("c2", "c3"))
            + times(14, vote("c1", "c3"))
            + times(4, vote("c2")),
            seats=2,
            ids=("c1", "c2", "c3"),
        ),
        {"outcome": {"elected": ["c2", "c1"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 a tie across the last seat goes to a runoff, those ahead are elected",
        election(
            times(4, vote("c1", "c2")) + times(4, vote("c1", "c3")) + times(2, vote("c2", "c3")),
            electorate=10,
            seats=2,
            ids=("c1", "c2", "c3"),
        ),
        {
            "required": 6,
            "outcome": {
                "elected": ["c1"],
                "runoff": {"candidates": ["c2", "c3"], "seats": 1},
                "unfilled": 0,
            },
        },
    ),
    (
        "§3 a tie for every seat: runoff among all tied for all seats",
        election(
            times(3, vote("c1", "c2")) + times(3, vote("c1", "c3")) + times(3, vote("c2", "c3")),
            electorate=10,
            seats=2,
            ids=("c1", "c2", "c3"),
        ),
        {
            "outcome": {
                "elected": [],
                "runoff": {"candidates": ["c1", "c2", "c3"], "seats": 2},
                "unfilled": 0,
            }
        },
    ),
    (
        "§3 a tie within the seats elects all tied, in list order",
        election(
            times(6, vote("c2", "c1")) + times(3, vote("c3")),
            electorate=10,
            seats=2,
            ids=("c1", "c2", "c3"),
        ),
        {"outcome": {"elected": ["c1", "c2"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 a tie below the threshold is no runoff: the seat is unfilled",
        election(
            times(4, vote("c1", "c2")) + times(3, vote("c1", "c3")) + [vote("c3")],
            electorate=10,
            seats=2,
            ids=("c1", "c2", "c3"),
        ),
        {"outcome": {"elected": ["c1"], "runoff": None, "unfilled": 1}},
    ),
    (
        "§3 as many qualify as there are seats: all elected",
        election(
            times(30, vote("c1", "c2")) + times(20, vote("c3")), seats=2, ids=("c1", "c2", "c3")
        ),
        {"outcome": {"elected": ["c1", "c2"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 shortfall: one seat filled, one unfilled",
        election(times(30, vote("c1")) + times(20, vote("c2")), seats=2, ids=("c1", "c2", "c3")),
        {"outcome": {"elected": ["c1"], "runoff": None, "unfilled": 1}},
    ),
    (
        "§3 nobody qualifies: every seat unfilled",
        election(times(25, vote("c1", "c2")), seats=2, ids=("c1", "c2", "c3")),
        {"outcome": {"elected": [], "runoff": None, "unfilled": 2}},
    ),
    (
        "§3 等额 election: a single candidate for one seat is elected",
        election(times(40, vote("c1")) + times(10, vote(against=("c1",))), ids=("c1",)),
        {
            "counts": {"c1": {"for": 40, "against": 10, "abstain": 0}},
            "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
        },
    ),
    (
        "§3 等额 election: a single candidate without a majority is not elected",
        election(times(20, vote("c1")) + times(30, vote(against=("c1",))), ids=("c1",)),
        {"outcome": ELECTED_NOBODY_ONE_SEAT},
    ),
    (
        "§3 write-ins are counted",
        election(times(30, vote("c1")) + times(5, vote(against=("c1",), write_ins=["刘备"]))),
        {
            "write_ins": {"刘备": 5},
            "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
        },
    ),
    (
        "§3 a write-in naming a listed candidate by name is ignored",
        election(times(30, vote("c1", write_ins=["李四"]))),
        {
            "ballots": {"cast": 30, "valid": 30, "void": 0},
            "counts": {
                "c1": {"for": 30, "against": 0, "abstain": 0},
                "c2": {"for": 0, "against": 0, "abstain": 30},
            },
            "write_ins": {},
        },
    ),
    (
        "§3 a write-in naming a listed candidate by id is ignored",
        election([vote("c1", write_ins=["c2"])]),
        {"ballots": {"cast": 1, "valid": 1, "void": 0}, "write_ins": {}},
    ),
    (
        "§3 a write-in is the name without surrounding whitespace",
        election(
            [
                vote(against=("c1",), write_ins=[" 刘备 "]),
                vote(against=("c1",), write_ins=["刘备\n"]),
            ]
        ),
        {"write_ins": {"刘备": 2}},
    ),
    (
        "§3 the same write-in twice on one ballot counts once",
        election([vote(against=("c1", "c2"), write_ins=["刘备", "刘备"])], seats=2),
        {"ballots": {"cast": 1, "valid": 1, "void": 0}, "write_ins": {"刘备": 1}},
    ),
    (
        "§3 a write-in meeting the threshold is elected by the written name",
        election(times(30, vote(against=("c1", "c2"), write_ins=["刘备"]))),
        {"outcome": {"elected": ["刘备"], "runoff": None, "unfilled": 0}},
    ),
    (
        "§3 on equal votes listed candidates come before write-ins, write-ins by code point",
        election(
            times(5, vote("c2"))
            + times(5, vote(against=("c1",), write_ins=["刘备"]))
            + times(5, vote(against=("c1",), write_ins=["关羽"])),
            threshold={"base": "cast", "rule": "at_least", "fraction": "1/3"},
        ),
        {
            "outcome": {
                "elected": [],
                "runoff": {"candidates": ["c2", "关羽", "刘备"], "seats": 1},
                "unfilled": 0,
            }
        },
    ),
    # §4 Livelihood projects
    (
        "§4 choose: a ballot choosing more projects than seats is void",
        selection(
            [*times(30, choose("p1", "p2")), choose("p1", "p2", "p3")],
            seats=2,
            ids=("p1", "p2", "p3"),
        ),
        {
            "ballots": {"cast": 31, "valid": 30, "void": 1},
            "counts": {"p1": {"for": 30}, "p2": {"for": 30}, "p3": {"for": 0}},
        },
    ),
    (
        "§4 choose: fewer projects than seats is valid",
        selection([choose("p1"), choose()], seats=2, ids=("p1", "p2", "p3")),
        {
            "ballots": {"cast": 2, "valid": 2, "void": 0},
            "counts": {"p1": {"for": 1}, "p2": {"for": 0}, "p3": {"for": 0}},
        },
    ),
    (
        "§4 choose: projects meeting the threshold, then the top N by votes",
        selection(
            times(4, choose("p1", "p2", "p3"))
            + times(3, choose("p1", "p2", "p4"))
            + times(2, choose("p1", "p3", "p4"))
            + [choose("p2", "p3", "p4")],
            electorate=10,
            seats=3,
            ids=("p1", "p2", "p3", "p4"),
        ),
        {
            "counts": {"p1": {"for": 9}, "p2": {"for": 8}, "p3": {"for": 7}, "p4": {"for": 6}},
            "outcome": {"elected": ["p1", "p2", "p3"], "runoff": None, "unfilled": 0},
        },
    ),
    (
        "§4 choose: a tie at the cut-off goes to a runoff",
        selection(
            times(4, choose("p1", "p2"))
            + times(4, choose("p1", "p3"))
            + times(2, choose("p2", "p3")),
            electorate=10,
            seats=2,
            ids=("p1", "p2", "p3"),
        ),
        {
            "outcome": {
                "elected": ["p1"],
                "runoff": {"candidates": ["p2", "p3"], "seats": 1},
                "unfilled": 0,
            }
        },
    ),
    (
        "§4 choose: too few adopted leaves places unfilled",
        selection(times(30, choose("p1")), seats=2, ids=("p1", "p2", "p3")),
        {"outcome": {"elected": ["p1"], "runoff": None, "unfilled": 1}},
    ),
    (
        "§4 each: unmarked projects count as abstain, adoption by for votes",
        selection(
            times(30, vote("p1", against=("p2",))) + times(5, vote("p2")),
            seats=2,
            ids=("p1", "p2"),
            form="each",
        ),
        {
            "counts": {
                "p1": {"for": 30, "against": 0, "abstain": 5},
                "p2": {"for": 5, "against": 30, "abstain": 0},
            },
            "outcome": {"elected": ["p1"], "runoff": None, "unfilled": 1},
        },
    ),
    (
        "§4 a round with more ballots than issued is invalid",
        selection(times(3, choose("p1")), seats=1, ids=("p1", "p2"), issued=2),
        {"round_valid": False, "outcome": None, "counts": {"p1": {"for": 3}, "p2": {"for": 0}}},
    ),
    (
        "§4 void ballots declared by tellers",
        selection([VOID, choose("p1")], seats=1, ids=("p1", "p2")),
        {"ballots": {"cast": 2, "valid": 1, "void": 1}},
    ),
    # §5 Satisfaction evaluation
    (
        "§5 satisfied iff more than half of all seated deputies rate satisfied",
        evaluation(rated(s1=sat(28) + dis(22))),
        {"required": 28, "outcome": {"ratings": {"s1": "satisfied"}, "ranking": ["s1"]}},
    ),
    (
        "§5 exactly half satisfied is only basically satisfied",
        evaluation(rated(s1=sat(27) + basic(1))),
        {"outcome": {"ratings": {"s1": "basically_satisfied"}, "ranking": ["s1"]}},
    ),
    (
        "§5 basically satisfied iff satisfied + basically is more than half",
        evaluation(rated(s1=sat(20) + basic(8) + dis(22))),
        {"outcome": {"ratings": {"s1": "basically_satisfied"}, "ranking": ["s1"]}},
    ),
    (
        "§5 exactly half satisfied + basically is dissatisfied",
        evaluation(rated(s1=sat(20) + basic(7) + dis(23))),
        {
            "counts": {"s1": {"satisfied": 20, "basically_satisfied": 7, "dissatisfied": 23}},
            "outcome": {"ratings": {"s1": "dissatisfied"}, "ranking": ["s1"]},
        },
    ),
    (
        "§5 an unrated subject is not counted for it",
        evaluation(rated(s1=sat(30), s2=unrated(28) + basic(2)), ids=("s1", "s2")),
        {
            "ballots": {"cast": 30, "valid": 30, "void": 0},
            "counts": {
                "s1": {"satisfied": 30, "basically_satisfied": 0, "dissatisfied": 0},
                "s2": {"satisfied": 0, "basically_satisfied": 2, "dissatisfied": 0},
            },
            "outcome": {
                "ratings": {"s1": "satisfied", "s2": "dissatisfied"},
                "ranking": ["s1", "s2"],
            },
        },
    ),
    (
        "§5 ranking by satisfied, then satisfied + basically, then list order",
        evaluation(
            rated(
                s1=sat(30) + basic(5) + dis(5),
                s2=sat(30) + basic(10),
                s3=sat(35) + dis(5),
                s4=sat(30) + basic(10),
            ),
            ids=("s1", "s2", "s3", "s4"),
        ),
        {
            "outcome": {
                "ratings": {
                    "s1": "satisfied",
                    "s2": "satisfied",
                    "s3": "satisfied",
                    "s4": "satisfied",
                },
                "ranking": ["s3", "s2", "s4", "s1"],
            }
        },
    ),
    (
        "§5 custom levels: the best level whose ballots at or above it meet the threshold",
        evaluation(
            rated(s1=["优秀"] * 3 + ["良好"] * 3 + ["差"] * 4, s2=["一般"] * 10),
            ids=("s1", "s2"),
            electorate=10,
            levels=["优秀", "良好", "一般", "差"],
        ),
        {
            "counts": {
                "s1": {"优秀": 3, "良好": 3, "一般": 0, "差": 4},
                "s2": {"优秀": 0, "良好": 0, "一般": 10, "差": 0},
            },
            "outcome": {"ratings": {"s1": "良好", "s2": "一般"}, "ranking": ["s1", "s2"]},
        },
    ),
    (
        "§5 the threshold setting applies: base cast",
        evaluation(rated(s1=sat(6) + dis(4)), threshold={"base": "cast"}),
        {"required": 6, "outcome": {"ratings": {"s1": "satisfied"}, "ranking": ["s1"]}},
    ),
    (
        "§5 void ballots declared by tellers",
        evaluation([VOID, *rated(s1=sat(1))]),
        {"ballots": {"cast": 2, "valid": 1, "void": 1}},
    ),
]


@pytest.mark.parametrize(
    ("document", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(document: dict[str, Any], expected: dict[str, Any]) -> None:
    result = tally(document)
    assert {key: result[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("present", "electorate", "met"),
    [
        pytest.param(36, 54, True, id="§1 54 seated: 36 present is a quorum"),
        pytest.param(35, 54, False, id="§1 54 seated: 35 present is not"),
        pytest.param(2, 3, True, id="§1 two thirds exactly is a quorum"),
        pytest.param(107, 160, True, id="§1 160 seated: 107 present is a quorum"),
        pytest.param(106, 160, False, id="§1 160 seated: 106 present is not"),
        pytest.param(2000, 3000, True, id="§1 3000 seated: 2000 present is a quorum"),
        pytest.param(1999, 3000, False, id="§1 3000 seated: 1999 present is not"),
    ],
)
def test_quorum(present: int, electorate: int, met: bool) -> None:
    assert quorum_met(present, electorate) is met


def test_write_ins_only_where_enabled() -> None:
    """§3 write-ins: a poll may disable them; a ballot carrying them is then an input error."""
    doc = election([vote("c1", write_ins=["刘备"])], write_ins=False)
    with pytest.raises(InputError) as caught:
        tally(doc)
    assert str(caught.value) == "ballots[0].write_ins: write-ins are not allowed in this poll"


def test_write_ins_default_enabled() -> None:
    """§3 write-ins: allowed by default in elections."""
    doc = election([vote(against=("c1",), write_ins=["刘备"])])
    assert tally(doc)["write_ins"] == {"刘备": 1}


def test_full_result_object() -> None:
    """tally-format: every field present, zeros and nulls included."""
    doc = election(
        [
            *times(30, vote("c1", against=("c2",))),
            vote("c1", "c2"),
            VOID,
            vote(against=("c2",), write_ins=["刘备"]),
        ],
        present=50,
        issued=50,
        seats=1,
    )
    assert tally(doc) == {
        "kind": "election",
        "electorate": 54,
        "present": 50,
        "issued": 50,
        "quorum_met": True,
        "round_valid": True,
        "ballots": {"cast": 33, "valid": 31, "void": 2},
        "required": 28,
        "counts": {
            "c1": {"for": 30, "against": 0, "abstain": 1},
            "c2": {"for": 0, "against": 31, "abstain": 0},
        },
        "write_ins": {"刘备": 1},
        "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
    }
