"""``congress tally FILE|- [FILE ...]``: count tally-format files, print the result.

Every input of ``docs/tally-format.md`` is accepted: typed election rounds, write-ins keyed by
the candidate they replace or listed as on paper, eligibility lists, a body's quorum rule. The
result is JSON (UTF-8, sorted keys, indent 2): the result object itself for one file, an
object mapping each file name to its result for several. ``--table`` prints the table a chair
reads out instead, naming a later round's type and the write-ins ignored. Malformed input exits
with status 2 and one line on standard error naming the file and the JSON path of the problem
(``ballots[3].write_ins.c2: control or format character U+200B in a name …``).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ballots import InputError, PollDefinition, parse_poll, render_table, tally
from ballots.table import LANGS, Lang

EXIT_OK = 0
EXIT_BAD_INPUT = 2
STDIN = "-"


class BadInput(Exception):
    """A file that could not be read or counted; the message names the file."""


@dataclass(frozen=True)
class Counted:
    name: str
    definition: PollDefinition
    result: dict[str, Any]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tally",
        help="计票 / count the ballots of polls in tally-format files",
        description=(
            "计票：读取计票格式的 JSON 文件，输出结果。"
            " Count the ballots in tally-format JSON files and print the results."
        ),
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="计票格式文件，- 表示标准输入 / tally-format file, - for standard input",
    )
    parser.add_argument(
        "--table",
        action="store_true",
        help="输出供主持人宣读的表格 / print the table a chair reads out instead of JSON",
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default="zh",
        help="表格语言（默认 zh）/ language of the table (default: zh)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        counted = [count_file(name) for name in args.files]
    except BadInput as exc:
        print(f"congress tally: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.table:
        write_stdout(tables(counted, lang=args.lang, headings=len(counted) > 1))
    elif len(counted) == 1:
        write_stdout(to_json(counted[0].result))
    else:
        write_stdout(to_json({item.name: item.result for item in counted}))
    return EXIT_OK


def count_file(name: str) -> Counted:
    """Read, parse and count one tally-format file (``-``: standard input)."""
    shown = "<stdin>" if name == STDIN else name
    document = load_json(read_bytes(name, shown), shown)
    try:
        result = tally(document)
        definition = parse_poll(document["poll"])
    except InputError as exc:
        raise BadInput(f"{shown}: {exc}") from None
    return Counted(name, definition, result)


def tables(counted: Sequence[Counted], *, lang: Lang, headings: bool) -> str:
    """The tables of several polls, each under its title (or file name when ``headings``)."""
    parts = []
    for item in counted:
        heading = item.definition.title or (item.name if headings else None)
        table = render_table(item.definition, item.result, lang=lang)
        parts.append(table if heading is None else f"{heading}\n\n{table}")
    return "\n".join(parts)


def to_json(value: object) -> str:
    """Deterministic JSON: the same value always gives the same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_stdout(text: str) -> None:
    """Write to standard output as UTF-8, whatever the locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in ("utf-8", "utf8"):
        stream.reconfigure(encoding="utf-8")
    stream.write(text)
    stream.flush()


def read_bytes(name: str, shown: str) -> bytes:
    if name == STDIN:
        stdin = sys.stdin
        if hasattr(stdin, "buffer"):
            data: bytes = stdin.buffer.read()
            return data
        return stdin.read().encode("utf-8")
    try:
        with open(name, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise BadInput(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{shown}: is a directory, not a file") from None
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise BadInput(f"{shown}: cannot read: {reason}") from None


class _Rejected(ValueError):
    """JSON that the standard parser accepts but a tally file must not contain."""


def load_json(data: bytes, shown: str) -> Any:
    """Strict JSON: UTF-8 (a byte order mark is allowed), no duplicate keys, no NaN."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{shown}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        problem = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        raise BadInput(f"{shown}: invalid JSON: {problem}") from None
    except _Rejected as exc:
        raise BadInput(f"{shown}: invalid JSON: {exc}") from None
    except RecursionError:
        raise BadInput(f"{shown}: invalid JSON: nested too deeply") from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _Rejected(f"duplicate key {json.dumps(key, ensure_ascii=False)}")
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise _Rejected(f"{name} is not a number")
