"""``congress serve``: run the meeting server (uvicorn) on the configured database."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn

from voting.app import create_app
from voting.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="运行会议服务器 / run the meeting server",
        description="运行会议服务器。 Run the meeting server.",
    )
    add_server_options(parser)
    parser.set_defaults(func=run)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="监听地址 / address (default %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="端口 / port (default %(default)s)")
    parser.add_argument("--db", help="数据库 URL / SQLAlchemy database URL")
    parser.add_argument("--key", help="日志签名密钥文件 / log signing key file")


def settings_from(args: argparse.Namespace, base: Settings | None = None) -> Settings:
    settings = base or Settings.from_env()
    changes: dict[str, Any] = {}
    if args.db:
        changes["database_url"] = args.db
    if args.key:
        changes["log_key_path"] = Path(args.key)
    if changes:
        settings = replace(settings, **changes)
    return settings


def serve(settings: Settings, host: str, port: int) -> int:
    if not settings.log_key_path.exists():
        print(
            f"congress serve: 找不到日志签名密钥 {settings.log_key_path}，请先运行 congress init。"
            f" No log signing key at {settings.log_key_path}: run `congress init` first.",
            file=sys.stderr,
        )
        return 1
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
        log_level="info",
    )
    return 0


def run(args: argparse.Namespace) -> int:
    return serve(settings_from(args), args.host, args.port)
