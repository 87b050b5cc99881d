"""``congress init --origin ORIGIN [--key PATH] [--admin NAME] [--host NAME]... [--ip ADDR]...``:
set up a meeting's server.

The log signing key: an Ed25519 key written with mode 0600, never overwritten; with ``--host``
or ``--ip`` (each repeatable), HTTPS for the hall LAN: a local CA and a server certificate for
those names and addresses (:mod:`voting.ca.tls`; the server key with mode 0600, nothing
overwritten); and, with ``--admin``, the first administrator account (its password is read from
the terminal, or from standard input when that is not a terminal).
Its verifier key (vkey) goes to standard output, alone on its line, so it can be captured; the
explanation goes to standard error. Each set-up step is a function in :data:`STEPS`, run in
order; a step that fails stops ``init`` with exit status 1 and a message in Chinese and English.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from audit.keys import KeyFileError, KeyFileExists, check_key_name, create_key_file, load_signer
from audit.tables import create_engine_for
from voting.app import utc_now
from voting.ca import tls
from voting.congress import Congress
from voting.errors import CommandError
from voting.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1


class StepFailed(Exception):
    """A set-up step failed; the message is ``<Chinese> / <English>``."""

    def __init__(self, chinese: str, english: str) -> None:
        super().__init__(f"{chinese} / {english}")


def origin_argument(value: str) -> str:
    """argparse type of ``--origin``: a log origin (non-empty, no whitespace, no '+')."""
    try:
        check_key_name(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日志名称无效，不能为空、不能含空白或“+” / {exc}"
        ) from None
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="初始化：创建日志签名密钥 / set up: create the log signing key",
        description=(
            "初始化：为一次会议的审计日志创建签名密钥，并输出其公钥（vkey）。"
            " Set up: create the signing key of a meeting's audit log and print its public key"
            " (vkey)."
        ),
    )
    parser.add_argument(
        "--origin",
        required=True,
        type=origin_argument,
        metavar="ORIGIN",
        help=(
            "日志名称，如 xinzhou.congress.local/2026-3 / log origin, e.g."
            " xinzhou.congress.local/2026-3"
        ),
    )
    parser.add_argument(
        "--key",
        type=Path,
        metavar="PATH",
        help="密钥文件（默认 $CONGRESS_DATA/log-key.pem）/ key file (default: var/log-key.pem)",
    )
    parser.add_argument(
        "--admin",
        metavar="NAME",
        help="同时创建管理员账户（密码从终端或标准输入读取）/ also create an administrator account",
    )
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "会场局域网中服务器的主机名，可重复；给出后创建本地根证书和服务器证书"
            " / the server's host name on the hall LAN, repeatable: also create a local CA and"
            " a server certificate"
        ),
    )
    parser.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="ADDR",
        help="会场局域网中服务器的 IP 地址，可重复 / the server's IP address on the hall LAN, repeatable",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        for step in STEPS:
            step(args, settings)
    except StepFailed as exc:
        print(f"congress init: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def tls_paths(settings: Settings) -> tls.TlsPaths:
    return tls.TlsPaths(
        ca=settings.tls_ca_path, cert=settings.tls_cert_path, key=settings.tls_key_path
    )


def check_tls_targets(args: argparse.Namespace, settings: Settings) -> None:
    """Before anything is written: refuse existing certificate files and bad names."""
    if not (args.host or args.ip):
        return
    try:
        tls.check_names(args.host, args.ip)
        tls.check_paths_free(tls_paths(settings))
    except tls.TlsError as exc:
        raise StepFailed(exc.zh, exc.en) from None


def create_log_key(args: argparse.Namespace, settings: Settings) -> None:
    """Create the log signing key and print its vkey."""
    path: Path = args.key or settings.log_key_path
    try:
        signer = create_key_file(path, args.origin)
    except KeyFileExists:
        raise StepFailed(
            f"密钥文件 {path} 已存在，不会覆盖",
            f"key file {path} already exists; refusing to overwrite it",
        ) from None
    except KeyFileError as exc:
        raise StepFailed("无法创建日志签名密钥", exc.message) from None
    except OSError as exc:
        raise StepFailed(
            f"无法写入密钥文件 {path}", f"cannot write key file {path}: {exc.strerror}"
        ) from None
    print(signer.vkey(), flush=True)
    print(
        f"已创建日志签名密钥 / log signing key created: {path} (权限 600 / mode 600)\n"
        "标准输出中的那一行是本次会议日志的公钥（vkey）。请把它印入会议记录，"
        "审计人员用它核验导出的日志。\n"
        "The line on standard output is the public key (vkey) of this meeting's log. Print it in"
        " the minutes: auditors use it to verify the exported log.\n"
        "请备份并妥善保管密钥文件：持有它的人可以用本日志的名义签名。\n"
        "Back up the key file and keep it private: whoever holds it can sign in this log's name.",
        file=sys.stderr,
    )


def create_hall_tls(args: argparse.Namespace, settings: Settings) -> None:
    """With ``--host``/``--ip``: the local CA and the server certificate for the hall LAN."""
    if not (args.host or args.ip):
        return
    paths = tls_paths(settings)
    try:
        made = tls.create_hall_certificates(paths, origin=args.origin, names=args.host, ips=args.ip)
    except tls.TlsError as exc:
        raise StepFailed(exc.zh, exc.en) from None
    except OSError as exc:
        raise StepFailed(
            "无法写入证书文件", f"cannot write the certificate files: {exc.strerror}"
        ) from None
    names = ", ".join([*args.host, *args.ip])
    print(
        f"已创建会场局域网证书 / hall LAN certificates created for {names}:\n"
        f"  本地根证书 / local CA            {paths.ca}\n"
        f"  服务器证书 / server certificate  {paths.cert}\n"
        f"  服务器私钥 / server key          {paths.key} (权限 600 / mode 600)\n"
        f"  根证书指纹 / CA fingerprint (SHA-256)\n    {made.ca_fingerprint}\n"
        "用 congress serve --tls 启动服务器，平板打开 https://<主机>/ca 安装根证书，"
        "安装时核对上面的指纹。根证书的私钥已销毁，不能再签发其他证书。\n"
        "Start the server with congress serve --tls; tablets install the CA from"
        " https://<host>/ca (check the fingerprint above). The CA's private key was discarded:"
        " no other certificate can ever be issued under it.",
        file=sys.stderr,
    )


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("管理员密码 / administrator password: ")
        if getpass.getpass("再输入一次 / again: ") != first:
            raise StepFailed("两次输入的密码不一致", "the passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\n")


def create_admin(args: argparse.Namespace, settings: Settings) -> None:
    """Create the first administrator account in the database."""
    if not args.admin:
        return
    key_path: Path = args.key or settings.log_key_path
    congress = Congress(
        engine=create_engine_for(settings.database_url),
        signer_for=functools.partial(load_signer, key_path),
        clock=utc_now,
    )
    try:
        congress.create_account(args.admin, "admin", read_password())
    except CommandError as exc:
        raise StepFailed(f"无法创建管理员账户：{exc.zh}", exc.en) from None
    print(f"已创建管理员账户 / administrator account created: {args.admin}", file=sys.stderr)


#: Set-up steps, in order. The first only checks, so that refused certificates leave no key behind.
STEPS: tuple[Callable[[argparse.Namespace, Settings], None], ...] = (
    check_tls_targets,
    create_log_key,
    create_hall_tls,
    create_admin,
)
