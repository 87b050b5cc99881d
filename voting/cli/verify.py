"""``congress verify BUNDLE [--vkey V] [--tracking-code C] [--witnesses K] [--json] [--lang zh|en]``: check an
export bundle without trusting the server (docs/verifying.md).

Prints one line per numbered check, ``✓`` passed, ``✗`` failed (with its failures, each naming
the entry), ``–`` not run because an earlier check failed. Exit status: 0 only if every check
passed (and the tracking code, if given, was found and proved), 1 if verification failed, 2 on
a usage error (no such directory, an unreadable ``--vkey``, a malformed tracking code).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Final, TextIO

from audit.errors import NoteError
from audit.note import NoteVerifier
from audit.verify import (
    PROGRESS_EVERY,
    CheckResult,
    Report,
    Status,
    TrackingResult,
    verify_bundle,
)
from audit.verify.tracking import normalize_tracking_code

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

#: Failures printed per check; the rest are counted.
SHOWN_FAILURES: Final = 20
#: Without a terminal, a progress line every this many entries.
PLAIN_PROGRESS_EVERY: Final = 100_000
_BAR_WIDTH: Final = 30

_MARKS: Final = {Status.PASSED: "✓", Status.FAILED: "✗", Status.NOT_RUN: "–"}


class UsageError(Exception):
    """A bad argument; the message says which."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="验证审计日志导出包 / verify an exported audit log bundle",
        description=(
            "验证审计日志导出包：签名、默克尔树、出席、表决与计票结果。"
            " Verify an exported audit log bundle: signatures, Merkle tree, attendance, votes "
            "and results."
        ),
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE", type=Path, help="导出包目录 / the bundle directory"
    )
    parser.add_argument(
        "--vkey",
        metavar="V",
        help=(
            "会议纪要中印出的日志公钥，或存有该公钥的文件 / the log key printed in the minutes, "
            "or a file holding it (default: the bundle's log.vkey, with a warning)"
        ),
    )
    parser.add_argument(
        "--tracking-code",
        metavar="C",
        help=(
            "核对自己的加密选票：平板显示的跟踪码（如 ABCD-EFGH-IJKL-MNOP）/ your encrypted "
            "ballot's tracking code as the tablet showed it, to find and prove"
        ),
    )
    parser.add_argument(
        "--witnesses",
        metavar="K",
        type=_witness_count,
        help=(
            "要求最后一个检查点至少有 K 台已配对平板的副署 / require cosignatures of at least K "
            "paired tablets on the final checkpoint (check 9)"
        ),
    )
    parser.add_argument(
        "--json", action="store_true", help="以 JSON 输出报告 / print the report as JSON"
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        help="只用一种语言输出（默认中英文）/ print in one language only (default: both)",
    )
    parser.set_defaults(func=run)


def _witness_count(text: str) -> int:
    """``--witnesses``: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of tablets (1 or more)")
    return int(text)


def run(args: argparse.Namespace) -> int:
    try:
        vkey = read_vkey(args.vkey) if args.vkey is not None else None
        if not args.bundle.is_dir():
            raise UsageError(f"{args.bundle}: no such directory")
        code = args.tracking_code
        if code is not None and normalize_tracking_code(code) is None:
            raise UsageError(
                f"--tracking-code: {code!r} is not a tracking code (16 letters and digits 2–7)"
            )
    except UsageError as exc:
        print(f"congress verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lang = args.lang
    progress = Progress(sys.stderr)
    report = verify_bundle(
        args.bundle,
        vkey=vkey,
        tracking_code=args.tracking_code,
        progress=progress,
        witnesses=args.witnesses,
    )
    progress.done()
    if vkey is None:
        print(
            _say(
                lang,
                "警告：未给出 --vkey，使用导出包自带的 log.vkey。请将下面的公钥与会议纪要中印出的"
                "公钥逐字核对，不一致则验证结果不可信。",
                "warning: no --vkey given, so the bundle's own log.vkey is used. Compare the key "
                "below with the one printed in the minutes; if they differ, this verification "
                "proves nothing.",
            ),
            file=sys.stderr,
        )
        if report.vkey is not None:
            print(f"  {report.vkey}", file=sys.stderr)
    if args.json:
        document = report.to_json()
        document["vkey_source"] = "bundle" if vkey is None else "argument"
        write_stdout(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        write_stdout(render(report, lang))
    return EXIT_OK if report.ok else EXIT_FAILED


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
        lines.append(_say(lang, "结果：全部检查通过", "result: every check passed"))
    elif failed is not None:
        lines.append(
            _say(
                lang,
                f"结果：验证失败，第 {failed.number} 项未通过",
                f"result: verification failed at check {failed.number}",
            )
        )
    else:
        lines.append(
            _say(lang, "结果：跟踪码未能核实", "result: the tracking code was not verified")
        )
    return "\n".join(lines) + "\n"


def _check_lines(check: CheckResult, lang: str | None) -> list[str]:
    title = _say(lang, check.title_zh, check.title_en)
    if check.status is Status.NOT_RUN:
        return [
            f"[{check.number}] {_MARKS[check.status]} {title} ({_say(lang, '未运行', 'not run')})"
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
        lines.append(f"    …{_say(lang, f'另有 {more} 项', f'and {more} more')}")
    return lines


def _tracking_lines(tracking: TrackingResult, lang: str | None) -> list[str]:
    code = tracking.tracking_code
    title = _say(lang, f"跟踪码 {code}", f"tracking code {code}")
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
        + _say(
            lang,
            f"表决 {tracking.poll}，代表 {tracking.deputy}，记录 {tracking.seq}，"
            f"{counted_zh}，包含于 {tracking.checkpoint}",
            f"poll {tracking.poll}, deputy {tracking.deputy}, entry {tracking.seq}, "
            f"{counted_en}, included in {tracking.checkpoint}",
        ),
    ]


def _say(lang: str | None, zh: str, en: str) -> str:
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh} / {en}"


class Progress:
    """A progress bar on a terminal; otherwise a plain line every 100,000 entries."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = False
        self.last_line = 0

    def __call__(self, entries: int, done: int, total: int) -> None:
        if self.tty and (self.shown or entries >= PROGRESS_EVERY):
            share = done / total if total else 1.0
            filled = int(share * _BAR_WIDTH)
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {share:4.0%} {entries:,} entries")
            self.stream.flush()
            self.shown = True
        elif entries - self.last_line >= PLAIN_PROGRESS_EVERY:
            self.last_line = entries - entries % PLAIN_PROGRESS_EVERY
            self.stream.write(f"verified {self.last_line:,} entries\n")
            self.stream.flush()

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def write_stdout(text: str) -> None:
    """Write to standard output as UTF-8, whatever the locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in ("utf-8", "utf8"):
        stream.reconfigure(encoding="utf-8")
    stream.write(text)
    stream.flush()
