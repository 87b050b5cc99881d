"""The ``congress`` command line: one entry point, one module per subcommand in ``voting.cli``.

Each subcommand module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from voting.cli import (
    check_client,
    demo,
    export,
    init,
    promote,
    scrutineer,
    serve,
    simulate,
    tally,
    verify,
)

COMMANDS = (
    init,
    serve,
    promote,
    demo,
    tally,
    export,
    verify,
    check_client,
    simulate,
    scrutineer,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="congress",
        description="人大会议电子表决系统 / congress-vote: electronic voting for people's congresses",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.func(args)
    return status
