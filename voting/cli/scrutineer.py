"""``congress scrutineer --server URL --code CODE --state FILE``: run one scrutineer's station.

The station is the scrutineer's own laptop (监票终端). On first run it makes a signing key,
pairs with the one-time code the console printed (``--code``) and keeps everything in
``--state`` (created 0600, never sent). It then polls the meeting's ceremony board, checks every
message with its own copy of the ceremony, and posts its messages round by round, printing a
line per step in Chinese and English. When the key is complete it prints the backup card (and
writes it to ``--card``) and goes on answering liveness challenges until interrupted, or exits
with ``--until-key``. ``--restore CARD`` puts a share back on a newly paired station from its
backup card, after checking it against the sitting's key (``s_j·G = Y_j``).

During the sitting, given an auditor token (``--token`` or ``CONGRESS_AUDITOR_TOKEN``) to read
the log, it offers to decrypt each encrypted poll that closes: it verifies the log with the
meeting's log key, recomputes the aggregate, shows the number of counted ballots and asks for
``y`` (``--yes``: confirmed in advance), then posts its decryption shares.

With ``--page`` the station also serves its own page on this laptop (127.0.0.1 only, a random
port unless ``--page-port``) and prints its address, which carries a secret drawn for this run:
the page shows the station's progress and backup card, and asks the person there (instead of
the terminal) before each decryption. The page's files are the package's own, never fetched
from the meeting server. The terminal lines are printed as before.

Exit status: 0 when stopped (or the key is complete with ``--until-key``), 1 on a refusal or
a failure, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ballots.crypto.errors import CryptoError
from ballots.crypto.threshold.ceremony import Phase
from devices.scrutineer.client import HttpTransport, ServerRefused, StationClient
from devices.scrutineer.local_state import (
    StationStateError,
    load_state,
    new_state,
    save_state,
)
from devices.scrutineer.page_server import PageServer, create_page_app
from devices.scrutineer.page_view import PageView
from devices.scrutineer.station import Station, StepResult
from devices.scrutineer.steps import Outgoing, backup_card, restore_from_card
from devices.scrutineer.tally import DecryptionRefused, Offer, confirmation
from voting.pages import COMMON_DIR

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: Seconds between two reads of the board (``--interval``).
POLL_INTERVAL_S = 2.0

_ROUND_OF_SLOT = {
    "announcement": 1,
    "share": 2,
    "acceptance": 3,
    "complaint": 3,
    "verification-key": 4,
    "test-decryption": 5,
}
_WHAT = {
    "announcement": ("公告（传输密钥与承诺）", "announcement (transport key, commitments)"),
    "share": ("加密份额", "sealed share"),
    "acceptance": ("确认全部份额有效", "acceptance of every share"),
    "complaint": ("对发送方的投诉", "complaint against a dealer"),
    "verification-key": ("验证密钥", "verification key"),
    "test-decryption": ("试解密份额", "test decryption share"),
}
_PHASES = {
    Phase.ANNOUNCEMENTS: ("第 1 轮：公告", "round 1: announcements"),
    Phase.SHARES: ("第 2 轮：分发份额", "round 2: sealed shares"),
    Phase.ACCEPTANCES: ("第 3 轮：核对份额", "round 3: checking shares"),
    Phase.VERIFICATION_KEYS: ("第 4 轮：验证密钥", "round 4: verification keys"),
    Phase.TEST_DECRYPTION: ("第 5 轮：试解密", "round 5: test decryption"),
    Phase.COMPLETE: ("密钥已生成", "the key is complete"),
    Phase.FAILED: ("本次仪式失败，等待主持人重新开始", "this run failed; waiting for a new run"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "scrutineer",
        help="运行监票人终端（密钥仪式与在线确认）/ run a scrutineer's station",
        description=(
            "在监票人自己的电脑上运行监票终端：配对、参加密钥仪式、保管份额、回答在线确认、"
            "确认后解密。加 --page 时在本机浏览器中显示终端页面（仅 127.0.0.1，地址含本次随机"
            "密钥），在页面上确认解密。"
            " Run a scrutineer's station on their own laptop: pair, take part in the key "
            "ceremony, keep the share, answer liveness challenges, decrypt once confirmed. "
            "With --page it also serves its own page to a browser on this laptop (127.0.0.1 "
            "only, the address carrying a secret of this run), where decryption is confirmed."
        ),
    )
    parser.add_argument("--server", required=True, metavar="URL", help="会议服务器 / server URL")
    parser.add_argument(
        "--state",
        required=True,
        type=Path,
        metavar="FILE",
        help="终端状态文件（含密钥，权限 0600）/ the station's state file (secrets, mode 0600)",
    )
    parser.add_argument(
        "--code", metavar="CODE", help="控制台给出的一次性配对码 / the one-time pairing code"
    )
    parser.add_argument(
        "--meeting", default="m1", metavar="ID", help="会议编号 / the meeting id (default m1)"
    )
    parser.add_argument(
        "--station", metavar="ID", help="终端编号 / this station's id (default: random)"
    )
    parser.add_argument(
        "--cafile", metavar="PEM", help="信任的会议证书机构 / the meeting's CA certificate"
    )
    parser.add_argument(
        "--card",
        type=Path,
        metavar="FILE",
        help="密钥生成后把备份卡写入此文件（0600）/ write the backup card here (mode 0600)",
    )
    parser.add_argument(
        "--restore",
        type=Path,
        metavar="CARD",
        help="从备份卡恢复份额 / restore the share from a backup card file",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=POLL_INTERVAL_S,
        metavar="S",
        help=f"轮询间隔秒数 / seconds between reads of the board (default {POLL_INTERVAL_S})",
    )
    parser.add_argument(
        "--until-key",
        action="store_true",
        help="密钥生成后退出 / exit once the key is complete",
    )
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        default=os.environ.get("CONGRESS_AUDITOR_TOKEN"),
        help=(
            "审计只读令牌，用于读取日志并解密（或环境变量 CONGRESS_AUDITOR_TOKEN）"
            " / an auditor token to read the log for decrypting (or CONGRESS_AUDITOR_TOKEN)"
        ),
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="解密前不再询问（脚本使用）/ decrypt without asking (scripted use)",
    )
    parser.add_argument(
        "--page",
        action="store_true",
        help=(
            "在本机浏览器中显示终端页面，解密前在页面上确认"
            " / serve the station's own page on this laptop and confirm decryption there"
        ),
    )
    parser.add_argument(
        "--page-port",
        type=int,
        default=0,
        metavar="PORT",
        help="页面端口（仅 127.0.0.1；默认随机）/ the page's port on 127.0.0.1 (default: random)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="超过此秒数仍未完成则退出 / give up after this many seconds",
    )
    parser.set_defaults(func=run)


def say(zh: str, en: str) -> None:
    print(f"{zh} / {en}", flush=True)


def _on_event(event: str, detail: Any) -> None:
    if event == "paired":
        say(
            f"已配对：代表 {detail['deputy']}，终端 {detail['station']}",
            f"paired: deputy {detail['deputy']}, station {detail['station']}",
        )
    elif _decrypt_event(event, detail):
        return
    elif event == "posted" and isinstance(detail, Outgoing):
        if detail.endpoint == "liveness":
            poll = detail.fields["poll"]
            say(f"已回答表决 {poll} 的在线确认", f"answered the liveness challenge of poll {poll}")
            return
        if detail.endpoint != "ceremony":
            return
        name, _, other = detail.slot.partition(":")
        zh, en = _WHAT[name]
        to = f" → {other}" if other else ""
        say(
            f"第 {_ROUND_OF_SLOT[name]} 轮：已发送{zh}{to}",
            f"round {_ROUND_OF_SLOT[name]}: posted {en}{to}",
        )


def _decrypt_event(event: str, detail: Any) -> bool:
    if event == "decrypted" and isinstance(detail, Offer):
        say(
            f"已提交表决 {detail.poll} 的解密份额（{detail.counted} 张选票）",
            f"posted the decryption shares of poll {detail.poll} ({detail.counted} ballots)",
        )
        return True
    if event == "declined":
        say(f"未解密表决 {detail}（未确认）", f"did not decrypt poll {detail} (not confirmed)")
        return True
    return False


def confirmer(yes: bool) -> Callable[[Offer], bool]:
    """Ask a person at the station (``yes``: confirmed in advance, for scripted use)."""

    def confirm(offer: Offer) -> bool:
        print(confirmation(offer), flush=True)
        if yes:
            say("已由 --yes 确认", "confirmed by --yes")
            return True
        try:
            answer = input("> ").strip().lower()
        except EOFError:
            return False
        return answer in {"y", "yes", "是", "确认"}

    return confirm


def page_confirmer(view: PageView, station: Station, interval: float) -> Callable[[Offer], bool]:
    """Ask the person on the station's page; the station keeps answering while it waits."""

    def confirm(offer: Offer) -> bool:
        say(
            f"请在终端页面上确认是否解密表决 {offer.poll}",
            f"answer on the station's page whether to decrypt poll {offer.poll}",
        )
        return view.ask(offer, interval=interval, meanwhile=lambda: _step(station, view))

    return confirm


