"""The bundled sample session under ``examples/``: every file counts, with the expected verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballots import check_candidates, tally
from voting.cli import main

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))

SESSION = {"electorate": 54, "present": 50, "issued": 50, "quorum_met": True, "round_valid": True}
FULL_HOUSE = {"cast": 50, "valid": 50, "void": 0}

EXPECTED: dict[str, dict[str, Any]] = {
    "01-motion-budget.json": {
        "kind": "motion",
        **SESSION,
        "ballots": {"cast": 49, "valid": 49, "void": 0},
        "required": 28,
        "counts": {"for": 44, "against": 2, "abstain": 3, "not_voted": 1},
        "outcome": {"passed": True},
    },
    "02-election-zhenzhang.json": {
        "kind": "election",
        **SESSION,
        "ballots": {"cast": 50, "valid": 48, "void": 2},
        "required": 28,
        "counts": {
            "c1": {"for": 34, "against": 13, "abstain": 1},
            "c2": {"for": 12, "against": 33, "abstain": 3},
        },
        "write_ins": {"王立民": 1},
        "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
    },
    # The write-in of the listed candidate 黄丽华 is ignored, and is now reported as ignored.
    "03-election-fuzhenzhang.json": {
        "kind": "election",
        **SESSION,
        "ballots": {"cast": 50, "valid": 48, "void": 2},
        "required": 28,
        "counts": {
            "c1": {"for": 37, "against": 10, "abstain": 1},
            "c2": {"for": 33, "against": 14, "abstain": 1},
            "c3": {"for": 20, "against": 24, "abstain": 4},
        },
        "write_ins": {"郑国平": 3},
        "write_ins_ignored": 1,
        "outcome": {"elected": ["c1", "c2"], "runoff": None, "unfilled": 0},
    },
    "04-livelihood-projects.json": {
        "kind": "selection",
        **SESSION,
        "ballots": {"cast": 50, "valid": 47, "void": 3},
        "required": 28,
        "counts": {
            "p01": {"for": 45},
            "p02": {"for": 46},
            "p03": {"for": 41},
            "p04": {"for": 43},
            "p05": {"for": 43},
            "p06": {"for": 43},
            "p07": {"for": 40},
            "p08": {"for": 29},
            "p09": {"for": 38},
            "p10": {"for": 25},
            "p11": {"for": 38},
            "p12": {"for": 35},
        },
        "outcome": {
            "elected": ["p02", "p01", "p04", "p05", "p06", "p03", "p07", "p09", "p11", "p12"],
            "runoff": None,
            "unfilled": 0,
        },
    },
    "05-evaluation-offices.json": {
        "kind": "evaluation",
        **SESSION,
        "ballots": {"cast": 50, "valid": 49, "void": 1},
        "required": 28,
        "counts": {
            "s1": {"satisfied": 39, "basically_satisfied": 9, "dissatisfied": 0},
            "s2": {"satisfied": 35, "basically_satisfied": 10, "dissatisfied": 3},
            "s3": {"satisfied": 36, "basically_satisfied": 11, "dissatisfied": 2},
            "s4": {"satisfied": 36, "basically_satisfied": 9, "dissatisfied": 3},
            "s5": {"satisfied": 20, "basically_satisfied": 21, "dissatisfied": 8},
            "s6": {"satisfied": 37, "basically_satisfied": 6, "dissatisfied": 2},
            "s7": {"satisfied": 30, "basically_satisfied": 17, "dissatisfied": 1},
            "s8": {"satisfied": 37, "basically_satisfied": 10, "dissatisfied": 2},
        },
        "outcome": {
            "ratings": {
                "s1": "satisfied",
                "s2": "satisfied",
                "s3": "satisfied",
                "s4": "satisfied",
                "s5": "basically_satisfied",
                "s6": "satisfied",
                "s7": "satisfied",
                "s8": "satisfied",
            },
            "ranking": ["s1", "s8", "s6", "s3", "s4", "s2", "s7", "s5"],
        },
    },
    # 组织法 Art 29: B 27 : C 23 of 54 in the runoff — the most votes win; the write-in is ignored.
    "06-election-fuzhuxi-runoff.json": {
        "kind": "election",
        **SESSION,
        "ballots": FULL_HOUSE,
        "required": None,
        "counts": {
            "c2": {"for": 27, "against": 19, "abstain": 4},
            "c3": {"for": 23, "against": 20, "abstain": 7},
        },
        "write_ins": {},
        "write_ins_ignored": 1,
        "outcome": {"elected": ["c2"], "runoff": None, "unfilled": 0},
    },
    # 组织法 Art 29 ¶3 further election; 组织法 Art 18: 钱多多 is no deputy, ignored.
    "07-election-zhuxi-further.json": {
        "kind": "election",
        **SESSION,
        "ballots": {"cast": 50, "valid": 49, "void": 1},
        "required": 28,
        "counts": {
            "c1": {"for": 31, "against": 16, "abstain": 2},
            "c2": {"for": 15, "against": 32, "abstain": 2},
        },
        "write_ins": {"马建华": 1},
        "write_ins_ignored": 1,
        "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
    },
    # 组织法 Art 30: a by-election with one candidate for one seat (等额).
    "08-election-fuzhenzhang-by-election.json": {
        "kind": "election",
        **SESSION,
        "ballots": FULL_HOUSE,
        "required": 28,
        "counts": {"c1": {"for": 44, "against": 4, "abstain": 2}},
        "write_ins": {"罗红梅": 1},
        "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
    },
    # §1 Bodies: 9 of the presidium's 15 members are a quorum under the majority rule.
    "09-presidium-confirm-election.json": {
        "kind": "motion",
        "electorate": 15,
        "present": 9,
        "issued": 9,
        "quorum_met": True,
        "round_valid": True,
        "ballots": {"cast": 9, "valid": 9, "void": 0},
        "required": 8,
        "counts": {"for": 8, "against": 0, "abstain": 1, "not_voted": 0},
        "outcome": {"passed": True},
    },
}

# The 差额 rule of each election's office (组织法 Art 27), checked per round type.
OFFICE_RULES: dict[str, Any] = {
    "02-election-zhenzhang.json": {"office": "head"},
    "03-election-fuzhenzhang.json": {"office": "deputy", "extra": 1},
    "06-election-fuzhuxi-runoff.json": {"office": "deputy", "extra": 1},
    "07-election-zhuxi-further.json": {"office": "head"},
    "08-election-fuzhenzhang-by-election.json": {"office": "deputy", "extra": 1},
}


def test_every_example_is_expected() -> None:
    assert [path.name for path in EXAMPLES] == sorted(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_tallies(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["poll"]["title"].startswith("新洲镇第十七届人民代表大会第三次会议")
    assert tally(document) == EXPECTED[path.name]


@pytest.mark.parametrize("name", sorted(OFFICE_RULES))
def test_example_elections_have_lawful_candidate_counts(name: str) -> None:
    document = json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))
    assert check_candidates(document["poll"], OFFICE_RULES[name]) is None


def test_example_runoff_under_a_majority_setting_leaves_the_seat_unfilled() -> None:
    """组织法 Art 25/29: the same B 27 : C 23 ballots under round.threshold "majority"."""
    document = json.loads((EXAMPLES_DIR / "06-election-fuzhuxi-runoff.json").read_text("utf-8"))
    document["poll"]["round"]["threshold"] = "majority"
    result = tally(document)
    assert result["required"] == 28
    assert result["outcome"] == {"elected": [], "runoff": None, "unfilled": 1}


def test_example_presidium_vote_under_the_plenary_quorum_has_none() -> None:
    """§1 Bodies: 9 of 15 is not two thirds."""
    path = EXAMPLES_DIR / "09-presidium-confirm-election.json"
    document = json.loads(path.read_text("utf-8"))
    del document["poll"]["quorum"]
    assert tally(document)["quorum_met"] is False


def test_example_tables_show_rounds_and_ignored_write_ins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = ["06-election-fuzhuxi-runoff.json", "08-election-fuzhenzhang-by-election.json"]
    assert main(["tally", "--table", *(str(EXAMPLES_DIR / name) for name in names)]) == 0
    out = capsys.readouterr().out
    assert "选举轮次：再次投票（接续表决 fuzhuxi-1）" in out
    assert "当选：就票数相等的候选人再次投票，以得票多的当选" in out
    assert "忽略的另选他人：1 个（不按规定填写，不计票，选票仍有效）" in out
    assert "选举轮次：补选" in out
    assert main(["tally", "--table", "--lang", "en", str(EXAMPLES_DIR / names[0])]) == 0
    out = capsys.readouterr().out
    assert "Round: runoff (following poll fuzhuxi-1)" in out
    assert "To be elected: the most votes among the tied candidates" in out
    assert "Write-ins ignored: 1 (not counted; the ballots stay valid)" in out
    assert out.endswith("Elected: 冯秀英\n")


def test_example_table_reads_the_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", "--table", str(EXAMPLES_DIR / "03-election-fuzhenzhang.json")]) == 0
    out = capsys.readouterr().out
    assert "当选所需票数：28 票（全体代表过半数）" in out
    assert "应出席 54 名，实到 50 名" in out
    assert "发出选票 50 张，收回选票 50 张，有效票 48 张，废票 2 张" in out
    assert [
        line.split()[-1] for line in out.splitlines() if line.startswith(("黄", "周", "吴", "郑"))
    ] == [
        "当选",
        "当选",
        "未当选",
        "未当选",
    ]
    assert "郑国平（另选他人）" in out
    assert out.endswith("当选：黄丽华、周志强\n")
