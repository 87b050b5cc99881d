"""Write-ins by the law (domain-rules §3) and the quorum of each body (§1 "Bodies")."""

from __future__ import annotations

from typing import Any

import pytest

from ballots import InputError, count_decrypted_write_ins, decide, parse_poll, quorum_met, tally
from tests.ballots.builders import VOID, document, election, times, vote

DEPUTIES = ["刘备", "关羽", "Zoë"]


def counted(doc: dict[str, Any]) -> tuple[dict[str, int], int]:
    """The write-in votes and the number ignored."""
    result = tally(doc)
    return result["write_ins"], result.get("write_ins_ignored", 0)


@pytest.mark.parametrize(
    ("ballots", "poll", "write_ins", "ignored"),
    [
        pytest.param(
            times(30, vote(abstain=("c1", "c2"), write_ins=["丙"])),
            {},
            {},
            30,
            id="代表法 Art 17: abstaining on every candidate allows no write-in (30 × 丙 ignored)",
        ),
        pytest.param(
            times(30, vote(against=("c1",), write_ins=["丙"])),
            {},
            {"丙": 30},
            0,
            id="代表法 Art 17: a write-in in place of a 反对 mark counts",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins={"c1": "丙"})],
            {},
            {"丙": 1},
            0,
            id="代表法 Art 17 keyed: in place of the candidate marked 反对 counts",
        ),
        pytest.param(
            [vote("c1", abstain=("c2",), write_ins={"c2": "丙"})],
            {},
            {},
            1,
            id="代表法 Art 17 keyed: in place of an abstention is ignored",
        ),
        pytest.param(
            [vote("c1", write_ins={"c1": "丙"})],
            {},
            {},
            1,
            id="代表法 Art 17 keyed: in place of a 赞成 mark is ignored",
        ),
        pytest.param(
            [vote(write_ins={"c2": "丙"})],
            {},
            {},
            1,
            id="代表法 Art 17 keyed: in place of an unmarked candidate is ignored",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["丙", "丁"])],
            {"seats": 2},
            {"丙": 1},
            1,
            id="代表法 Art 17 list: one 反对 mark lets the first write-in count",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["张三", "丙", "丁"])],
            {"seats": 2},
            {"丙": 1},
            2,
            id="代表法 Art 17 list: a listed name does not use up the 反对 mark",
        ),
        pytest.param(
            [vote(against=("c1", "c2"), write_ins=["丙", "丁"])],
            {"seats": 2},
            {"丙": 1, "丁": 1},
            0,
            id="代表法 Art 17 list: two 反对 marks, two write-ins",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["王五", " 王五"])],
            {},
            {"王五": 1},
            1,
            id="§3 the same name twice on one ballot counts once",
        ),
        pytest.param(
            [vote(against=("c1", "c2"), write_ins={"c1": "Zoë", "c2": "Zoe\u0308"})],
            {"seats": 2},
            {"Zoë": 1},
            1,
            id="§3 NFC: a decomposed spelling is the same person",
        ),
        pytest.param(
            [
                vote(against=("c1",), write_ins=["Zoe\u0308"]),
                vote(against=("c1",), write_ins=[" Zoë "]),
            ],
            {},
            {"Zoë": 2},
            0,
            id="§3 NFC and trimming: one person across ballots, counted by the NFC name",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["李四"])],
            {"candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}]},
            {},
            1,
            id="§3 a write-in naming a listed candidate is ignored",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["李四"])],
            {"candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四 "}]},
            {},
            1,
            id="§3 a listed name is compared normalised too",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["  "])],
            {},
            {},
            1,
            id="§3 a blank write-in is ignored, the ballot stays valid",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["关羽"]), vote(against=("c1",), write_ins=["曹操"])],
            {"write_in_eligible": DEPUTIES},
            {"关羽": 1},
            1,
            id="组织法 Art 18: 主席/副主席 only from among the deputies",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["曹操"])],
            {"write_in_eligible": None},
            {"曹操": 1},
            0,
            id="组织法 Art 28: 镇长/副镇长 anyone may be written in",
        ),
        pytest.param(
            [vote(against=("c1",), write_ins=["Zoë"])],
            {"write_in_eligible": ["Zoe\u0308 "]},
            {"Zoë": 1},
            0,
            id="组织法 Art 18: the eligibility list is compared normalised",
        ),
        pytest.param(
            [vote("c1", against=("c2",), write_ins=["丙", "丁"]), VOID],
            {},
            {},
            0,
            id="选举法 Art 44: a void ballot's write-ins are not reported as ignored",
        ),
    ],
)
def test_write_in_rule(
    ballots: list[Any], poll: dict[str, Any], write_ins: dict[str, int], ignored: int
) -> None:
    doc = election(ballots)
    doc["poll"].update(poll)
    assert counted(doc) == (write_ins, ignored)


