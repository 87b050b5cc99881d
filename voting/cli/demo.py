"""``congress demo``: the meeting server with a sample 54-deputy town meeting, ready to use.

The first run creates ``var/demo/`` (database, log key, demo accounts) and opens the sample
meeting; later runs reuse it, so nothing done in a demo is lost by restarting it. With ``--tls``
it serves HTTPS, with a local CA and a server certificate for ``localhost``, this computer's
name and the ``--host`` address, made on the first such run (tablets install the CA from
``/ca``).

Deputies d01–d03 are left to real browser tablets (the banner prints a fresh pairing link for
each); the others are simulated in this process (:mod:`voting.demo_hall`): they sign in and vote
over real WebSockets at the pace ``--pace`` sets, so that the chair can open a vote and see it
pass. ``--no-hall`` serves the sample meeting without them. ``--port 0`` takes any free port;
the banner and the line ``listening on URL`` give the one taken.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

from audit.keys import create_key_file, load_signer
from audit.tables import create_engine_for
from devices.scrutineer.client import HttpTransport
from voting import core, sample
from voting.app import utc_now
from voting.ca import tls
from voting.cli.serve import add_transport_options, bind, serve, transport_limits
from voting.congress import Congress
from voting.demo_hall import HallPace, HallPlan, SimulatedHall
from voting.demo_scrutineers import FLAG, LABEL, SimulatedScrutineers
from voting.scopes import Scope
from voting.settings import Settings

DEFAULT_PORT = 8000
#: Seconds over which the simulated deputies sign in, and vote once a poll opens.
DEFAULT_PACE_S = 8.0
DEMO_DIR = Path("var/demo")
CHAIR = ("chair", "chair-demo-2026")
OPERATOR = ("operator", "operator-demo-2026")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="演示：带示例镇人代会的会议服务器 / run the server with a sample town meeting",
        description=(
            "启动会议服务器并准备一个54名代表的示例镇人代会。"
            " Start the meeting server with a sample 54-deputy town meeting."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", DEFAULT_PORT)),
        help="端口，0 表示由系统分配 / port, 0 for any free one",
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address")
    parser.add_argument(
        "--data", type=Path, default=DEMO_DIR, help="演示数据目录 / demo data directory"
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="使用本地根证书提供 HTTPS / serve HTTPS with a local CA",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=DEFAULT_PACE_S,
        metavar="S",
        help=(
            "模拟代表在几秒内签到、在表决开始后几秒内投票 / seconds over which the simulated"
            " deputies sign in, and vote after a poll opens (%(default)s)"
        ),
    )
    parser.add_argument(
        "--no-hall",
        action="store_true",
        help="不模拟其余代表 / do not simulate the other deputies",
    )
    add_transport_options(parser)
    parser.set_defaults(func=run)


def demo_settings(data: Path) -> Settings:
    return Settings.in_directory(data)


def prepare_tls(settings: Settings, host: str) -> str | None:
    """Make the demo's CA and server certificate unless they exist; return the CA's
    fingerprint when new."""
    paths = tls.TlsPaths(settings.tls_ca_path, settings.tls_cert_path, settings.tls_key_path)
    if paths.existing():
        return None
    names = ["localhost"]
    hostname = socket.gethostname()
    ips = ["127.0.0.1", "::1"]
    try:
        tls.parse_ip(host)
    except tls.TlsNamesInvalid:
        names.append(host)
    else:
        if host not in {"0.0.0.0", "::"}:
            ips.append(host)
    try:
        tls.check_names([hostname], [])
    except tls.TlsNamesInvalid:
        pass
    else:
        names.append(hostname)
    made = tls.create_hall_certificates(paths, origin=sample.ORIGIN, names=names, ips=ips)
    return made.ca_fingerprint


async def seed(settings: Settings) -> dict[str, Any]:
    """Create the demo accounts, tokens and the opened sample meeting; return the credentials."""
    congress = Congress(
        engine=create_engine_for(settings.database_url),
        signer_for=lambda origin: load_signer(settings.log_key_path, origin),
        clock=utc_now,
    )
    congress.create_account(CHAIR[0], "admin", CHAIR[1])
    congress.create_meeting(
        meeting=sample.MEETING,
        origin=sample.ORIGIN,
        title=sample.TITLE,
        date=sample.DATE,
        settings={FLAG: True},
    )
    congress.create_account(
        OPERATOR[0], "operator", OPERATOR[1], meetings=Scope.listed([sample.MEETING])
    )
    congress.set_roster(sample.MEETING, sample.roster())
    service = await congress.open_meeting(sample.MEETING, by=CHAIR[0])
    await service.submit(lambda state: core.set_agenda(state, items=sample.agenda_items()))
    return {
        "chair": {"username": CHAIR[0], "password": CHAIR[1]},
        "operator": {"username": OPERATOR[0], "password": OPERATOR[1]},
        "display_token": congress.issue_token("display", "display:大屏"),
        "auditor_token": congress.issue_token("auditor", "auditor:审计"),
        "log_key": service.log.vkey,
    }


def prepare(data: Path) -> dict[str, Any]:
    """Set up ``data`` on the first run; return the demo credentials."""
    credentials_file = data / "demo-credentials.json"
    if credentials_file.exists():
        loaded: dict[str, Any] = json.loads(credentials_file.read_text(encoding="utf-8"))
        return loaded
    if data.exists() and any(data.iterdir()):
        raise SystemExit(
            f"congress demo: {data} 不是演示数据目录，请换一个目录。 {data} is not a demo directory."
        )
    # Build the demo in a scratch directory and move it into place only when complete, so an
    # interrupted first run leaves nothing half-made behind.
    scratch = data.with_name(data.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    settings = demo_settings(scratch)
    create_key_file(settings.log_key_path, sample.ORIGIN)
    credentials = asyncio.run(seed(settings))
    fd = os.open(scratch / credentials_file.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(credentials, out, ensure_ascii=False, indent=2)
    if data.exists():
        data.rmdir()
    scratch.rename(data)
    return credentials


#: Deputies whose tablet pairing links the banner prints, fresh at every start.
LINKED_DEPUTIES = ("d01", "d02", "d03")
#: Simulated deputies who stay away from the sitting (a hall is rarely full).
ABSENT = frozenset({"d29", "d46"})


def hall_plan() -> HallPlan:
    """Every sample deputy but the linked ones is simulated."""
    deputies = tuple(r.deputy for r in sample.roster() if r.deputy not in LINKED_DEPUTIES)
    return HallPlan(sample.MEETING, sample.ORIGIN, deputies, absent=ABSENT)


def issue_tablet_links(settings: Settings) -> list[tuple[str, str, str, bool]]:
    """Fresh one-time pairing codes (valid 30 minutes) for the first deputies' tablets:
    ``(deputy, name, code, already paired)``."""
    engine = create_engine_for(settings.database_url)
    try:
        congress = Congress(
            engine=engine,
            signer_for=lambda origin: load_signer(settings.log_key_path, origin),
            clock=utc_now,
        )
        state = congress.service(sample.MEETING).state
        links = []
        for deputy in LINKED_DEPUTIES:
            code, _ = congress.issue_pairing_code(sample.MEETING, deputy)
            paired = deputy in state.active_device
            links.append((deputy, state.roster[deputy].name, code, paired))
        return links
    finally:
        engine.dispose()


ALREADY_PAIRED = "     （已配对：先在控制台注销原平板再用此链接 / already paired: revoke it first)"


def tablet_lines(
    base: str, links: list[tuple[str, str, str, bool]], display_token: str = ""
) -> str:
    """The pairing links, each alone on its own line below its deputy (notes on a line of
    their own), so that a terminal can open them."""
    if not links:
        return ""
    rows = "".join(
        f"\n   {deputy} {name}\n   {base}/tablet/{sample.MEETING}#code={code}"
        + (f"\n{ALREADY_PAIRED}" if paired else "")
        for deputy, name, code, paired in links
    )
    return (
        "\n\n 代表平板 / tablets（配对链接30分钟内有效 / links valid for 30 minutes）"
        + rows
        + "\n   1. 打开代表链接 → 2. 点击签到 → 3. 主持人开始表决后投票"
        + "\n   1. open a deputy's link → 2. press 签到 (sign in) → 3. vote when the chair opens"
        + "\n   每台平板用一个浏览器配置或无痕窗口 / one browser profile or private window per"
        + " tablet"
        + f"\n 主持人控制台 / chair console  {base}/chair"
        + f"\n 大屏 / display              {base}/display/{sample.MEETING}"
        + (f"#token={display_token}" if display_token else "")
    )


def banner(
    credentials: dict[str, Any],
    host: str,
    port: int,
    data: Path,
    *,
    tls: bool = False,
    links: list[tuple[str, str, str, bool]] | None = None,
    hall: bool = True,
) -> str:
    base = f"{'https' if tls else 'http'}://{host}:{port}"
    tablets = tablet_lines(base, links or [], credentials["display_token"])
    ca_line = f"\n 根证书 / CA          {base}/ca（平板安装 / install on tablets）" if tls else ""
    curl = f"curl -s --cacert {data / 'tls' / 'ca.pem'}" if tls else "curl -s"
    hall_line = (
        f"\n 模拟代表 / simulated  其余 {len(hall_plan().deputies)} 名代表由程序模拟签到和投票"
        f" / the other {len(hall_plan().deputies)} deputies sign in and vote by themselves"
        + f"\n 监票人 / scrutineers  {LABEL}：三台模拟监票终端在本进程中运行，"
        "通过名单、完成密钥仪式、应答在线确认、表决结束后自行解密"
        "\n                      three simulated stations in this process adopt the list,"
        " run the key ceremony, answer liveness and decrypt closed polls by themselves"
        "\n 无记名表决 / secret   监票人名单（i08）通过后，各项以「无记名投票（加密）」进行："
        "主持人先点「发出在线确认」再开始表决"
        "\n                      after the scrutineers' list (i08), every secret poll is encrypted:"
        " issue the liveness challenge, then open it"
        if hall
        else ""
    )
    return f"""
