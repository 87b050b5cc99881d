"""Election rounds (domain-rules §3 "Rounds"): candidate counts per round type, plurality runoffs,
and the next round derived from a result."""

from __future__ import annotations

from typing import Any

import pytest

from ballots import (
    CandidateCountError,
    InputError,
    check_candidates,
    further_from,
    parse_poll,
    runoff_from,
    tally,
)
from tests.ballots.builders import candidates, election, times, vote

HEAD = {"office": "head"}
DEPUTY_2 = {"office": "deputy", "extra": 2}


def poll(ids: tuple[str, ...], seats: int, round_type: str | None = None, **more: Any):
    definition: dict[str, Any] = {
        "kind": "election",
        "electorate": 54,
        "seats": seats,
        "candidates": candidates(*ids),
        **more,
    }
    if round_type is not None:
        definition["round"] = {"type": round_type}
    return definition


# --- candidate counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "rule"),
    [
        pytest.param(poll(("c1", "c2"), 1), HEAD, id="组织法 Art 27 head: 2 for 1 (差额)"),
        pytest.param(poll(("c1",), 1), HEAD, id="组织法 Art 27 head: 1 for 1 (等额)"),
        pytest.param(poll(("c1", "c2", "c3", "c4"), 2), DEPUTY_2, id="组织法 Art 27 deputy: 2+2"),
        pytest.param(poll(("c1", "c2"), 1), None, id="组织法 Art 27 no office rule: 2 for 1"),
        pytest.param(
            poll(("c2", "c3"), 1, "runoff"), DEPUTY_2, id="组织法 Art 29 runoff: 2 tied for 1"
        ),
        pytest.param(
            poll(("c1", "c2", "c3"), 1, "runoff"), HEAD, id="组织法 Art 29 runoff: 3 tied for 1"
        ),
        pytest.param(
            poll(("c1", "c2", "c3"), 2, "runoff"), None, id="组织法 Art 29 runoff: 3 tied for 2"
        ),
        pytest.param(
            poll(("c1",), 1, "by_election"), DEPUTY_2, id="组织法 Art 30 by-election: 1 for 1"
        ),
        pytest.param(
            poll(("c1", "c2", "c3"), 1, "by_election"),
            HEAD,
            id="组织法 Art 30 by-election: 3 for 1",
        ),
        pytest.param(
            poll(("c1", "c2", "c3"), 1, "further"), DEPUTY_2, id="组织法 Art 29 ¶3 further: 1+2"
        ),
        pytest.param({"kind": "motion", "electorate": 54}, HEAD, id="a motion has no candidates"),
    ],
)
def test_lawful_candidate_counts_pass(definition: dict[str, Any], rule: Any) -> None:
    assert check_candidates(definition, rule) is None
    assert check_candidates(parse_poll(definition), rule) is None