def test_ignored_write_ins_never_void_a_ballot() -> None:
    """「不按规定填写的部分无效」: 赞成 for the one seat plus an ignored write-in stays valid."""
    result = tally(election([vote("c1", write_ins=["丙"])]))
    assert result["ballots"] == {"cast": 1, "valid": 1, "void": 0}
    assert result["counts"]["c1"] == {"for": 1, "against": 0, "abstain": 0}
    assert result["write_ins_ignored"] == 1


def test_counted_write_ins_beyond_the_seats_void_a_ballot() -> None:
    """选举法 Art 44: 赞成 plus counted write-ins beyond the seats — void."""
    result = tally(election([vote("c1", against=("c2",), write_ins={"c2": "丙"})]))
    assert result["ballots"] == {"cast": 1, "valid": 0, "void": 1}
    assert "write_ins_ignored" not in result


def test_a_zero_width_variant_is_an_error_never_a_person() -> None:
    """§3: "王五" and "王五\\u200b" are not two people; the second is an input error."""
    doc = election([vote(against=("c1",), write_ins=["王五\u200b"])])
    with pytest.raises(InputError) as caught:
        tally(doc)
    assert str(caught.value) == (
        "ballots[0].write_ins[0]: control or format character U+200B in a name"
        " (names may not contain invisible characters)"
    )


def test_name_length_limit_is_32_characters() -> None:
    name = "阿" * 32
    assert tally(election([vote(against=("c1",), write_ins=[name])]))["write_ins"] == {name: 1}


@pytest.mark.parametrize(
    ("eligible", "message"),
    [
        ("刘备", 'poll.write_in_eligible: expected a list, got "刘备"'),
        (["刘备", " 刘备"], 'poll.write_in_eligible[1]: duplicate name "刘备"'),
        (["  "], "poll.write_in_eligible[0]: expected a name, got a blank string"),
        (
            ["刘\u200d备"],
            "poll.write_in_eligible[0]: control or format character U+200D in a name"
            " (names may not contain invisible characters)",
        ),
    ],
)
def test_eligibility_list_errors(eligible: Any, message: str) -> None:
    with pytest.raises(InputError) as caught:
        tally(election([], write_in_eligible=eligible))
    assert str(caught.value) == message


# --- decrypted write-ins (ballot-secrecy §6) -------------------------------------------------

ELECTION = {
    "kind": "election",
    "electorate": 54,
    "seats": 2,
    "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
}


def test_decrypted_write_ins_are_counted_leniently() -> None:
    """A bad decrypted name is ignored, never an error: one tablet cannot stop a count."""
    lists: list[list[str | bytes]] = [
        ["王五".encode(), "赵六"],
        ["王五", "王五"],  # once per ballot
        [b"\xff\xfe"],  # not UTF-8
        ["Zoe\u0308"],  # not in NFC form
        ["王五\u200b"],  # format character
        ["张三"],  # a listed candidate
        ["王" * 33],  # too long
        ["", b""],  # blank slots: no write-in
        [],
    ]
    totals = count_decrypted_write_ins(parse_poll(ELECTION), lists)
    assert totals.counted == {"王五": 2, "赵六": 1}
    assert totals.ignored == 6


def test_decrypted_write_ins_follow_eligibility_and_runoffs() -> None:
    """组织法 Art 18 eligibility and 组织法 Art 29 (a runoff takes no write-ins) apply too."""
    eligible = parse_poll({**ELECTION, "write_in_eligible": ["王五"]})
    assert count_decrypted_write_ins(eligible, [["王五"], ["赵六"]]).counted == {"王五": 1}
    runoff = parse_poll({**ELECTION, "seats": 1, "round": {"type": "runoff"}})
    totals = count_decrypted_write_ins(runoff, [["王五"]])
    assert (totals.counted, totals.ignored) == ({}, 1)


