"""``congress demo [--port N]``: show the system on the bundled sample town session.

For now it counts every example under ``examples/`` and prints the chair's tables in Chinese;
the meeting server arrives in a later version (``--port`` is accepted for it and not yet used).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import voting
from voting.commands.tally import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    BadInput,
    count_file,
    tables,
    write_stdout,
)

DEFAULT_PORT = 8000


def examples_dir() -> Path:
    """``examples/`` of the source tree this package runs from."""
    return Path(voting.__file__).resolve().parent.parent / "examples"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="演示：示例镇人代会 / run the demo on a sample town congress session",
        description=(
            "演示：统计示例会议的全部表决与选举。"
            " Count every poll of the sample town congress session."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="会议服务器端口（默认 %(default)s）/ meeting server port (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    files = sorted(examples_dir().glob("*.json"))
    if not files:
        print(f"congress demo: no examples found in {examples_dir()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        counted = [count_file(str(path)) for path in files]
    except BadInput as exc:
        print(f"congress demo: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    write_stdout(tables(counted, lang="zh", headings=True))
    write_stdout(
        "\n会议服务器将在后续版本中提供。 The meeting server arrives in a later version.\n"
    )
    return EXIT_OK