@pytest.mark.parametrize(
    ("definition", "rule", "message"),
    [
        pytest.param(
            poll(("c1", "c2", "c3"), 1),
            HEAD,
            "poll.candidates: 选举的候选人数应为1或2名，现为3名（组织法第二十七条）"
            " / this election needs 1 or 2 candidates for 1 seat(s), got 3 (组织法 Art 27)",
            id="组织法 Art 27 head: 3 for 1 refused",
        ),
        pytest.param(
            poll(("c1", "c2", "c3"), 2),
            DEPUTY_2,
            "poll.candidates: 选举的候选人数应为4名，现为3名（组织法第二十七条）"
            " / this election needs 4 candidates for 2 seat(s), got 3 (组织法 Art 27)",
            id="组织法 Art 27 deputy: 3 for 2 with k=2 refused",
        ),
        pytest.param(
            poll(("c1",), 2),
            None,
            "poll.candidates: 选举的候选人数应为不少于2名，现为1名（组织法第二十七条）"
            " / this election needs at least 2 candidates for 2 seat(s), got 1 (组织法 Art 27)",
            id="组织法 Art 27 fewer candidates than seats refused",
        ),
        pytest.param(
            poll(("c1", "c2"), 1, "further"),
            DEPUTY_2,
            "poll.candidates: 另行选举的候选人数应为3名，现为2名（组织法第二十九条、第二十七条）"
            " / a further election needs 3 candidates for 1 seat(s), got 2"
            " (组织法 Art 29 ¶3, Art 27)",
            id="组织法 Art 29 ¶3 further election: 差额 again",
        ),
        pytest.param(
            poll(("c1",), 1, "runoff"),
            None,
            "poll.candidates: 再次投票须在票数相等的候选人中进行，候选人数应多于应选名额1名，"
            "现为1名（组织法第二十九条） / a runoff is held among the tied candidates, who must be"
            " more than the 1 seat(s), got 1 (组织法 Art 29)",
            id="组织法 Art 29 runoff: one candidate is no tie",
        ),
        pytest.param(
            poll(("c1",), 2, "by_election"),
            None,
            "poll.candidates: 补选的候选人数应不少于应选名额2名，现为1名（组织法第三十条）"
            " / a by-election needs at least as many candidates as seats (2), got 1"
            " (组织法 Art 30)",
            id="组织法 Art 30 by-election: fewer candidates than seats",
        ),
    ],
)
def test_unlawful_candidate_counts_are_refused(
    definition: dict[str, Any], rule: Any, message: str
) -> None:
    with pytest.raises(CandidateCountError) as caught:
        check_candidates(definition, rule)
    assert str(caught.value) == message
    assert caught.value.code == "candidate-count"
    assert caught.value.path == "poll.candidates"
    assert isinstance(caught.value, InputError)
    assert f"{caught.value.zh} / {caught.value.en}" == caught.value.problem


def test_unknown_office_rule_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown office rule"):
        check_candidates(poll(("c1", "c2"), 1), {"office": "deputy", "extra": 4})


# --- counting a runoff -----------------------------------------------------------------------

RUNOFF_B_C = poll(("c2", "c3"), 1, "runoff")


def test_plurality_runoff_elects_the_most_votes() -> None:
    """组织法 Art 29: 「就票数相等的人再次投票，以得票多的当选」— B 27 : C 23 of 54 elects B."""
    doc = {"poll": RUNOFF_B_C, "ballots": times(27, vote("c2")) + times(23, vote("c3"))}
    result = tally(doc)
    assert result["required"] is None
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 0}


def test_majority_runoff_needs_more_than_half_of_all_deputies() -> None:
    """组织法 Art 25/29 with round.threshold "majority": B 27 of 54 is not elected."""
    definition = dict(RUNOFF_B_C, round={"type": "runoff", "threshold": "majority"})
    result = tally({"poll": definition, "ballots": times(27, vote("c2")) + times(23, vote("c3"))})
    assert result["required"] == 28
    assert result["outcome"] == {"elected": [], "runoff": None, "unfilled": 1}


def test_plurality_runoff_tied_again_is_a_runoff_again() -> None:
    """组织法 Art 29: a tie across the last seat goes to another runoff, 0 : 0 included."""
    tied = tally({"poll": RUNOFF_B_C, "ballots": times(25, vote("c2")) + times(25, vote("c3"))})
    assert tied["outcome"] == {
        "elected": [],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }
    blank = tally({"poll": RUNOFF_B_C, "ballots": times(50, vote(abstain=("c2", "c3")))})
    assert blank["outcome"]["runoff"] == {"candidates": ["c2", "c3"], "seats": 1}


def test_plurality_runoff_for_two_seats_elects_those_ahead() -> None:
    """组织法 Art 29: three tied for two seats, 30 : 20 : 20 — A elected, B and C again."""
    definition = poll(("c1", "c2", "c3"), 2, "runoff")
    ballots = times(20, vote("c1", "c2")) + times(10, vote("c1")) + times(20, vote("c3"))
    assert tally({"poll": definition, "ballots": ballots})["outcome"] == {
        "elected": ["c1"],
        "runoff": {"candidates": ["c2", "c3"], "seats": 1},
        "unfilled": 0,
    }