def test_the_roster_pairs_of_a_closed_list_are_carried_but_never_counted() -> None:
    """``write_in_roster`` (id + name pairs for encrypted ballots) changes nothing in counting;
    it is a field of elections only."""
    closed = {**ELECTION, "write_in_eligible": ["王五"]}
    pairs = [{"id": "d05", "name": "王五"}]
    assert parse_poll({**closed, "write_in_roster": pairs}) == parse_poll(closed)
    with pytest.raises(InputError) as refused:
        parse_poll({"kind": "motion", "electorate": 5, "write_in_roster": pairs})
    assert str(refused.value) == 'poll.write_in_roster: not a field of kind "motion"'


def test_decide_takes_the_ignored_count() -> None:
    definition = parse_poll(ELECTION)
    counts = {"c1": {"for": 30, "against": 0, "abstain": 0}}
    counts["c2"] = {"for": 0, "against": 30, "abstain": 0}
    result = decide(
        definition,
        cast=30,
        valid=30,
        void=0,
        counts=counts,
        write_ins={"王五": 30},
        write_ins_ignored=4,
    )
    assert result["write_ins"] == {"王五": 30}
    assert result["write_ins_ignored"] == 4
    assert result["outcome"] == {"elected": ["c1", "王五"], "runoff": None, "unfilled": 0}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"write_ins": {"Zoe\u0308": 1}},
            "write_ins.Zoe\u0308: expected a name in Unicode NFC form",
        ),
        ({"write_ins_ignored": -1}, "write_ins_ignored: expected a non-negative integer, got -1"),
    ],
)
def test_decide_checks_write_in_totals(changes: dict[str, Any], message: str) -> None:
    counts = {cid: {"for": 0, "against": 0, "abstain": 1} for cid in ("c1", "c2")}
    arguments: dict[str, Any] = {"cast": 1, "valid": 1, "void": 0, "counts": counts, **changes}
    with pytest.raises(InputError) as caught:
        decide(parse_poll(ELECTION), **arguments)
    assert str(caught.value) == message


def test_decide_refuses_an_ineligible_write_in() -> None:
    """组织法 Art 18: hand-entered totals cannot elect someone who may not be written in."""
    counts = {cid: {"for": 0, "against": 1, "abstain": 0} for cid in ("c1", "c2")}
    with pytest.raises(InputError) as caught:
        decide(
            parse_poll({**ELECTION, "write_in_eligible": ["王五"]}),
            cast=1,
            valid=1,
            void=0,
            counts=counts,
            write_ins={"曹操": 1},
        )
    assert str(caught.value) == "write_ins.曹操: not among the persons who may be written in"


# --- the quorum of each body (§1) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "electorate", "rule", "met"),
    [
        pytest.param(36, 54, "two_thirds", True, id="组织法 Art 14 plenary: 36 of 54"),
        pytest.param(35, 54, "two_thirds", False, id="组织法 Art 14 plenary: 35 of 54 is not"),
        pytest.param(8, 15, "majority", True, id="presidium majority: 8 of 15"),
        pytest.param(7, 15, "majority", False, id="presidium majority: 7 of 15 is not"),
        pytest.param(6, 11, "majority", True, id="presidium majority: 6 of 11"),
        pytest.param(5, 10, "majority", False, id="presidium majority: exactly half is not"),
        pytest.param(7, 15, "two_thirds", False, id="presidium two thirds: 7 of 15 is not"),
        pytest.param(10, 15, "two_thirds", True, id="presidium two thirds: 10 of 15"),
    ],
)
def test_quorum_rules(present: int, electorate: int, rule: Any, met: bool) -> None:
    assert quorum_met(present, electorate, rule) is met


def test_unknown_quorum_rule() -> None:
    with pytest.raises(ValueError, match="unknown quorum rule 'half'"):
        quorum_met(1, 1, "half")  # type: ignore[arg-type]


def test_presidium_vote_under_majority_quorum() -> None:
    """§1 Bodies: a presidium of 15 with 8 present may vote under the majority rule."""
    doc = document("motion", times(8, "for"), electorate=15, present=8, quorum="majority")
    result = tally(doc)
    assert result["quorum_met"] is True
    assert result["outcome"] == {"passed": True}
    plenary = document("motion", times(8, "for"), electorate=15, present=8)
    assert tally(plenary)["quorum_met"] is False


def test_quorum_rule_errors() -> None:
    with pytest.raises(InputError) as caught:
        tally(document("motion", [], quorum="half"))
    assert str(caught.value) == 'poll.quorum: expected "two_thirds" or "majority", got "half"'
