"""``congress serve [--tls]``: run the meeting server (uvicorn) on the configured database.

With ``--tls`` the server speaks HTTPS with the certificate that ``congress init --host/--ip``
made for the hall LAN. The server pings every WebSocket every :data:`PING_INTERVAL_S` seconds and
drops one that has not answered within :data:`PING_TIMEOUT_S`: a tablet whose connection died
without a close frame (out of Wi-Fi range, battery out) is shown offline within seconds.

A plenary holds 3,000 connections (``docs/performance.md``): the server raises its own limit of
open files to the hard limit (the usual soft limit is 1,024), its listening socket queues up to
:data:`BACKLOG` connections (every tablet of the hall reconnects at once after a Wi-Fi outage),
and its garbage collector is tuned (:func:`tune_process`).

The server binds its listening socket before it starts (:func:`bind`; ``--port 0`` takes a port
the system picks), or serves on one handed down by a parent process (``--fd``), and prints
``listening on URL`` once it accepts connections. Connections are guarded
(:mod:`voting.transport`: header timeout, per-address cap) and request bodies limited
(:mod:`voting.limits`); ``X-Forwarded-For`` is believed only from ``--trusted-proxy`` addresses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import ipaddress
import os
import resource
import socket
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn

from devices.signatures import SignatureChecker
from voting import transport
from voting.app import create_app
from voting.settings import Settings, peer_origin
from voting.sockets import MAX_MESSAGE
from voting.standby import StandbyGate, database_in_recovery
from voting.transport import TransportLimits
from voting.websocket_protocol import HallWebSocketProtocol

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
    parser.add_argument(
        "--fd",
        type=int,
        metavar="FD",
        help=(
            "在继承的监听套接字上服务（代替 --host/--port）/ serve on an inherited listening"
            " socket, file descriptor FD (instead of --host/--port)"
        ),
    )
    parser.set_defaults(func=run)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="监听地址 / address (default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="端口，0 表示由系统分配 / port, 0 for any free one (default %(default)s)",
    )
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
    parser.add_argument(
        "--peer-url",
        type=peer_url,
        metavar="URL",
        help=(
            "主备两台服务器中另一台的地址，印在配对卡上 / the address of the other server of a"
            " primary/standby pair, printed on pairing cards (docs/operations.md §14)"
        ),
    )
    add_transport_options(parser)


def peer_url(value: str) -> str:
    try:
        return peer_origin(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"须是 http(s)://主机:端口 / must be http(s)://host:port: {value}"
        ) from None


def trusted_proxy(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"须是 IP 地址或网段 / must be an IP address or network: {value}"
        ) from None
    return value


def add_transport_options(parser: argparse.ArgumentParser) -> None:
    """Options of the connection limits (:mod:`voting.transport`) and of trusted proxies."""
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        type=trusted_proxy,
        metavar="IP",
        help=(
            "信任其 X-Forwarded-For 的反向代理地址（可重复）/ a reverse proxy whose"
            " X-Forwarded-For is trusted (repeatable; none by default)"
        ),
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=transport.HEADER_TIMEOUT_S,
        metavar="S",
        help="请求头须在几秒内收齐 / seconds to receive request headers (%(default)s)",
    )
    parser.add_argument(
        "--per-address-limit",
        type=int,
        default=transport.PER_ADDRESS,
        metavar="N",
        help=(
            "每个地址同时打开的连接上限，0 表示不限 / open connections per client address,"
            " 0 for no cap (%(default)s)"
        ),
    )


def transport_limits(args: argparse.Namespace) -> TransportLimits:
    return TransportLimits(
        header_timeout_s=args.header_timeout,
        per_address=args.per_address_limit,
        uncapped=frozenset(args.trusted_proxy),
    )


def settings_from(args: argparse.Namespace, base: Settings | None = None) -> Settings:
    settings = base or Settings.from_env()
    changes: dict[str, Any] = {}
    if args.db:
        changes["database_url"] = args.db
    if args.key:
        changes["log_key_path"] = Path(args.key)
    if getattr(args, "peer_url", None):
        changes["peer_url"] = args.peer_url
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
    """Processes verifying tablet signatures and encrypted ballots' proofs
    (:mod:`devices.signatures`, :mod:`devices.ballot_checks`): one per core, at most four, given
    at least two cores. The event loop waits on I/O for much of a burst, so on two cores two
    workers finish an encrypted burst sooner than one (``docs/performance.md``)."""
    cores = os.cpu_count() or 1
    return min(cores, 4) if cores > 1 else 0


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
        "ws": HallWebSocketProtocol,
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


def bind(host: str, port: int) -> socket.socket:
    """The server's listening socket on ``host``:``port`` (port 0: one the system picks), bound
    here so that the port is known before the server starts and nobody else can take it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle's algorithm off only on sockets that say so.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def listening_url(sock: socket.socket, *, tls: bool = False) -> str:
    """``http://HOST:PORT`` of a bound socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


#: A task to run beside the server, given the server's URL (the demo's simulated hall).
Beside = Callable[[str], Coroutine[Any, Any, None]]


def application(settings: Settings) -> Any:
    """The meeting server; on a database that is a standby in recovery, the :class:`StandbyGate`
    that waits for its promotion and serves nothing until then (:mod:`voting.standby`)."""

    if not database_in_recovery(settings.database_url):
        return create_app(settings, signature_workers=signature_workers())
    print(
        "数据库是只读备库：备用服务器待命中，主库提升后开始服务。"
        " The database is a standby in recovery: waiting until it is promoted.",
        flush=True,
    )
    # The signature workers start while the standby waits: serving starts sooner.
    workers = SignatureChecker(signature_workers())
    return StandbyGate(
        lambda: create_app(settings, signatures=workers),
        lambda: database_in_recovery(settings.database_url),
        prepare=workers.start,
        release=workers.stop,
    )


def serve(
    settings: Settings,
    sock: socket.socket,
    *,
    tls: bool = False,
    limits: TransportLimits | None = None,
    trusted_proxies: tuple[str, ...] = (),
    beside: Beside | None = None,
) -> int:
    """Serve the meeting server on the listening socket ``sock`` until stopped (SIGINT or
    SIGTERM); print ``listening on URL`` once it accepts connections. ``beside`` runs as a task
    on the server's event loop and is cancelled when the server stops."""
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
    app = application(settings)
    tune_process()
    config = uvicorn.Config(
        app,
        **uvicorn_options(settings),
        **transport.uvicorn_transport_options(limits or TransportLimits(), trusted_proxies),
        **certificate,
    )
    server = uvicorn.Server(config)
    url = listening_url(sock, tls=tls)
    try:
        asyncio.run(_serve_until_stopped(server, sock, url, beside))
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has stopped cleanly and re-raised the signal
        print("已停止 / stopped", flush=True)
    return 0


async def _serve_until_stopped(
    server: uvicorn.Server, sock: socket.socket, url: str, beside: Beside | None
) -> None:
    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        print(f"listening on {url}", flush=True)
        if beside is not None:
            await beside(url)

    helper = asyncio.create_task(announce())
    try:
        await server.serve(sockets=[sock])
    finally:
        helper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await helper


def run(args: argparse.Namespace) -> int:
    try:
        sock = socket.socket(fileno=args.fd) if args.fd is not None else bind(args.host, args.port)
    except OSError as error:
        print(
            f"congress serve: 无法监听 {args.host}:{args.port}（{error.strerror}）。"
            f" Cannot listen on {args.host}:{args.port}: {error.strerror}.",
            file=sys.stderr,
        )
        return 1
    with sock:
        return serve(
            settings_from(args),
            sock,
            tls=args.tls,
            limits=transport_limits(args),
            trusted_proxies=tuple(args.trusted_proxy),
        )