def _step(station: Station, view: PageView) -> None:
    """One step while a decryption waits for its answer on the page (liveness answers go on)."""
    try:
        result = station.step()
    except (OSError, ServerRefused) as error:
        _lost(error, view)
        return
    _show(view, station, result)


def _lost(error: Exception, view: PageView | None) -> None:
    """The hall network dropped (the state is kept; the station tries again)."""
    zh, en = f"连接中断，稍后重试：{error}", f"connection lost, retrying: {error}"
    say(zh, en)
    if view is not None:
        view.error("connection-lost", zh, en)


def _show(view: PageView | None, station: Station, result: StepResult) -> None:
    if view is not None:
        view.see_state(station.state)
        view.see_board(result.board or {}, station.ceremony, result.faults)


def _decrypt(station: Station, args: argparse.Namespace, view: PageView | None) -> None:
    """Offer decryption of any closed encrypted poll (only with an auditor token)."""
    if not args.token or not station.complete:
        return
    ask = (
        confirmer(args.yes)
        if view is None or args.yes
        else page_confirmer(view, station, args.interval)
    )
    try:
        station.decrypt(args.token, ask)
    except DecryptionRefused as error:
        say(f"拒绝解密：{error.zh}（{error.code}）", f"refusing to decrypt: {error.en}")
        if view is not None:
            view.error(error.code, error.zh, error.en)
    except ServerRefused as error:
        say(f"服务器拒绝解密份额：{error.message}（{error.code}）", f"shares refused: {error}")
        if view is not None:
            view.error(error.code, error.message, error.message_en)


