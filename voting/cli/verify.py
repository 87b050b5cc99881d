"""``congress verify BUNDLE [--vkey V] [--tracking-code C] [--witnesses K] [--json] [--lang zh|en]``: check an
export bundle without trusting the server (docs/verifying.md).

``congress verify --absences [--ledger LEDGER.json] BUNDLE…``: the bundles of a term's
sessions, each verified, then the term's absence ledger rebuilt from their logs and compared
with the one the server showed (:mod:`voting.cli.verify_term`).

Prints one line per numbered check, ``✓`` passed, ``✗`` failed (with its failures, each naming
the entry), ``–`` not run because an earlier check failed. Exit status: 0 only if every check
passed (and the tracking code, if given, was found and proved), 1 if verification failed, 2 on
a usage error (no such directory, an unreadable ``--vkey``, a malformed tracking code).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Final, TextIO

from audit.verify import PROGRESS_EVERY, verify_bundle
from audit.verify.tracking import normalize_tracking_code
from voting.cli.verify_term import run_term
from voting.cli.verify_text import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    read_vkey,
    render,
    say,
    write_stdout,
)

__all__ = ["Progress", "register", "render", "run", "write_stdout"]

#: Without a terminal, a progress line every this many entries.
PLAIN_PROGRESS_EVERY: Final = 100_000
_BAR_WIDTH: Final = 30


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
        "bundle",
        metavar="BUNDLE",
        type=Path,
        nargs="+",
        help="导出包目录（--absences 时可给多个）/ the bundle directory (several with --absences)",
    )
    parser.add_argument(
        "--vkey",
        metavar="V",
        action="append",
        help=(
            "会议纪要中印出的日志公钥，或存有该公钥的文件；多个导出包时每包一个，按顺序 / the log "
            "key printed in the minutes, or a file holding it; with several bundles one per "
            "bundle, in order (default: the bundle's log.vkey, with a warning)"
        ),
    )
    parser.add_argument(
        "--absences",
        action="store_true",
        help=(
            "由各次会议的导出包重建本届缺席记录 / rebuild the term's absence ledger from the "
            "bundles of its sessions"
        ),
    )
    parser.add_argument(
        "--ledger",
        metavar="LEDGER.json",
        type=Path,
        help=(
            "与服务器显示的缺席记录（GET …/absences 的 JSON）逐项核对 / compare with the ledger "
            "the server showed (the JSON of GET …/absences); implies --absences"
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
    if args.absences or args.ledger is not None:  # a term's bundles, then its absence ledger
        return run_term(args)
    try:
        if len(args.bundle) > 1:
            raise UsageError("several bundles are verified together only with --absences")
        if args.vkey is not None and len(args.vkey) > 1:
            raise UsageError("--vkey: one key for one bundle")
        vkey = read_vkey(args.vkey[0]) if args.vkey is not None else None
        args.bundle = args.bundle[0]
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
            say(
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
