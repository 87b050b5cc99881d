"""Malformed input is an input error naming the exact JSON path, never a silent void ballot."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ballots import BallotsError, InputError, parse_poll, tally
from tests.ballots.builders import VOID, choose, document, election, evaluation, selection, vote


def poll_with(**changes: Any) -> dict[str, Any]:
    """A valid election poll with fields changed (``None`` removes a field)."""
    poll: dict[str, Any] = {
        "kind": "election",
        "electorate": 54,
        "seats": 1,
        "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
    }
    for key, value in changes.items():
        if value is None:
            poll.pop(key, None)
        else:
            poll[key] = value
    return poll


def candidate_with(**fields: Any) -> dict[str, Any]:
    return poll_with(candidates=[{"id": "c1", **fields}])


POLL_ERRORS: list[tuple[str, Any, str]] = [
    ("not an object", [], "poll: expected an object, got a list"),
    ("kind missing", poll_with(kind=None), "poll.kind: missing field"),
    (
        "kind unknown",
        poll_with(kind="vote"),
        'poll.kind: expected "motion", "election", "selection" or "evaluation", got "vote"',
    ),
    ("unknown field", poll_with(foo=1), "poll.foo: unknown field"),
    ("field of another kind", poll_with(form="each"), 'poll.form: not a field of kind "election"'),
    (
        "motion with seats",
        {"kind": "motion", "electorate": 5, "seats": 1},
        'poll.seats: not a field of kind "motion"',
    ),
    ("title not a string", poll_with(title=3), "poll.title: expected a non-empty string, got 3"),
    ("electorate missing", poll_with(electorate=None), "poll.electorate: missing field"),
    (
        "electorate zero",
        poll_with(electorate=0),
        "poll.electorate: expected a positive integer, got 0",
    ),
    (
        "electorate a boolean",
        poll_with(electorate=True),
        "poll.electorate: expected a positive integer, got true",
    ),
    (
        "electorate a string",
        poll_with(electorate="54"),
        'poll.electorate: expected a positive integer, got "54"',
    ),
    (
        "electorate a float",
        poll_with(electorate=54.0),
        "poll.electorate: expected a positive integer, got 54.0",
    ),
    (
        "present negative",
        poll_with(present=-1),
        "poll.present: expected a non-negative integer, got -1",
    ),
    (
        "present above electorate",
        poll_with(present=55),
        "poll.present: must not exceed electorate (54), got 55",
    ),
    (
        "issued above electorate",
        poll_with(issued=60),
        "poll.issued: must not exceed electorate (54), got 60",
    ),
    (
        "issued a boolean",
        poll_with(issued=False),
        "poll.issued: expected a non-negative integer, got false",
    ),
    (
        "threshold not an object",
        poll_with(threshold="1/2"),
        'poll.threshold: expected an object, got "1/2"',
    ),
    (
        "threshold unknown field",
        poll_with(threshold={"min": 1}),
        "poll.threshold.min: unknown field",
    ),
    (
        "threshold base unknown",
        poll_with(threshold={"base": "voters"}),
        'poll.threshold.base: expected "electorate", "present" or "cast", got "voters"',
    ),
    (
        "threshold base present without present",
        poll_with(threshold={"base": "present"}),
        'poll.threshold.base: base "present" needs poll.present',
    ),
    (
        "threshold rule unknown",
        poll_with(threshold={"rule": "majority"}),
        'poll.threshold.rule: expected "more_than" or "at_least", got "majority"',
    ),
    (
        "fraction above one",
        poll_with(threshold={"fraction": "3/2"}),
        'poll.threshold.fraction: expected "p/q" with whole numbers 0 < p ≤ q, got "3/2"',
    ),
    (
        "fraction zero",
        poll_with(threshold={"fraction": "0/2"}),
        'poll.threshold.fraction: expected "p/q" with whole numbers 0 < p ≤ q, got "0/2"',
    ),
    (
        "fraction over zero",
        poll_with(threshold={"fraction": "1/0"}),
        'poll.threshold.fraction: expected "p/q" with whole numbers 0 < p ≤ q, got "1/0"',
    ),
    (
        "fraction with spaces",
        poll_with(threshold={"fraction": "1 / 2"}),
        'poll.threshold.fraction: expected "p/q" with whole numbers 0 < p ≤ q, got "1 / 2"',
    ),
    (
        "fraction a number",
        poll_with(threshold={"fraction": 0.5}),
        'poll.threshold.fraction: expected "p/q" with whole numbers 0 < p ≤ q, got 0.5',
    ),
    ("seats missing", poll_with(seats=None), "poll.seats: missing field"),
    ("seats zero", poll_with(seats=0), "poll.seats: expected a positive integer, got 0"),
    (
        "selection seats above projects",
        {"kind": "selection", "electorate": 9, "seats": 2, "candidates": [{"id": "p1"}]},
        "poll.seats: must not exceed the number of projects (1), got 2",
    ),
    ("candidates missing", poll_with(candidates=None), "poll.candidates: missing field"),
    (
        "candidates empty",
        poll_with(candidates=[]),
        "poll.candidates: expected at least one candidate",
    ),
    (
        "candidate not an object",
        poll_with(candidates=["c1"]),
        'poll.candidates[0]: expected an object, got "c1"',
    ),
    (
        "candidate id missing",
        poll_with(candidates=[{"name": "张三"}]),
        "poll.candidates[0].id: missing field",
    ),
    (
        "candidate id empty",
        poll_with(candidates=[{"id": ""}]),
        'poll.candidates[0].id: expected a non-empty string, got ""',
    ),
    (
        "candidate id duplicate",
        poll_with(candidates=[{"id": "c1"}, {"id": "c1"}]),
        'poll.candidates[1].id: duplicate candidate id "c1"',
    ),
    (
        "candidate unknown field",
        candidate_with(photo="x.jpg"),
        "poll.candidates[0].photo: unknown field",
    ),
    (
        "candidate budget not an integer",
        candidate_with(budget_wan=1.5),
        "poll.candidates[0].budget_wan: expected a non-negative integer, got 1.5",
    ),
    (
        "candidate name empty",
        candidate_with(name=""),
        'poll.candidates[0].name: expected a non-empty string, got ""',
    ),
    (
        "write_ins not a boolean",
        poll_with(write_ins="yes"),
        'poll.write_ins: expected true or false, got "yes"',
    ),
    (
        "form unknown",
        {
            "kind": "selection",
            "electorate": 9,
            "seats": 1,
            "candidates": [{"id": "p1"}],
            "form": "pick",
        },
        'poll.form: expected "choose" or "each", got "pick"',
    ),
    (
        "subject id duplicate",
        {"kind": "evaluation", "electorate": 9, "subjects": [{"id": "s1"}, {"id": "s1"}]},
        'poll.subjects[1].id: duplicate subject id "s1"',
    ),
    (
        "levels empty",
        {"kind": "evaluation", "electorate": 9, "subjects": [{"id": "s1"}], "levels": []},
        "poll.levels: expected at least one level",
    ),
    (
        "levels duplicate",
        {"kind": "evaluation", "electorate": 9, "subjects": [{"id": "s1"}], "levels": ["好", "好"]},
        'poll.levels[1]: duplicate level "好"',
    ),
    (
        "level not a string",
        {"kind": "evaluation", "electorate": 9, "subjects": [{"id": "s1"}], "levels": [1]},
        "poll.levels[0]: expected a non-empty string, got 1",
    ),
]


@pytest.mark.parametrize(
    ("poll", "message"), [c[1:] for c in POLL_ERRORS], ids=[c[0] for c in POLL_ERRORS]
)
def test_poll_errors(poll: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_poll(poll)
    assert str(caught.value) == message


ELECTION = election([], seats=1)
SELECTION = selection([], seats=2, ids=("p1", "p2", "p3"))
EACH = selection([], seats=2, ids=("p1", "p2"), form="each")
MOTION = document("motion", [])
EVALUATION = evaluation([], ids=("s1", "s2"))

BALLOT_ERRORS: list[tuple[str, dict[str, Any], list[Any], str]] = [
    (
        "unknown candidate",
        ELECTION,
        [vote("c1"), vote(), vote("c9")],
        'ballots[2].marks.c9: unknown candidate "c9"',
    ),
    (
        "unknown candidate with a key that is not a plain name",
        ELECTION,
        [{"marks": {"c-9": "for"}}],
        'ballots[0].marks["c-9"]: unknown candidate "c-9"',
    ),
    (
        "unknown mark",
        ELECTION,
        [{"marks": {"c1": "yes"}}],
        'ballots[0].marks.c1: unknown mark "yes" (expected "for", "against" or "abstain")',
    ),
    (
        "mark not a string",
        ELECTION,
        [{"marks": {"c1": ["for"]}}],
        'ballots[0].marks.c1: unknown mark a list (expected "for", "against" or "abstain")',
    ),
    (
        "unknown candidate on an over-voted ballot is still an error",
        ELECTION,
        [vote("c1", "c2", "c9")],
        'ballots[0].marks.c9: unknown candidate "c9"',
    ),
    (
        "election ballot not an object",
        ELECTION,
        ["for"],
        'ballots[0]: expected an object, got "for"',
    ),
    ("marks missing", ELECTION, [{"write_ins": []}], "ballots[0].marks: missing field"),
    (
        "marks not an object",
        ELECTION,
        [{"marks": ["c1"]}],
        "ballots[0].marks: expected an object, got a list",
    ),
    (
        "unknown ballot field",
        ELECTION,
        [{"marks": {}, "note": "x"}],
        "ballots[0].note: unknown field",
    ),
    (
        "write-in with a zero-width space (代表法 Art 17: a name, not an invisible variant)",
        ELECTION,
        [vote(against=("c1",), write_ins=["刘备", "张三\u200b"])],
        "ballots[0].write_ins[1]: control or format character U+200B in a name"
        " (names may not contain invisible characters)",
    ),
    (
        "keyed write-in with a bidi mark",
        ELECTION,
        [vote(against=("c1",), write_ins={"c1": "\u202e刘备"})],
        "ballots[0].write_ins.c1: control or format character U+202E in a name"
        " (names may not contain invisible characters)",
    ),
    (
        "keyed write-in by an unknown candidate",
        ELECTION,
        [vote(against=("c1",), write_ins={"c9": "刘备"})],
        'ballots[0].write_ins.c9: unknown candidate "c9"',
    ),
    (
        "write-in too long",
        ELECTION,
        [vote(against=("c1",), write_ins=["刘" * 33])],
        "ballots[0].write_ins[0]: a name has at most 32 characters, got 33",
    ),
    (
        "write-in not a string",
        ELECTION,
        [vote(write_ins=[5])],
        "ballots[0].write_ins[0]: expected a string, got 5",
    ),
    (
        "write-ins not a list",
        ELECTION,
        [{"marks": {}, "write_ins": "刘备"}],
        "ballots[0].write_ins: expected a list of names or an object of candidate id → name,"
        ' got "刘备"',
    ),
    ("void not true", ELECTION, [{"void": False}], "ballots[0].void: expected true, got false"),
    (
        "void with marks",
        ELECTION,
        [{"void": True, "marks": {"c1": "for"}}],
        "ballots[0].marks: a void ballot has no other fields",
    ),
    (
        "motion choice unknown",
        MOTION,
        ["for", "yes"],
        'ballots[1]: expected "for", "against", "abstain" or {"void": true}, got "yes"',
    ),
    (
        "motion choice an object",
        MOTION,
        [{"choice": "for"}],
        'ballots[0]: expected "for", "against", "abstain" or {"void": true}, got an object',
    ),
    ("motion void not true", MOTION, [{"void": 1}], "ballots[0].void: expected true, got 1"),
    (
        "unknown project",
        SELECTION,
        [choose("p1", "p9")],
        'ballots[0].chosen[1]: unknown project "p9"',
    ),
    (
        "project chosen twice",
        SELECTION,
        [choose("p1", "p1")],
        'ballots[0].chosen[1]: project "p1" chosen twice',
    ),
    (
        "project not a string",
        SELECTION,
        [{"chosen": [1]}],
        "ballots[0].chosen[0]: expected a project id, got 1",
    ),
    (
        "project unhashable",
        SELECTION,
        [{"chosen": [["p1"]]}],
        "ballots[0].chosen[0]: expected a project id, got a list",
    ),
    ("chosen missing", SELECTION, [{}], "ballots[0].chosen: missing field"),
    (
        "chosen not a list",
        SELECTION,
        [{"chosen": "p1"}],
        'ballots[0].chosen: expected a list, got "p1"',
    ),
    ("marks on a choose ballot", SELECTION, [vote("p1")], "ballots[0].marks: unknown field"),
    (
        "unknown project on an each ballot",
        EACH,
        [vote("p9")],
        'ballots[0].marks.p9: unknown project "p9"',
    ),
    ("chosen on an each ballot", EACH, [choose("p1")], "ballots[0].chosen: unknown field"),
    (
        "unknown subject",
        EVALUATION,
        [{"ratings": {"s9": "satisfied"}}],
        'ballots[0].ratings.s9: unknown subject "s9"',
    ),
    (
        "unknown level",
        EVALUATION,
        [{"ratings": {"s1": "good"}}],
        'ballots[0].ratings.s1: unknown level "good"'
        ' (expected "satisfied", "basically_satisfied" or "dissatisfied")',
    ),
    ("ratings missing", EVALUATION, [VOID, {}], "ballots[1].ratings: missing field"),
]


@pytest.mark.parametrize(
    ("doc", "ballots", "message"), [c[1:] for c in BALLOT_ERRORS], ids=[c[0] for c in BALLOT_ERRORS]
)
def test_ballot_errors(doc: dict[str, Any], ballots: list[Any], message: str) -> None:
    doc = copy.deepcopy(doc)
    doc["ballots"] = ballots
    with pytest.raises(InputError) as caught:
        tally(doc)
    assert str(caught.value) == message


DOCUMENT_ERRORS: list[tuple[str, Any, str]] = [
    ("not an object", [], "$: expected an object, got a list"),
    ("poll missing", {"ballots": []}, "poll: missing field"),
    ("ballots missing", {"poll": MOTION["poll"]}, "ballots: missing field"),
    (
        "ballots not a list",
        {"poll": MOTION["poll"], "ballots": {}},
        "ballots: expected a list, got an object",
    ),
    (
        "unknown field",
        {"poll": MOTION["poll"], "ballots": [], "result": {}},
        "result: unknown field",
    ),
]


@pytest.mark.parametrize(
    ("doc", "message"), [c[1:] for c in DOCUMENT_ERRORS], ids=[c[0] for c in DOCUMENT_ERRORS]
)
def test_document_errors(doc: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        tally(doc)
    assert str(caught.value) == message


def test_input_error_fields() -> None:
    error = InputError("ballots[17].marks.c9", 'unknown candidate "c9"')
    assert isinstance(error, BallotsError)
    assert (error.path, error.problem, error.code) == (
        "ballots[17].marks.c9",
        'unknown candidate "c9"',
        "invalid-input",
    )
    assert str(error) == 'ballots[17].marks.c9: unknown candidate "c9"'


def test_extra_fields_on_candidates_are_ignored_by_counting() -> None:
    plain = election([vote("c1")] * 30)
    rich = copy.deepcopy(plain)
    rich["poll"]["title"] = "选举镇长"
    rich["poll"]["candidates"][0] |= {"budget_wan": 120, "unit": "镇政府", "description": "简介"}
    assert tally(rich) == tally(plain)