def test_write_ins_in_a_runoff_are_ignored() -> None:
    """组织法 Art 29: a runoff is held among the tied only; write-ins never count there."""
    ballots = times(20, vote("c2")) + times(30, vote(against=("c2",), write_ins=["刘备"]))
    result = tally({"poll": RUNOFF_B_C, "ballots": ballots})
    assert result["write_ins"] == {}
    assert result["write_ins_ignored"] == 30
    assert result["outcome"]["elected"] == ["c2"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"write_ins": True},
            "poll.write_ins: a runoff is held among the tied candidates only and takes no"
            " write-ins (组织法 Art 29)",
        ),
        (
            {"threshold": {"fraction": "1/2"}},
            "poll.threshold: a plurality runoff has no threshold: the most votes win (组织法 Art 29);"
            ' set round.threshold to "majority" to apply one',
        ),
        (
            {"round": {"type": "second"}},
            'poll.round.type: expected "first", "runoff", "further" or "by_election", got "second"',
        ),
        ({"round": {}}, "poll.round.type: missing field"),
        ({"round": {"type": "runoff", "why": 1}}, "poll.round.why: unknown field"),
        (
            {"round": {"type": "first", "follows": "p-1"}},
            "poll.round.follows: a first round follows no earlier poll",
        ),
        (
            {"round": {"type": "further", "threshold": "plurality"}},
            'poll.round.threshold: only a runoff has a round threshold, not "further"',
        ),
        (
            {"round": {"type": "runoff", "threshold": "most"}},
            'poll.round.threshold: expected "plurality" or "majority", got "most"',
        ),
        (
            {"round": {"type": "runoff", "follows": 7}},
            "poll.round.follows: expected a non-empty string, got 7",
        ),
    ],
)
def test_round_input_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_poll({**RUNOFF_B_C, **changes})
    assert str(caught.value) == message


def test_round_is_not_a_field_of_selections() -> None:
    definition = {
        "kind": "selection",
        "electorate": 54,
        "seats": 1,
        "candidates": [{"id": "p1"}],
        "round": {"type": "runoff"},
    }
    with pytest.raises(InputError) as caught:
        parse_poll(definition)
    assert str(caught.value) == 'poll.round: not a field of kind "selection"'


@pytest.mark.parametrize("round_type", ["further", "by_election"])
def test_further_and_by_elections_need_more_than_half_of_all_deputies(round_type: str) -> None:
    """组织法 Art 25 (Art 29 ¶3, Art 30): B 27 of 54 is not elected, 28 is."""
    definition = poll(("c1",), 1, round_type)
    short = tally({"poll": definition, "ballots": times(27, vote("c1"))})
    assert short["required"] == 28
    assert short["outcome"] == {"elected": [], "runoff": None, "unfilled": 1}
    enough = tally({"poll": definition, "ballots": times(28, vote("c1"))})
    assert enough["outcome"] == {"elected": ["c1"], "runoff": None, "unfilled": 0}


# --- the next round --------------------------------------------------------------------------


FIRST = poll(("c1", "c2", "c3"), 2, title="选举副镇长", present=50, write_ins=True)


def test_runoff_from_a_tie_across_the_last_seat() -> None:
    """组织法 Art 29: candidates exactly the tied set, seats the remaining ones, no write-ins."""
    ballots = times(10, vote("c1", "c2")) + times(20, vote("c1", "c3"))
    ballots += times(20, vote("c2", "c3"))
    result = tally({"poll": FIRST, "ballots": ballots})
    assert result["outcome"] == {
        "elected": ["c3"],
        "runoff": {"candidates": ["c1", "c2"], "seats": 1},
        "unfilled": 0,
    }
    runoff = runoff_from(FIRST, result, follows="p-3")
    assert runoff == {
        "kind": "election",
        "electorate": 54,
        "title": "选举副镇长",
        "seats": 1,
        "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
        "round": {"type": "runoff", "follows": "p-3", "threshold": "plurality"},
    }
    assert check_candidates(runoff, DEPUTY_2) is None


