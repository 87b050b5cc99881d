"""``congress serve [--tls]``: run the meeting server (uvicorn) on the configured database.

With ``--tls`` the server speaks HTTPS with the certificate that ``congress init --host/--ip``
made for the hall LAN. The server pings every WebSocket every :data:`PING_INTERVAL_S` seconds and
drops one that has not answered within :data:`PING_TIMEOUT_S`: a tablet whose connection died
without a close frame (out of Wi-Fi range, battery out) is shown offline within seconds.

A plenary holds 3,000 connections (``docs/performance.md``): the server raises its own limit of
open files to the hard limit (the usual soft limit is 1,024), its listening socket queues up to
:data:`BACKLOG` connections (every tablet of the hall reconnects at once after a Wi-Fi outage),
and its garbage collector is tuned (:func:`tune_process`).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn

from voting.app import create_app
from voting.settings import Settings
from voting.sockets import MAX_MESSAGE

# Timeouts (defaults; the settings may lower them)
#: Seconds between the server's WebSocket pings.
PING_INTERVAL_S = Settings.ping_interval_s
#: Seconds a peer has to answer a ping before its connection is closed as dead.
PING_TIMEOUT_S = Settings.ping_timeout_s
#: Connections waiting to be accepted (the kernel caps it at ``net.core.somaxconn``).
BACKLOG = 4096
#: Net allocations of container objects between two collections of the youngest generation
#: (CPython's default is 700).
GC_YOUNGEST = 10_000


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
    parser.add_argument(
        "--tls",
        action="store_true",
        help=(
            "使用 congress init --host/--ip 创建的证书提供 HTTPS / serve HTTPS with the"
            " certificate made by congress init --host/--ip"
        ),
    )


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


def tune_process() -> None:
    """Prepare this process to hold thousands of WebSockets: raise its limit of open files, and
    make garbage collection rarer.

    With 3,000 tablets connected the collector tracks close to half a million objects, and with
    CPython's default thresholds it walked all of them 17 times in one benchmark run, stopping
    the event loop for up to 0.36 s each time: the objects of messages in flight outlive the
    tiny youngest generation and pile up in the oldest. A youngest generation of
    :data:`GC_YOUNGEST` lets them die young (2 full collections, 0.05 s at most), and the
    objects made at start-up (modules, schemas) are frozen out of every collection
    (``docs/performance.md``).
    """
    raise_open_file_limit()
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNGEST, middle, oldest)


def signature_workers() -> int:
    """Processes verifying tablet signatures (:mod:`devices.signatures`): one, given a second
    core to run on."""
    return 1 if (os.cpu_count() or 1) > 1 else 0


def raise_open_file_limit() -> int:
    """Raise this process's soft limit of open files to the hard limit; return the new limit.

    Every WebSocket is a file descriptor: 3,000 tablets do not fit under the common default of
    1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def uvicorn_options(settings: Settings | None = None) -> dict[str, Any]:
    """The uvicorn settings of ``congress serve`` (the benchmarks' baseline server uses them too)."""
    settings = settings or Settings()
    return {
        "ws": "websockets-sansio",
        "ws_max_size": MAX_MESSAGE,
        "ws_ping_interval": settings.ping_interval_s,
        "ws_ping_timeout": settings.ping_timeout_s,
        # No per-message compression: tablet messages are small JSON on a LAN, and a zlib
        # context per connection costs some 40 KiB of memory and CPU for every message sent
        # (a broadcast would be compressed once per tablet).
        "ws_per_message_deflate": False,
        "backlog": BACKLOG,
        "log_level": "info",
    }


def serve(settings: Settings, host: str, port: int, *, tls: bool = False) -> int:
    if not settings.log_key_path.exists():
        print(
            f"congress serve: 找不到日志签名密钥 {settings.log_key_path}，请先运行 congress init。"
            f" No log signing key at {settings.log_key_path}: run `congress init` first.",
            file=sys.stderr,
        )
        return 1
    certificate: dict[str, Any] = {}
    if tls:
        missing = [p for p in (settings.tls_cert_path, settings.tls_key_path) if not p.exists()]
        if missing:
            print(
                f"congress serve: 找不到证书文件 {missing[0]}，请先运行"
                " congress init --host 主机名 --ip 地址。"
                f" No certificate file {missing[0]}: run `congress init --host NAME --ip ADDR`"
                " first.",
                file=sys.stderr,
            )
            return 1
        certificate = {
            "ssl_certfile": str(settings.tls_cert_path),
            "ssl_keyfile": str(settings.tls_key_path),
        }
    app = create_app(settings, signature_workers=signature_workers())
    tune_process()
    uvicorn.run(app, host=host, port=port, **uvicorn_options(settings), **certificate)
    return 0


def run(args: argparse.Namespace) -> int:
    return serve(settings_from(args), args.host, args.port, tls=args.tls)
