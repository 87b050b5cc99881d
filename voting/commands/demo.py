"""``congress demo``: the meeting server with a sample 54-deputy town meeting, ready to use.

The first run creates ``var/demo/`` (database, log key, demo accounts) and opens the sample
meeting; later runs reuse it, so nothing done in a demo is lost by restarting it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

from audit.keys import create_key_file, load_signer
from audit.tables import create_engine_for
from voting import actions, sample
from voting.app import utc_now
from voting.commands.serve import serve
from voting.congress import Congress
from voting.settings import Settings

DEFAULT_PORT = 8000
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
        "--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)), help="端口 / port"
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address")
    parser.add_argument(
        "--data", type=Path, default=DEMO_DIR, help="演示数据目录 / demo data directory"
    )
    parser.set_defaults(func=run)


def demo_settings(data: Path) -> Settings:
    return Settings(
        data_dir=data,
        database_url=f"sqlite:///{data / 'congress.sqlite'}",
        log_key_path=data / "log-key.pem",
    )


async def seed(settings: Settings) -> dict[str, Any]:
    """Create the demo accounts, tokens and the opened sample meeting; return the credentials."""
    congress = Congress(
        engine=create_engine_for(settings.database_url),
        signer_for=lambda origin: load_signer(settings.log_key_path, origin),
        clock=utc_now,
    )
    congress.create_account(CHAIR[0], "admin", CHAIR[1])
    congress.create_account(OPERATOR[0], "operator", OPERATOR[1])
    congress.create_meeting(
        meeting=sample.MEETING,
        origin=sample.ORIGIN,
        title=sample.TITLE,
        date=sample.DATE,
        settings={},
    )
    congress.set_roster(sample.MEETING, sample.roster())
    service = await congress.open_meeting(sample.MEETING, by=CHAIR[0])
    await service.submit(lambda state: actions.set_agenda(state, items=sample.agenda_items()))
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


def banner(credentials: dict[str, Any], host: str, port: int, data: Path) -> str:
    base = f"http://{host}:{port}"
    return f"""
==================================================================
 congress-vote 演示 / demo — {sample.TITLE}
==================================================================
 服务器 / server      {base}
 接口文档 / API       {base}/openapi.json
 会议 / meeting       {sample.MEETING}（54名代表，议程7项 / 54 deputies, 7 items）
 主持人 / chair       用户名 {credentials["chair"]["username"]}  密码 {credentials["chair"]["password"]}
 工作人员 / operator  用户名 {credentials["operator"]["username"]}  密码 {credentials["operator"]["password"]}
 大屏令牌 / display   {credentials["display_token"]}
 审计令牌 / auditor   {credentials["auditor_token"]}
 日志公钥 / log key   {credentials["log_key"]}

 试一试 / try:
   curl -s -X POST {base}/api/login -H 'content-type: application/json' \\
        -d '{{"username":"chair","password":"{credentials["chair"]["password"]}"}}'
   curl -s {base}/api/meetings/{sample.MEETING} -H "Authorization: Bearer <token>"
 数据目录 / data: {data}（删除它即可重置演示 / delete it to reset the demo）
 按 Ctrl+C 停止 / press Ctrl+C to stop
==================================================================
"""


def run(args: argparse.Namespace) -> int:
    credentials = prepare(args.data)
    print(banner(credentials, args.host, args.port, args.data), flush=True)
    return serve(demo_settings(args.data), args.host, args.port)
