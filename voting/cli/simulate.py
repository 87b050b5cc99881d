"""``congress simulate --tablets N [--export DIR] [--db URL|PATH] [--url URL] [--seed S]``: a dress
rehearsal of a whole sitting with N simulated tablets over real WebSockets.

Without ``--url`` it sets up a server of its own, as an operator would: ``congress init`` (a log
key and an administrator account, the password through standard input) in a fresh temporary
data directory, then ``congress serve`` as separate processes, the server on a loopback socket
bound here to a port the system picks and handed to it (so no other program can take the port
between the choice and the start, and many tablets on one address are not capped); the
database is a SQLite file there, or ``--db``. With ``--url`` it drives a running server instead,
logging in as ``--user`` (the password is read from the terminal or standard input). ``--db``
must be empty: the rehearsal's new log key could not open the logs of meetings already there.

The sitting itself is :mod:`devices.rehearsal`. Its secret polls are encrypted
(:mod:`devices.rehearsal.encrypted`): the scrutineers' list is adopted on paper, three
simulated scrutineer stations run the key ceremony, answer each poll's liveness challenge,
decrypt the closed polls and mix their write-ins; each decrypted result must equal the recount
of the ballots the tablets encrypted. The stations are simulated here, in the rehearsal's own
process, never in the server's; four scrutineers are chosen among the deputies, so a
rehearsal needs four tablets or more. With ``--export DIR`` the meeting's audit log is then
exported (``congress export``, or over HTTP with ``--url``) and checked by the verifier.
A line per phase goes to standard output, then the results and a summary table. Exit status:
0 if every vote was acknowledged, counted once, matched the recount and proved included, and the
bundle verified; 1 if anything failed; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import secrets
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from audit.bundle import write_bundle
from audit.tables import engine_url
from audit.verify import verify_bundle
from devices.rehearsal.encrypted import MINIMUM_TABLETS
from devices.rehearsal.report import result_lines, summary_lines
from devices.rehearsal.run import Rehearsal
from devices.rehearsal.summary import Summary
from devices.simulator import HttpClient, SimulationError, websocket_url
from voting.cli.serve import bind, listening_url
from voting.cli.verify import render

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: The administrator account a rehearsal creates on a server of its own (a suffix keeps it
#: unique in a reused ``--db``).
ADMIN = "rehearsal-admin"
# Timeouts
#: Seconds to wait for the server process to answer /healthz.
START_TIMEOUT_S = 30.0
#: Seconds to wait for a child command (init, export).
COMMAND_TIMEOUT_S = 300.0


class SimulateFailed(Exception):
    """The rehearsal could not run; the message is ``<Chinese> / <English>``."""

    def __init__(self, chinese: str, english: str) -> None:
        super().__init__(f"{chinese} / {english}")


def positive_tablets(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if not MINIMUM_TABLETS <= count <= 10_000:
        raise argparse.ArgumentTypeError(
            f"平板数须在 {MINIMUM_TABLETS} 到 10000 之间 / between {MINIMUM_TABLETS} and 10000 tablets"
        )
    return count


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="模拟平板演练整场会议 / rehearse a whole sitting with simulated tablets",
        description=(
            "用模拟平板通过真实的 WebSocket 演练一场完整会议：配对、签到、五项表决、断线重连，"
            "每台平板核验自己的选票已计入日志。 Rehearse a whole sitting with simulated tablets"
            " over real WebSockets: pairing, sign-in, five polls, a dropped connection, and every"
            " tablet proving its ballot is in the log."
        ),
    )
    parser.add_argument(
        "--tablets", type=positive_tablets, default=12, metavar="N", help="平板数 / tablets"
    )
    parser.add_argument(
        "--export",
        type=Path,
        metavar="DIR",
        help="导出审计日志并核验 / export the audit log to DIR and verify it",
    )
    parser.add_argument(
        "--db",
        metavar="URL|PATH",
        help=(
            "空数据库的 URL 或新的 SQLite 文件（默认临时文件）/ URL of an empty database or a new"
            " SQLite file (default: a temporary file)"
        ),
    )
    parser.add_argument(
        "--url", metavar="URL", help="使用已运行的服务器 / drive a running server instead"
    )
    parser.add_argument(
        "--user", default="admin", metavar="NAME", help="配合 --url 的管理员账户 / with --url"
    )
    parser.add_argument(
        "--cafile", type=Path, metavar="PATH", help="信任的根证书 / CA certificate to trust"
    )
    parser.add_argument(
        "--seed", type=int, default=2026, metavar="S", help="随机种子 / random seed (%(default)s)"
    )
    parser.add_argument(
        "--connect-limit",
        type=int,
        default=32,
        metavar="K",
        help="同时握手的连接数上限 / WebSocket handshakes in flight (%(default)s)",
    )
    parser.set_defaults(func=run)


# A server of our own ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalServer:
    """A ``congress serve`` process on a loopback port, with its data directory."""

    url: str
    data_dir: Path
    database_url: str
    env: dict[str, str]
    admin: str
    password: str
    pid: int  # of the server process

    @property
    def key_path(self) -> Path:
        return self.data_dir / "log-key.pem"


def database_url(db: str | None, data_dir: Path) -> str:
    if db is None:
        return f"sqlite:///{data_dir / 'congress.sqlite'}"
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).resolve()}"


def check_empty_database(url: str) -> None:
    """A rehearsal's server makes a new log key, which cannot open the logs of earlier meetings:
    refuse a database that already holds meetings."""
    engine = create_engine(engine_url(url), hide_parameters=True)
    try:
        with engine.connect() as connection:
            taken = (
                inspect(connection).has_table("meeting")
                and connection.execute(text("SELECT COUNT(*) FROM meeting")).scalar()
            )
    except SQLAlchemyError as error:
        raise SimulateFailed("无法打开数据库", f"cannot open the database: {error}") from None
    finally:
        engine.dispose()
    if taken:
        raise SimulateFailed(
            "--db 须是空数据库（其中已有会议）",
            "--db must be an empty database (this one already holds meetings)",
        )


def congress_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "voting.cli", *args]


@contextlib.contextmanager
def local_server(origin: str, db: str | None) -> Iterator[LocalServer]:
    with tempfile.TemporaryDirectory(prefix="congress-simulate-") as scratch:
        data_dir = Path(scratch)
        url = database_url(db, data_dir)
        env = dict(os.environ, CONGRESS_DATA=str(data_dir), CONGRESS_DB=url)
        password = secrets.token_urlsafe(18)
        admin = f"{ADMIN}-{secrets.token_hex(3)}"
        init = subprocess.run(
            congress_command("init", "--origin", origin, "--admin", admin),
            input=password + "\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
        if init.returncode != 0:
            raise SimulateFailed("congress init 失败", f"congress init failed: {init.stderr}")
        log_path = data_dir / "server.log"
        with bind("127.0.0.1", 0) as sock, open(log_path, "wb") as log:
            fd = sock.fileno()
            process = subprocess.Popen(
                congress_command("serve", "--fd", str(fd), "--per-address-limit", "0"),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(fd,),
            )
            base = listening_url(sock)
        try:
            _wait_healthy(base, process, log_path)
            yield LocalServer(base, data_dir, url, env, admin, password, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SimulateFailed("服务器进程已退出", f"the server process exited:\n{tail}")
        try:
            with opener.open(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SimulateFailed("服务器未能启动", f"the server did not answer within {START_TIMEOUT_S} s")


# Export and verification --------------------------------------------------------------------


def export_local(server: LocalServer, origin: str, out: Path) -> None:
    done = subprocess.run(
        congress_command(
            "export",
            "--origin",
            origin,
            "--out",
            str(out),
            "--db",
            server.database_url,
            "--key",
            str(server.key_path),
        ),
        env=server.env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise SimulateFailed("导出失败", f"congress export failed: {done.stderr.strip()}")


def export_remote(
    http: HttpClient, summary: Summary, token: str, out: Path, seen: dict[int, str]
) -> None:
    """The bundle from a running server: every entry, the newest signed checkpoint and the
    checkpoints ``seen`` by the simulated scrutineers (their decryption shares are bound to
    those, so the verifier needs them)."""
    base = f"/api/meetings/{summary.meeting}/log"
    try:
        entries = http.request_sync("GET", f"{base}/entries", token=token).splitlines()
        note = http.request_sync("GET", f"{base}/checkpoint").decode()
    except SimulationError as error:
        raise SimulateFailed("导出失败", f"export over HTTP failed: {error}") from None
    notes = {**seen, int(note.split("\n")[1]): note}
    write_bundle(out, vkey=summary.log_key, entries=entries, checkpoints=sorted(notes.items()))


def verify(out: Path, vkey: str) -> bool:
    report = verify_bundle(out, vkey=vkey)
    print(f"核验导出包 / verifying the bundle {out}")
    print(render(report, None), end="", flush=True)
    return report.ok


# The command -------------------------------------------------------------------------------


def read_password(user: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"{user} 的密码 / password of {user}: ")
    return sys.stdin.readline().rstrip("\n")


def say(line: str) -> None:
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    out: Path | None = args.export
    if out is not None and out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(
            f"congress simulate: 导出目录 {out} 须不存在或为空 / "
            f"the export directory {out} must be absent or empty",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.db is not None and not args.url:
        try:
            check_empty_database(database_url(args.db, Path.cwd()))
        except SimulateFailed as error:
            print(f"congress simulate: {error}", file=sys.stderr)
            return EXIT_USAGE
    context = None
    if args.cafile is not None:
        context = ssl.create_default_context(cafile=str(args.cafile))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    meeting = f"rehearsal-{stamp}-{secrets.token_hex(2)}"
    origin = f"rehearsal.congress.local/{meeting}"
    try:
        with contextlib.ExitStack() as stack:
            started = time.perf_counter()
            server: LocalServer | None = None
            if args.url:
                base, user, password = args.url.rstrip("/"), args.user, read_password(args.user)
            else:
                server = stack.enter_context(local_server(origin, args.db))
                base, user, password = server.url, server.admin, server.password
                say(f"[0] 服务器 / server: {base} ({time.perf_counter() - started:.2f} s)")
            http = HttpClient(base, ssl_context=context)
            rehearsal = Rehearsal(
                http,
                lambda m: websocket_url(base, m),
                tablets=args.tablets,
                username=user,
                password=password,
                meeting=meeting,
                origin=origin,
                seed=args.seed,
                progress=say,
                connect_limit=args.connect_limit,
                ssl_context=context,
                cafile=None if args.cafile is None else str(args.cafile),
            )
            summary = asyncio.run(rehearsal.run())
            say("")
            for line in result_lines(summary):
                say(line)
            say("")
            for line in summary_lines(summary):
                say(line)
            ok = summary.ok
            if args.export is not None and summary.log_key:
                say("")
                if server is not None:
                    export_local(server, origin, args.export)
                else:
                    export_remote(
                        http, summary, rehearsal.token, args.export, rehearsal.checkpoints_seen()
                    )
                ok = verify(args.export, summary.log_key) and ok
    except SimulateFailed as error:
        print(f"congress simulate: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if ok else EXIT_FAILED
