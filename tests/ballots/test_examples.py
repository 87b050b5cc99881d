"""The bundled sample session under ``examples/``: every file counts, with the expected verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballots import tally
from voting.cli import main

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))

EXPECTED: dict[str, dict[str, Any]] = {
    "01-motion-budget.json": {
        "ballots": {"cast": 49, "valid": 49, "void": 0},
        "counts": {"for": 44, "against": 2, "abstain": 3, "not_voted": 1},
        "outcome": {"passed": True},
    },
    "02-election-zhenzhang.json": {
        "ballots": {"cast": 50, "valid": 48, "void": 2},
        "write_ins": {"王立民": 1},
        "outcome": {"elected": ["c1"], "runoff": None, "unfilled": 0},
    },
    "03-election-fuzhenzhang.json": {
        "ballots": {"cast": 50, "valid": 48, "void": 2},
        "write_ins": {"郑国平": 3},
        "outcome": {"elected": ["c1", "c2"], "runoff": None, "unfilled": 0},
    },
    "04-livelihood-projects.json": {
        "ballots": {"cast": 50, "valid": 47, "void": 3},
        "outcome": {
            "elected": ["p02", "p01", "p04", "p05", "p06", "p03", "p07", "p09", "p11", "p12"],
            "runoff": None,
            "unfilled": 0,
        },
    },
    "05-evaluation-offices.json": {
        "ballots": {"cast": 50, "valid": 49, "void": 1},
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
}


def test_every_example_is_expected() -> None:
    assert [path.name for path in EXAMPLES] == sorted(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_tallies(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["poll"]["electorate"] == 54
    assert document["poll"]["title"].startswith("新洲镇第十七届人民代表大会第三次会议")
    result = tally(document)
    expected = EXPECTED[path.name]
    assert {key: result[key] for key in expected} == expected
    assert result["quorum_met"] is True


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