==================================================================
 congress-vote 演示 / demo — {sample.TITLE}
==================================================================
 首页 / start here    {base}/
 接口文档 / API       {base}/openapi.json
 会议 / meeting       {sample.MEETING}（54名代表，议程9项 / 54 deputies, 9 items）
 主持人 / chair       用户名 {credentials["chair"]["username"]}  密码 {credentials["chair"]["password"]}
 工作人员 / operator  用户名 {credentials["operator"]["username"]}  密码 {credentials["operator"]["password"]}
 大屏令牌 / display   {credentials["display_token"]}
 审计令牌 / auditor   {credentials["auditor_token"]}
 日志公钥 / log key   {credentials["log_key"]}{ca_line}{hall_line}{tablets}

 试一试 / try:
   {curl} -X POST {base}/api/login -H 'content-type: application/json' \\
        -d '{{"username":"chair","password":"{credentials["chair"]["password"]}"}}'
   {curl} {base}/api/meetings/{sample.MEETING} -H "Authorization: Bearer <token>"
 数据目录 / data: {data}（删除它即可重置演示 / delete it to reset the demo）
 按 Ctrl+C 停止 / press Ctrl+C to stop
==================================================================
"""


def local_base(url: str, host: str) -> str:
    """The server's URL as seen from this computer (a wildcard address is not one to connect
    to)."""
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}
    if host in wildcard:
        return url.replace(f"//[{host}]" if ":" in host else f"//{host}", f"//{wildcard[host]}")
    return url


def run(args: argparse.Namespace) -> int:
    credentials = prepare(args.data)
    settings = demo_settings(args.data)
    if args.tls:
        made = prepare_tls(settings, args.host)
        if made is not None:
            print(f"已创建本地根证书 / local CA created, SHA-256 {made}", flush=True)
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        print(
            f"congress demo: 无法监听 {args.host}:{args.port}（{error.strerror}），可用 --port 换一个"
            f"端口。 Cannot listen on {args.host}:{args.port}: {error.strerror}; choose another"
            " --port.",
            file=sys.stderr,
        )
        return 1
    port = sock.getsockname()[1]
    links = issue_tablet_links(settings)
    text = banner(
        credentials, args.host, port, args.data, tls=args.tls, links=links, hall=not args.no_hall
    )
    print(text, flush=True)
    beside = None
    if not args.no_hall:
        context = ssl.create_default_context(cafile=settings.tls_ca_path) if args.tls else None
        hall = SimulatedHall(
            hall_plan(),
            operator=(credentials["operator"]["username"], credentials["operator"]["password"]),
            store=args.data / "hall.json",
            pace=HallPace(sign_in_s=args.pace, vote_s=args.pace),
            say=lambda line: print(line, flush=True),
            ssl_context=context,
        )

        async def beside(url: str) -> None:
            base = local_base(url, args.host)
            cafile = str(settings.tls_ca_path) if args.tls else None
            scrutineers = SimulatedScrutineers(
                HttpTransport(base, cafile=cafile, timeout=30),
                sample.MEETING,
                chair=(credentials["chair"]["username"], credentials["chair"]["password"]),
                auditor_token=credentials["auditor_token"],
                store=args.data / "scrutineers",
                say=lambda line: print(line, flush=True),
            )
            scrutineers.start()
            try:
                await hall.run(base)
            finally:
                scrutineers.stop()

    with sock:
        return serve(
            settings,
            sock,
            tls=args.tls,
            limits=transport_limits(args),
            trusted_proxies=tuple(args.trusted_proxy),
            beside=beside,
        )