def test_runoff_from_keeps_a_majority_setting_and_takes_write_in_names() -> None:
    """A tied write-in name becomes a candidate by that name; a majority runoff stays one."""
    definition = poll(("c1", "c2"), 1, threshold={"base": "cast", "rule": "at_least"})
    ballots = times(5, vote("c1")) + times(5, vote(against=("c2",), write_ins={"c2": "刘备"}))
    result = tally({"poll": definition, "ballots": ballots})
    assert result["outcome"]["runoff"] == {"candidates": ["c1", "刘备"], "seats": 1}
    runoff = runoff_from(definition, result, threshold="majority")
    assert runoff["candidates"] == [{"id": "c1", "name": "张三"}, {"id": "刘备", "name": "刘备"}]
    assert runoff["threshold"] == {"base": "cast", "rule": "at_least"}
    assert runoff["round"] == {"type": "runoff", "threshold": "majority"}
    tied_again = tally({"poll": runoff, "ballots": times(4, vote("c1")) + times(4, vote("刘备"))})
    again = runoff_from(runoff, tied_again)
    assert again["round"] == {"type": "runoff", "threshold": "majority"}


def test_runoff_from_a_result_without_a_tie_is_refused() -> None:
    result = tally({"poll": FIRST, "ballots": times(30, vote("c1", "c2"))})
    with pytest.raises(InputError) as caught:
        runoff_from(FIRST, result)
    assert str(caught.value) == "result.outcome.runoff: no tie across the last seat: no runoff"


def test_further_from_unfilled_seats() -> None:
    """组织法 Art 29 ¶3: the unfilled seats; by default the others in vote order."""
    ballots = times(30, vote("c2")) + times(10, vote("c3")) + times(5, vote("c1"))
    result = tally({"poll": FIRST, "ballots": ballots})
    assert result["outcome"] == {"elected": ["c2"], "runoff": None, "unfilled": 1}
    further = further_from(FIRST, result, follows="p-3")
    assert further == {
        "kind": "election",
        "electorate": 54,
        "title": "选举副镇长",
        "write_ins": True,
        "seats": 1,
        "candidates": [{"id": "c3", "name": "王五"}, {"id": "c1", "name": "张三"}],
        "round": {"type": "further", "follows": "p-3"},
    }
    nominated = further_from(FIRST, result, candidates=[{"id": "n1", "name": "钱八"}])
    assert nominated["candidates"] == [{"id": "n1", "name": "钱八"}]
    assert nominated["round"] == {"type": "further"}


def test_further_from_a_filled_result_is_refused() -> None:
    result = tally({"poll": FIRST, "ballots": times(30, vote("c1", "c2"))})
    with pytest.raises(InputError) as caught:
        further_from(FIRST, result)
    assert str(caught.value) == (
        "result.outcome.unfilled: no seat is unfilled: no further election"
    )


def test_no_next_round_from_an_invalid_round() -> None:
    """选举法 Art 44: more ballots cast than issued — the round is held again, not followed."""
    definition = {**FIRST, "issued": 1}
    result = tally({"poll": definition, "ballots": times(2, vote("c1"))})
    assert result["outcome"] is None
    with pytest.raises(InputError) as caught:
        further_from(definition, result)
    assert str(caught.value) == (
        "result.outcome: the round is invalid (more ballots cast than issued):"
        " hold it again (选举法 Art 44)"
    )


def test_election_builder_rounds_trip_through_tally() -> None:
    """The builders' election with a round counts like any other election."""
    doc = election(times(28, vote("c1")), round={"type": "by_election", "follows": "p-1"})
    assert tally(doc)["outcome"] == {"elected": ["c1"], "runoff": None, "unfilled": 0}
