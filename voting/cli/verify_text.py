"""How ``congress verify`` speaks: exit statuses, usage errors, the log key argument, the
report as text in one or both languages, and UTF-8 output."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Final

from audit.errors import NoteError
from audit.note import NoteVerifier
from audit.verify import CheckResult, Report, Status, TrackingResult

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

#: Failures printed per check; the rest are counted.
SHOWN_FAILURES: Final = 20
_MARKS: Final = {Status.PASSED: "✓", Status.FAILED: "✗", Status.NOT_RUN: "–"}


class UsageError(Exception):
    """A bad argument; the message says which."""


def read_vkey(value: str) -> str:
    """The vkey given on the command line, or read from the file it names."""
    path = Path(value)
    text = value
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--vkey: cannot read {value}: {exc}") from None
    elif "+" not in value:
        raise UsageError(f"--vkey: {value} is neither a log key nor a readable file")
    try:
        NoteVerifier.from_vkey(text)
    except NoteError as exc:
        raise UsageError(f"--vkey: {exc.message}") from None
    return text


def render(report: Report, lang: str | None) -> str:
    """The report as text: a line per check, failures indented under a failed check."""
    lines = []
    for check in report.checks:
        lines.extend(_check_lines(check, lang))
    if report.tracking is not None:
        lines.extend(_tracking_lines(report.tracking, lang))
    failed = report.first_failure
    if report.ok:
        lines.append(say(lang, "结果：全部检查通过", "result: every check passed"))
    elif failed is not None:
        lines.append(
            say(
                lang,
                f"结果：验证失败，第 {failed.number} 项未通过",
                f"result: verification failed at check {failed.number}",
            )
        )
    else:
        lines.append(
            say(lang, "结果：跟踪码未能核实", "result: the tracking code was not verified")
        )
    return "\n".join(lines) + "\n"


def _check_lines(check: CheckResult, lang: str | None) -> list[str]:
    title = say(lang, check.title_zh, check.title_en)
    if check.status is Status.NOT_RUN:
        return [
            f"[{check.number}] {_MARKS[check.status]} {title} ({say(lang, '未运行', 'not run')})"
        ]
    lines = [f"[{check.number}] {_MARKS[check.status]} {title}"]
    if check.status is Status.PASSED:
        if check.detail:
            lines.append(f"    {check.detail}")
        return lines
    shown = check.failures[:SHOWN_FAILURES]
    lines.extend(f"    {failure}" for failure in shown)
    more = check.failure_count - len(shown)
    if more > 0:
        lines.append(f"    …{say(lang, f'另有 {more} 项', f'and {more} more')}")
    return lines


def _tracking_lines(tracking: TrackingResult, lang: str | None) -> list[str]:
    code = tracking.tracking_code
    title = say(lang, f"跟踪码 {code}", f"tracking code {code}")
    if not tracking.ok:
        return [f"[T] ✗ {title}", f"    {tracking.failure}"]
    counted_zh, counted_en = {
        True: ("已计入", "counted"),
        False: ("未计入汇总", "not among the counted ballots"),
        None: ("尚未汇总", "not yet aggregated"),
    }[tracking.counted]
    return [
        f"[T] ✓ {title}",
        "    "
        + say(
            lang,
            f"表决 {tracking.poll}，代表 {tracking.deputy}，记录 {tracking.seq}，"
            f"{counted_zh}，包含于 {tracking.checkpoint}",
            f"poll {tracking.poll}, deputy {tracking.deputy}, entry {tracking.seq}, "
            f"{counted_en}, included in {tracking.checkpoint}",
        ),
    ]


def say(lang: str | None, zh: str, en: str) -> str:
    """``zh`` or ``en`` as ``--lang`` asks, else both."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} / {en}"


def write_stdout(text: str) -> None:
    """Write to standard output as UTF-8, whatever the locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in ("utf-8", "utf8"):
        stream.reconfigure(encoding="utf-8")
    stream.write(text)
    stream.flush()
