"""``congress verify --absences [--ledger LEDGER.json] BUNDLE…``: the absence ledger of a
congress term rebuilt from the bundles of its sessions (docs/verifying.md).

Each bundle is verified in full first (its report printed as ``congress verify`` prints it);
only if every one passes is the ledger rebuilt from their logs (:mod:`audit.verify.absences`):
each deputy's present / leave / absent per session, the counts, and the warning at two
unapproved absences (代表法 Art 62). With ``--ledger`` (the JSON the server answered at
``GET /api/meetings/{meeting}/absences``) every difference is a failure naming the deputy and
the session; without it the rebuilt ledger is printed. Exit status: 0 when every bundle
verified and the ledger matches (or none was given), 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from audit.bundle import BundleError, read_bundle
from audit.verify import verify_bundle
from audit.verify.absences import Session, ledger_differences, read_session, term_ledger
from voting.cli.verify_text import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    SHOWN_FAILURES,
    UsageError,
    read_vkey,
    render,
    say,
    write_stdout,
)

_PRESENCE = {
    "present": ("出席", "present"),
    "leave": ("请假", "leave"),
    "absent": ("缺席", "absent"),
    None: ("—", "—"),
}


def run_term(args: argparse.Namespace) -> int:
    bundles: list[Path] = args.bundle
    lang = args.lang
    try:
        keys = _keys(args.vkey, len(bundles))
        for bundle in bundles:
            if not bundle.is_dir():
                raise UsageError(f"{bundle}: no such directory")
        if args.tracking_code is not None:
            raise UsageError("--tracking-code: one bundle at a time, without --absences")
        shown = None if args.ledger is None else _read_ledger(args.ledger)
    except UsageError as exc:
        print(f"congress verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    reports = [verify_bundle(b, vkey=k) for b, k in zip(bundles, keys, strict=True)]
    if any(k is None for k in keys):
        print(
            say(
                lang,
                "警告：未给出 --vkey，使用各导出包自带的 log.vkey，请与会议纪要中印出的公钥核对。",
                "warning: no --vkey given, so each bundle's own log.vkey is used; compare them "
                "with the keys printed in the minutes.",
            ),
            file=sys.stderr,
        )
    failures: list[str] = []
    rebuilt: dict[str, Any] | None = None
    if all(r.ok for r in reports):
        sessions = [(str(b), _session(b)) for b in bundles]
        rebuilt, failures = term_ledger(sessions)
        if shown is not None and not failures:
            failures = ledger_differences(rebuilt, shown)
    ok = rebuilt is not None and not failures
    if args.json:
        document = {
            "bundles": [
                {"bundle": str(b), **r.to_json()} for b, r in zip(bundles, reports, strict=True)
            ],
            "absences": {
                "ledger": rebuilt,
                "compared": shown is not None,
                "failures": failures,
                "ok": ok,
            },
        }
        write_stdout(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        text = [f"== {b} ==\n{render(r, lang)}" for b, r in zip(bundles, reports, strict=True)]
        text.append(_ledger_text(rebuilt, shown is not None, failures, lang))
        write_stdout("\n".join(text))
    return EXIT_OK if ok else EXIT_FAILED


def _keys(given: list[str] | None, bundles: int) -> list[str | None]:
    if given is None:
        return [None] * bundles
    if len(given) != bundles:
        raise UsageError(f"--vkey: {len(given)} keys for {bundles} bundles; give one per bundle")
    return [read_vkey(k) for k in given]


def _read_ledger(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"--ledger: cannot read {path}: {exc}") from None
    if not isinstance(document, dict):
        raise UsageError(f"--ledger: {path} is not a JSON object")
    return document


def _session(bundle: Path) -> Session:
    try:
        return read_session(read_bundle(bundle))
    except BundleError as exc:  # the bundle changed after it was verified
        raise SystemExit(f"congress verify: {bundle}: {exc.message}") from None


def _ledger_text(
    rebuilt: dict[str, Any] | None, compared: bool, failures: list[str], lang: str | None
) -> str:
    title = say(lang, "本届缺席记录", "the term's absence ledger")
    if rebuilt is None:
        reason = say(lang, "有导出包未通过验证", "a bundle failed verification")
        return f"[A] – {title} ({reason})\n"
    if failures:
        lines = [f"[A] ✗ {title}"]
        lines.extend(f"    {f}" for f in failures[:SHOWN_FAILURES])
        if len(failures) > SHOWN_FAILURES:
            more = len(failures) - SHOWN_FAILURES
            lines.append(f"    …{say(lang, f'另有 {more} 项', f'and {more} more')}")
        return "\n".join(lines) + "\n"
    verdict = (
        say(lang, "与服务器显示的记录一致", "matches the ledger the server showed")
        if compared
        else say(lang, "由日志重建", "rebuilt from the logs")
    )
    lines = [f"[A] ✓ {title}: {verdict}"]
    meetings = " ".join(s["meeting"] for s in rebuilt["sessions"])
    lines.append(f"    {say(lang, '会议', 'sessions')}: {meetings}")
    for row in rebuilt["deputies"]:
        record = " ".join(say(lang, *_PRESENCE[p]) for p in row["record"])
        counts = say(
            lang,
            f"请假 {row['leave']} 次，未经批准缺席 {row['absent']} 次",
            f"leave {row['leave']}, absent {row['absent']}",
        )
        warning = " ⚠" if row["warning"] else ""
        lines.append(
            f"    {row['seat']} {row['name']} ({row['deputy']}): {record} · {counts}{warning}"
        )
    return "\n".join(lines) + "\n"
