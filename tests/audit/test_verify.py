"""The verifier's API and the ``congress verify`` command: reports, tracking codes, unreadable
bundles, exit codes and the exact lines printed. An encrypted ballot found by its tracking code
is tested with a recorded encrypted sitting in ``tests/voting/test_encrypted_verify.py``."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from audit.verify import Report, Status, verify_bundle
from audit.verify.difference import describe_difference, first_difference
from audit.verify.report import MAX_KEPT_FAILURES, Failures
from tests.audit.make_vectors import VECTORS_DIR
from tests.audit.meeting_builder import MeetingBuilder, build_meeting
from voting.cli import main
from voting.cli.verify import Progress

UNTOUCHED = VECTORS_DIR / "untouched"
RESULT_MISMATCH = VECTORS_DIR / "result-mismatch"
VKEY = MeetingBuilder().vkey


@pytest.fixture(scope="module")
def meeting() -> MeetingBuilder:
    return build_meeting()


@pytest.fixture
def bundle(meeting: MeetingBuilder, tmp_path: Path) -> Path:
    directory = tmp_path / "bundle"
    meeting.write(directory)
    return directory


def statuses(report: Report) -> list[str]:
    return [check.status.value for check in report.checks]


# The API ------------------------------------------------------------------------------------------


def test_standard_meeting_passes_every_check(meeting: MeetingBuilder, bundle: Path) -> None:
    report = verify_bundle(bundle, vkey=meeting.vkey)
    assert report.ok
    assert report.entries == 88
    assert [check.number for check in report.checks] == list(range(10))
    assert [check.detail for check in report.checks] == [
        "88 entries, 7 checkpoints",
        f"7 checkpoints signed by {meeting.vkey.rsplit('+', 1)[0]}",
        "88 entries",
        "7 checkpoints match; the newest covers all 88 entries, root " + meeting.tree.root().hex(),
        "11 deputies on the roster, 11 devices paired",
        "39 tablet signatures verified (ed25519 34, p256 5)",
        "6 polls, 30 votes, 0 encrypted ballots",
        "0 encrypted ballots in 0 encrypted polls",
        "5 results recounted (named 3, manual 2); election rounds: p-2 first",
        "0 cosignatures by 0 tablets; the final checkpoint has 0",
    ]


def test_without_a_vkey_the_bundle_key_is_used(meeting: MeetingBuilder, bundle: Path) -> None:
    report = verify_bundle(bundle)
    assert report.ok
    assert report.vkey == meeting.vkey


def test_a_key_other_than_the_bundles_fails_check_1(bundle: Path) -> None:
    other = MeetingBuilder(seed=b"another meeting").vkey
    report = verify_bundle(bundle, vkey=other)
    assert statuses(report) == ["passed", "failed"] + ["not_run"] * 8
    assert report.checks[1].failures[0].startswith("log.vkey: the bundle's key ")


def test_a_tracking_code_without_an_encrypted_ballot_fails(bundle: Path) -> None:
    report = verify_bundle(bundle, vkey=VKEY, tracking_code="abcd efgh ijkl mnop")
    assert all(check.ok for check in report.checks)
    assert not report.ok
    assert report.tracking is not None
    assert report.tracking.tracking_code == "ABCD-EFGH-IJKL-MNOP"
    assert report.tracking.failure == "no encrypted ballot with tracking code ABCD-EFGH-IJKL-MNOP"


def test_a_malformed_tracking_code_fails(bundle: Path) -> None:
    report = verify_bundle(bundle, vkey=VKEY, tracking_code="ABCD-1234")
    assert not report.ok
    assert report.tracking is not None
    assert report.tracking.failure == (
        "'ABCD-1234' is not a tracking code (16 letters and digits 2–7)"
    )


def test_a_tracking_code_is_not_looked_up_in_a_tampered_bundle() -> None:
    report = verify_bundle(VECTORS_DIR / "bit-flip", vkey=VKEY, tracking_code="A" * 16)
    assert report.tracking is not None and not report.tracking.ok
    assert report.tracking.failure == (
        "not checked: the bundle failed a check that the look-up depends on"
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing-entries", "entries.jsonl: missing"),
        ("truncated", "entries.jsonl line 88 (entry 87): the last line has no newline"),
        ("utf8", "entries.jsonl line 50 (entry 49): not UTF-8"),
        ("missing-vkey", "log.vkey: missing"),
    ],
)
def test_an_unreadable_bundle_is_never_ok(bundle: Path, damage: str, message: str) -> None:
    entries = bundle / "entries.jsonl"
    if damage == "missing-entries":
        entries.unlink()
    elif damage == "truncated":
        entries.write_bytes(entries.read_bytes()[:-1])
    elif damage == "utf8":
        lines = entries.read_bytes().split(b"\n")
        lines[49] = lines[49][:10] + b"\xc3" + lines[49][11:]
        entries.write_bytes(b"\n".join(lines))
    else:
        (bundle / "log.vkey").unlink()
    report = verify_bundle(bundle, vkey=VKEY)
    assert not report.ok
    assert statuses(report) == ["failed"] + ["not_run"] * 9
    assert report.checks[0].failures[0].startswith(message)


def test_a_missing_directory_is_never_ok(tmp_path: Path) -> None:
    report = verify_bundle(tmp_path / "absent")
    assert not report.ok
    assert report.checks[0].failures == [f"{tmp_path / 'absent'}: not a directory"]


def test_an_empty_bundle_fails(tmp_path: Path) -> None:
    from audit.bundle import write_bundle

    write_bundle(tmp_path / "empty", vkey=VKEY, entries=[], checkpoints=[])
    report = verify_bundle(tmp_path / "empty", vkey=VKEY)
    assert statuses(report) == ["passed", "passed", "passed", "failed"] + ["not_run"] * 6
    assert report.checks[3].failures == ["no signed checkpoint: none of the 0 entries is covered"]


def test_a_failed_check_stops_the_later_ones(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = entries.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b'"v":1', b'"v":2')
    entries.write_bytes(b"\n".join(lines))
    report = verify_bundle(bundle, vkey=VKEY)
    assert statuses(report) == ["passed", "passed", "failed"] + ["not_run"] * 7
    assert report.checks[2].failures == ["entry 5: v is 2, expected 1"]
    assert all(check.failures == [] for check in report.checks[3:])


def test_progress_is_reported(bundle: Path) -> None:
    calls: list[tuple[int, int, int]] = []
    verify_bundle(bundle, vkey=VKEY, progress=lambda *args: calls.append(args))
    size = (bundle / "entries.jsonl").stat().st_size
    assert calls == [(88, size, size)]


def test_report_json_has_stable_keys(bundle: Path) -> None:
    document = verify_bundle(bundle, vkey=VKEY).to_json()
    assert sorted(document) == ["checks", "entries", "ok", "tracking", "vkey"]
    assert sorted(document["checks"][0]) == [
        "detail",
        "failure_count",
        "failures",
        "number",
        "ok",
        "status",
        "title_en",
        "title_zh",
    ]


def test_failures_are_capped_but_counted() -> None:
    failures = Failures()
    for seq in range(MAX_KEPT_FAILURES + 5, 0, -1):
        failures.add(f"entry {seq}: wrong", seq)
    assert failures.count == MAX_KEPT_FAILURES + 5
    messages = failures.messages()
    assert len(messages) == MAX_KEPT_FAILURES
    assert messages[0] == "entry 6: wrong"  # sorted by entry


@pytest.mark.parametrize(
    ("expected", "found", "difference"),
    [
        ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}, "result.a.b[1]: expected 2, found 3"),
        ({"a": 1}, {"a": 1, "z": 0}, "result.z: expected nothing, found 0"),
        ({"a": True}, {"a": 1}, "result.a: expected true, found 1"),
        ({"l": [1]}, {"l": [1, 2]}, "result.l.length: expected 1, found 2"),
        ({"王五": 1}, {"王五": 2}, "result.王五: expected 1, found 2"),
        ({"c-1": None}, {"c-1": {}}, 'result["c-1"]: expected null, found {}'),
    ],
)
def test_first_difference_names_the_path(expected: Any, found: Any, difference: str) -> None:
    assert describe_difference(expected, found, "result") == difference


def test_same_values_have_no_difference() -> None:
    assert first_difference({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}, "x") is None


# The command --------------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["verify", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


PASSED_EN = [
    "[0] ✓ bundle readable",
    "    78 entries, 7 checkpoints",
    "[1] ✓ log key and checkpoint signatures",
    "    7 checkpoints signed by xinzhou.congress.local/2026-3+146d2677",
    "[2] ✓ entry encoding, sequence numbers and types",
    "    78 entries",
    "[3] ✓ Merkle roots of the checkpoints",
]


def test_cli_passes_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, str(UNTOUCHED), "--vkey", VKEY, "--lang", "en")
    assert status == 0
    lines = out.splitlines()
    assert lines[:7] == PASSED_EN
    assert lines[8:] == [
        "[4] ✓ meeting, roster and devices",
        "    9 deputies on the roster, 9 devices paired",
        "[5] ✓ tablet signatures and counters",
        "    31 tablet signatures verified (ed25519 26, p256 5)",
        "[6] ✓ attendance and voting windows",
        "    6 polls, 24 votes, 0 encrypted ballots",
        "[7] ✓ encrypted ballots, decryption and write-in mix",
        "    0 encrypted ballots in 0 encrypted polls",
        "[8] ✓ key ceremony and results recounted",
        "    5 results recounted (named 3, manual 2); election rounds: p-2 first",
        "[9] ✓ tablets as witnesses: checkpoint cosignatures",
        "    0 cosignatures by 0 tablets; the final checkpoint has 0",
        "result: every check passed",
    ]
    assert err == ""


def test_cli_prints_both_languages_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, str(UNTOUCHED), "--vkey", VKEY)
    assert status == 0
    lines = out.splitlines()
    assert lines[2] == "[1] ✓ 日志公钥与检查点签名 / log key and checkpoint signatures"
    assert lines[-1] == "结果：全部检查通过 / result: every check passed"


def test_cli_fails_with_exit_1_naming_the_entry(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, str(RESULT_MISMATCH), "--vkey", VKEY, "--lang", "en")
    assert status == 1
    assert out.splitlines()[-4:] == [
        "[8] ✗ key ceremony and results recounted",
        "    entry 30: result of poll p-1 differs from the recount at result.counts.against: "
        "expected 1, found 0",
        "[9] – tablets as witnesses: checkpoint cosignatures (not run)",
        "result: verification failed at check 8",
    ]


def test_cli_marks_later_checks_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(
        capsys, str(VECTORS_DIR / "dropped-entry"), "--vkey", VKEY, "--lang", "zh"
    )
    assert status == 1
    lines = out.splitlines()
    assert lines[4:7] == [
        "[2] ✗ 记录格式、序号与类型",
        "    entry 26: seq is 27, expected 26 (an entry is missing, inserted or out of place here)",
        "[3] – 默克尔树根与检查点 (未运行)",
    ]
    assert lines[-1] == "结果：验证失败，第 2 项未通过"


def test_cli_caps_the_failures_it_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "spaced"
    shutil.copytree(UNTOUCHED, target)
    entries = target / "entries.jsonl"
    spaced = [
        json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True)
        for line in entries.read_text(encoding="utf-8").splitlines()
    ]
    entries.write_text("".join(line + "\n" for line in spaced), encoding="utf-8")
    status, out, _ = run_cli(capsys, str(target), "--vkey", VKEY, "--lang", "en")
    assert status == 1
    lines = out.splitlines()
    start = lines.index("[2] ✗ entry encoding, sequence numbers and types")
    assert lines[start + 1] == "    entry 0: not canonical: re-encoding differs at byte 6"
    assert lines[start + 21] == "    …and 58 more"
    assert lines[start + 22] == "[3] – Merkle roots of the checkpoints (not run)"


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, str(RESULT_MISMATCH), "--vkey", VKEY, "--json")
    assert status == 1
    document = json.loads(out)
    assert document["ok"] is False
    assert document["vkey_source"] == "argument"
    assert [check["status"] for check in document["checks"]] == ["passed"] * 8 + [
        "failed",
        "not_run",
    ]
    assert document["checks"][8]["failure_count"] == 1
    assert out == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_cli_warns_without_vkey(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, str(UNTOUCHED), "--lang", "en")
    assert status == 0
    assert err.splitlines() == [
        "warning: no --vkey given, so the bundle's own log.vkey is used. Compare the key below "
        "with the one printed in the minutes; if they differ, this verification proves nothing.",
        f"  {VKEY}",
    ]


def test_cli_reads_the_vkey_from_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    key_file = tmp_path / "minutes.vkey"
    key_file.write_text(VKEY + "\n", encoding="utf-8")
    status, _, err = run_cli(capsys, str(UNTOUCHED), "--vkey", str(key_file))
    assert (status, err) == (0, "")


def test_cli_unknown_tracking_code_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(
        capsys, str(UNTOUCHED), "--vkey", VKEY, "--tracking-code", "abcdefghijklmnop"
    )
    assert status == 1
    assert out.splitlines()[-3:] == [
        "[T] ✗ 跟踪码 ABCD-EFGH-IJKL-MNOP / tracking code ABCD-EFGH-IJKL-MNOP",
        "    no encrypted ballot with tracking code ABCD-EFGH-IJKL-MNOP",
        "结果：跟踪码未能核实 / result: the tracking code was not verified",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["absent-dir"], "congress verify: absent-dir: no such directory"),
        ([str(UNTOUCHED), "--vkey", "nonsense"], "neither a log key nor a readable file"),
        ([str(UNTOUCHED), "--vkey", "a+b+c"], "congress verify: --vkey: verifier key a:"),
        (
            [str(UNTOUCHED), "--tracking-code", "0" * 32],
            f"--tracking-code: '{'0' * 32}' is not a tracking code",
        ),
    ],
)
def test_cli_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run_cli(capsys, *args)
    assert status == 2
    assert out == ""
    assert message in err


def test_progress_lines_without_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    for entries in range(10_000, 260_000, 10_000):
        progress(entries, entries * 300, 260_000 * 300)
    progress.done()
    assert stream.getvalue() == "verified 100,000 entries\nverified 200,000 entries\n"


def test_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(stream)
    progress(5, 50, 100)  # too small a log for a bar
    progress(10_000, 50, 100)
    progress.done()
    assert stream.getvalue() == f"\r[{'#' * 15}{'-' * 15}]  50% 10,000 entries\n"


def test_status_values() -> None:
    assert [status.value for status in Status] == ["passed", "failed", "not_run"]