def _station(args: argparse.Namespace) -> Station | int:
    """The station from its state file, or a new one paired with ``--code``."""
    transport = HttpTransport(args.server, cafile=args.cafile)
    if args.state.exists():
        state = load_state(args.state)
        return Station(state, StationClient(transport, state.meeting), path=args.state)
    if not args.code:
        print(
            "错误：首次运行需要 --code 配对码 / error: the first run needs --code", file=sys.stderr
        )
        return EXIT_USAGE
    station_id = args.station or f"station-{secrets.token_hex(4)}"
    state = new_state(server=args.server, meeting=args.meeting, station=station_id)
    client = StationClient(transport, args.meeting)
    station = Station(state, client, path=args.state, on_event=_on_event)
    station.pair(args.code)
    return station


def _write_card(station: Station, path: Path | None, view: PageView | None) -> None:
    card = backup_card(station.state)
    if view is not None:
        view.show_card(card)
    say("请打印或抄写备份卡，密封保存：", "print or copy the backup card and seal it:")
    print(card, flush=True)
    if path is not None:
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(card, encoding="utf-8")


def _loop(station: Station, args: argparse.Namespace, view: PageView | None) -> int:
    started = time.monotonic()
    shown: tuple[str | None, Phase | None] = (None, None)
    faults_shown = 0
    carded = station.complete
    while True:
        if args.timeout is not None and time.monotonic() - started > args.timeout:
            say("超时，退出", "timed out")
            return EXIT_FAILED
        try:
            result = station.step()
        except OSError as error:  # the hall network dropped: keep the state, try again
            _lost(error, view)
            time.sleep(args.interval)
            continue
        _show(view, station, result)
        now = (station.state.ceremony, result.phase)
        if result.phase is not None and now != shown:
            zh, en = _PHASES[result.phase]
            say(f"密钥仪式 {now[0]}：{zh}", f"ceremony {now[0]}: {en}")
            if now[0] != shown[0]:
                faults_shown = 0  # a new run: its faults are new
            shown = now
        for fault in result.faults[faults_shown:]:
            say(
                f"过错：监票人 {fault['index']}（{fault['deputy']}）{fault['code']}",
                f"fault: scrutineer {fault['index']} ({fault['deputy']}): {fault['reason']}",
            )
        faults_shown = len(result.faults)
        if station.complete and not carded:
            key = station.state.key_id or ""
            say(f"密钥编号 {key[:16]}…", f"key id {key[:16]}…")
            _write_card(station, args.card, view)
            carded = True
        if station.complete and args.until_key:
            return EXIT_OK
        try:
            _decrypt(station, args, view)
        except OSError as error:
            _lost(error, view)
        time.sleep(args.interval)


def _serve_page(station: Station, port: int) -> tuple[PageView, PageServer]:
    """Start the station's own page on 127.0.0.1 and print its address with this run's secret."""
    view = PageView(label=station.label)
    view.see_state(station.state)
    secret = secrets.token_urlsafe(24)
    page = PageServer(create_page_app(view, secret, i18n_file=COMMON_DIR / "i18n.js"), port=port)
    page.start()
    say(
        "在本机浏览器打开",
        f"open in a browser on this laptop: http://127.0.0.1:{page.port}/{secret}/",
    )
    return view, page


def run(args: argparse.Namespace) -> int:
    page: PageServer | None = None
    try:
        found = _station(args)
        if isinstance(found, int):
            return found
        station = found
        station.on_event = _on_event
        if args.restore is not None:
            j = restore_from_card(
                station.state, station.client.board(), args.restore.read_text(encoding="utf-8")
            )
            save_state(station.state, args.state)
            say(f"已从备份卡恢复第 {j} 号份额", f"restored share {j} from the backup card")
        view = None
        if args.page:
            view, page = _serve_page(station, args.page_port)
            station.on_event = _both(_on_event, view.on_event)
        return _loop(station, args, view)
    except ServerRefused as error:
        say(f"服务器拒绝：{error.message}（{error.code}）", f"refused by the server: {error}")
        return EXIT_FAILED
    except (StationStateError, CryptoError, ValueError, OSError) as error:
        say(f"失败：{error}", f"failed: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        say("已停止", "stopped")
        return EXIT_OK
    finally:
        if page is not None:
            page.stop()


def _both(*tell: Callable[[str, Any], None]) -> Callable[[str, Any], None]:
    def both(event: str, detail: Any) -> None:
        for one in tell:
            one(event, detail)

    return both
