"""The chair's table: numbers, required count, verdict words, rates."""

from __future__ import annotations

from typing import Any

import pytest

from ballots import parse_poll, render_table, tally
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


def table(doc: dict[str, Any], lang: Any = "zh") -> str:
    return render_table(parse_poll(doc["poll"]), tally(doc), lang=lang)


def test_election_table_in_chinese() -> None:
    doc = election(
        times(4, vote("c1", "c2")) + times(4, vote("c1", "c3")) + times(2, vote("c2", "c3")),
        electorate=10,
        present=10,
        seats=2,
        ids=("c1", "c2", "c3"),
    )
    assert table(doc) == (
        "应出席 10 名，实到 10 名\n"
        "发出选票 10 张，收回选票 10 张，有效票 10 张，废票 0 张\n"
        "符合法定人数\n"
        "当选所需票数：6 票（全体代表过半数）\n"
        "\n"
        "应选 2 名\n"
        "\n"
        "候选人  赞成  反对  弃权  结果\n"
        "张三       8     0     2  当选\n"
        "李四       6     0     4  需再次投票\n"
        "王五       6     0     4  需再次投票\n"
        "\n"
        "当选：张三\n"
        "需再次投票：李四、王五 得票相等，就 1 个名额再次投票\n"
    )


def test_motion_table_in_english() -> None:
    doc = document("motion", times(27, "for") + times(20, "against") + [VOID], present=50)
    assert table(doc, "en") == (
        "Seated deputies 54, present 50\n"
        "Ballots issued 50, cast 48, valid 47, void 1\n"
        "Quorum met\n"
        "Votes required to pass: 28 (more than half of all seated deputies)\n"
        "\n"
        "           Votes\n"
        "For           27\n"
        "Against       20\n"
        "Abstain        0\n"
        "Not voted      2\n"
        "\n"
        "Result: not passed\n"
    )


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        pytest.param(document("motion", times(28, "for")), ["表决结果：通过"], id="motion passed"),
        pytest.param(
            document("motion", times(27, "for")), ["表决结果：未通过"], id="motion not passed"
        ),
        pytest.param(
            election(times(30, vote("c1")), seats=2, ids=("c1", "c2")),
            ["当选", "未当选", "另行选举：尚缺 1 名，需另行选举"],
            id="election unfilled seat",
        ),
        pytest.param(
            election(times(3, vote("c1")), electorate=3, issued=2),
            ["收回选票多于发出选票，本轮选举无效，需重新投票"],
            id="election round invalid",
        ),
        pytest.param(
            election(times(30, vote(against=("c1",), write_ins=["刘备"]))),
            ["刘备（另选他人）", "当选：刘备"],
            id="election write-in elected",
        ),
        pytest.param(
            document("motion", times(20, "for"), present=35),
            ["不足法定人数"],
            id="quorum not met",
        ),
        pytest.param(
            document("motion", times(40, "for"), threshold={"rule": "at_least", "fraction": "2/3"}),
            ["通过所需票数：36 票（全体代表的三分之二以上）"],
            id="threshold at least two thirds",
        ),
        pytest.param(
            evaluation(
                [rate(s1="satisfied")] * 28 + [rate(s2="basically_satisfied")] * 28,
                ids=("s1", "s2"),
            ),
            ["满意率", "满意+基本满意率", "评定", "名次", "部门s1", "基本满意"],
            id="evaluation",
        ),
    ],
)
def test_verdict_words(doc: dict[str, Any], words: list[str]) -> None:
    text = table(doc)
    for word in words:
        assert word in text


def test_selection_rates_against_electorate_and_cast() -> None:
    """Rates: two decimals, rounded half up (1/800 = 0.125% → 0.13%)."""
    doc = selection(
        [choose("p1"), choose("p1", "p2"), choose("p2"), VOID],
        electorate=800,
        seats=2,
        ids=("p1", "p2"),
    )
    rows = [line.split() for line in table(doc).splitlines() if line.startswith("项目p")]
    assert rows == [
        ["项目p1", "2", "0.25%", "50.00%", "未入选"],
        ["项目p2", "2", "0.25%", "50.00%", "未入选"],
    ]
    doc = selection([choose("p1"), *times(7, choose())], electorate=800, seats=1, ids=("p1",))
    rows = [line.split() for line in table(doc).splitlines() if line.startswith("项目p")]
    assert rows == [["项目p1", "1", "0.13%", "12.50%", "未入选"]]


def test_evaluation_table() -> None:
    doc = evaluation(
        [rate(s1="satisfied", s2="basically_satisfied")] * 2 + [rate(s1="dissatisfied")],
        ids=("s1", "s2"),
        electorate=3,
    )
    assert table(doc).splitlines()[-3:] == [
        "测评对象  满意  基本满意  不满意  满意率  满意+基本满意率  评定      名次",
        "部门s1       2         0       1  66.67%           66.67%  满意         1",
        "部门s2       0         2       0   0.00%           66.67%  基本满意     2",
    ]


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        table(document("motion", []), "fr")


def test_presidium_quorum_not_met_names_its_rule() -> None:
    """§1 Bodies: under the majority rule the table says more than half must be present."""
    doc = document("motion", times(7, "for"), electorate=15, present=7, quorum="majority")
    assert "不足法定人数（须有过半数成员出席）" in table(doc)
    assert "Quorum not met (more than half of the members must be present)" in table(doc, "en")


def test_first_round_tables_have_no_round_line() -> None:
    """Tables of first rounds read as before; later rounds name their type."""
    first = table(election(times(30, vote("c1"))))
    assert "选举轮次" not in first
    by_election = table(election(times(30, vote("c1")), round={"type": "by_election"}))
    assert "\n选举轮次：补选\n应选 1 名\n" in by_election
    further = table(election(times(30, vote("c1")), round={"type": "further"}), "en")
    assert "\nRound: further election\nSeats: 1\n" in further
