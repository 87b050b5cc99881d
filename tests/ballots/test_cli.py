"""``congress tally`` and ``congress demo``: exact output, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from voting.cli import main

SMALL = {
    "poll": {"title": "测试表决", "kind": "motion", "electorate": 5, "present": 4},
    "ballots": ["for", "for", "for", "against"],
}
SMALL_RESULT = """{
  "ballots": {
    "cast": 4,
    "valid": 4,
    "void": 0
  },
  "counts": {
    "abstain": 0,
    "against": 1,
    "for": 3,
    "not_voted": 0
  },
  "electorate": 5,
  "issued": 4,
  "kind": "motion",
  "outcome": {
    "passed": true
  },
  "present": 4,
  "quorum_met": true,
  "required": 3,
  "round_valid": true
}
"""
BAD = {
    "poll": {
        "kind": "election",
        "electorate": 5,
        "seats": 1,
        "candidates": [{"id": "c1", "name": "张三"}],
    },
    "ballots": [{"marks": {"c1": "for"}}, {"marks": {}}, {"marks": {"c9": "for"}}],
}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path.name


def test_json_output(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(in_tmp / "small.json", SMALL)
    assert main(["tally", name]) == 0
    captured = capsys.readouterr()
    assert captured.out == SMALL_RESULT
    assert captured.err == ""


def test_several_files_map_names_to_results(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(in_tmp / "a.json", SMALL)
    second = write(in_tmp / "b.json", SMALL | {"ballots": ["against"]})
    assert main(["tally", first, second]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["a.json", "b.json"]
    assert out["a.json"] == json.loads(SMALL_RESULT)
    assert out["b.json"]["outcome"] == {"passed": False}


def test_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.dumps(SMALL, ensure_ascii=False).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert main(["tally", "-"]) == 0
    assert capsys.readouterr().out == SMALL_RESULT


def test_byte_order_mark_is_accepted(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(SMALL).encode())
    assert main(["tally", "bom.json"]) == 0
    assert capsys.readouterr().out == SMALL_RESULT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            json.dumps(BAD).encode(),
            'congress tally: bad.json: ballots[2].marks.c9: unknown candidate "c9"',
            id="unknown candidate",
        ),
        pytest.param(
            b"",
            "congress tally: bad.json: invalid JSON: Expecting value at line 1 column 1",
            id="empty",
        ),
        pytest.param(
            b'{"poll": {}, "ballots": [}',
            "congress tally: bad.json: invalid JSON: Expecting value at line 1 column 26",
            id="bad JSON",
        ),
        pytest.param(
            b'{"poll": {}, "poll": {}}',
            'congress tally: bad.json: invalid JSON: duplicate key "poll"',
            id="duplicate key",
        ),
        pytest.param(
            b'{"poll": {"kind": "motion", "electorate": NaN}, "ballots": []}',
            "congress tally: bad.json: invalid JSON: NaN is not a number",
            id="NaN",
        ),
        pytest.param(
            '{"poll": "选举"}'.encode("gb18030"),
            "congress tally: bad.json: not UTF-8 text (bad byte at offset 12)",
            id="not UTF-8",
        ),
        pytest.param(
            b"[]", "congress tally: bad.json: $: expected an object, got a list", id="not an object"
        ),
        pytest.param(
            json.dumps(
                {
                    **BAD,
                    "ballots": [{"marks": {"c1": "against"}, "write_ins": {"c1": "王五\u200b"}}],
                }
            ).encode(),
            "congress tally: bad.json: ballots[0].write_ins.c1: control or format character"
            " U+200B in a name (names may not contain invisible characters)",
            id="代表法 Art 17: a zero-width variant of a name",
        ),
        pytest.param(
            json.dumps({**BAD, "ballots": [{"marks": {}, "write_ins": ["王五\u202e"]}]}).encode(),
            "congress tally: bad.json: ballots[0].write_ins[0]: control or format character"
            " U+202E in a name (names may not contain invisible characters)",
            id="a bidi mark in a listed write-in",
        ),
        pytest.param(
            json.dumps({**BAD, "poll": {**BAD["poll"], "round": {"type": "second"}}}).encode(),
            'congress tally: bad.json: poll.round.type: expected "first", "runoff", "further" or'
            ' "by_election", got "second"',
            id="unknown round type",
        ),
        pytest.param(
            json.dumps(
                {**BAD, "poll": {**BAD["poll"], "round": {"type": "runoff"}, "write_ins": True}}
            ).encode(),
            "congress tally: bad.json: poll.write_ins: a runoff is held among the tied candidates"
            " only and takes no write-ins (组织法 Art 29)",
            id="组织法 Art 29: write-ins enabled in a runoff",
        ),
        pytest.param(
            json.dumps(
                {**BAD, "poll": {**BAD["poll"], "write_in_eligible": ["王五", "王五 "]}}
            ).encode(),
            'congress tally: bad.json: poll.write_in_eligible[1]: duplicate name "王五"',
            id="组织法 Art 18: duplicate eligible name",
        ),
        pytest.param(
            json.dumps({**BAD, "poll": {**BAD["poll"], "quorum": "half"}}).encode(),
            'congress tally: bad.json: poll.quorum: expected "two_thirds" or "majority", got "half"',
            id="unknown quorum rule",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    (in_tmp / "bad.json").write_bytes(content)
    assert main(["tally", "bad.json"]) == 2
    captured = capsys.readouterr()
    assert captured.err == message + "\n"
    assert captured.out == ""


def test_missing_file(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", "missing.json"]) == 2
    assert capsys.readouterr().err == "congress tally: missing.json: no such file\n"


def test_directory(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "dir").mkdir()
    assert main(["tally", "dir"]) == 2
    assert capsys.readouterr().err == "congress tally: dir: is a directory, not a file\n"


def test_one_bad_file_of_several_prints_nothing(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(in_tmp / "good.json", SMALL)
    bad = write(in_tmp / "bad.json", BAD)
    assert main(["tally", good, bad]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == 'congress tally: bad.json: ballots[2].marks.c9: unknown candidate "c9"\n'


def test_table_with_title(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(in_tmp / "small.json", SMALL)
    assert main(["tally", "--table", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith("测试表决\n\n应出席 5 名，实到 4 名\n")
    assert out.endswith("表决结果：通过\n")


def test_tables_of_several_files_have_headings(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    untitled = dict(SMALL, poll={k: v for k, v in SMALL["poll"].items() if k != "title"})
    first = write(in_tmp / "a.json", SMALL)
    second = write(in_tmp / "b.json", untitled)
    assert main(["tally", "--table", "--lang", "en", first, second]) == 0
    out = capsys.readouterr().out
    assert out.startswith("测试表决\n\nSeated deputies 5, present 4\n")
    assert "\nb.json\n\nSeated deputies 5, present 4\n" in out
    assert out.count("Result: passed") == 2


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    write(tmp_path / "bad.json", BAD)
    done = subprocess.run(
        [sys.executable, "-m", "voting.cli", "tally", "bad.json"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert (
        done.stderr.decode()
        == 'congress tally: bad.json: ballots[2].marks.c9: unknown candidate "c9"\n'
    )


def test_subprocess_output_is_utf8(tmp_path: Path) -> None:
    write(tmp_path / "small.json", SMALL)
    done = subprocess.run(
        [sys.executable, "-m", "voting.cli", "tally", "--table", "small.json"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    )
    assert done.stdout.decode("utf-8").startswith("测试表决\n")


def test_runoff_json_output_has_null_required(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """组织法 Art 29: a plurality runoff prints ``"required": null`` and the ignored count."""
    runoff = {
        "poll": {
            "kind": "election",
            "electorate": 5,
            "seats": 1,
            "candidates": [{"id": "c1", "name": "张三"}, {"id": "c2", "name": "李四"}],
            "round": {"type": "runoff"},
        },
        "ballots": [
            {"marks": {"c1": "for"}},
            {"marks": {"c2": "for"}},
            {"marks": {"c1": "against"}, "write_ins": {"c1": "王五"}},
            {"marks": {"c1": "for"}},
        ],
    }
    assert main(["tally", write(in_tmp / "runoff.json", runoff)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["required"] is None
    assert result["write_ins_ignored"] == 1
    assert result["outcome"] == {"elected": ["c1"], "runoff": None, "unfilled": 0}
