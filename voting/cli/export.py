"""``congress export --origin ORIGIN --out DIR [--db URL] [--key PATH]``: write a log's bundle.

Opens the meeting's log from the database (re-hashing every entry and checking the stored
checkpoints), signs a checkpoint if the newest one does not cover every entry, and writes the
export bundle of audit-log.md §7 into DIR, which must be absent or empty. Progress goes to
standard error; failures exit with status 1 and a message in Chinese and English.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from audit.errors import AuditError
from audit.keys import (
    KeyFileError,
    KeyFileInvalid,
    KeyFileMissing,
    KeyFilePermissions,
    load_signer,
)
from audit.note import NoteSigner
from audit.store import AuditLog, LogCorruptedError
from audit.tables import ENTRY_TABLE, create_engine_for, sqlite_file
from voting.cli.init import origin_argument
from voting.document_store import DOCUMENTS_DIR
from voting.settings import Settings

EXIT_OK = 0
EXIT_FAILED = 1


class ExportFailed(Exception):
    """The export cannot be done; the message is ``<Chinese> / <English>``."""

    def __init__(self, chinese: str, english: str) -> None:
        super().__init__(f"{chinese} / {english}")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="导出审计日志供核验 / export a meeting's audit log as a bundle for verification",
        description=(
            "导出一次会议的审计日志（记录、签名检查点和公钥）到一个目录，供任何人用"
            " congress verify 核验。 Export a meeting's audit log (entries, signed checkpoints"
            " and public key) to a directory that anyone can check with congress verify."
        ),
    )
    parser.add_argument(
        "--origin",
        required=True,
        type=origin_argument,
        metavar="ORIGIN",
        help="日志名称 / log origin, e.g. xinzhou.congress.local/2026-3",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="输出目录，须不存在或为空 / output directory, absent or empty",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="数据库 URL（默认 $CONGRESS_DB）/ database URL (default: $CONGRESS_DB)",
    )
    parser.add_argument(
        "--key",
        type=Path,
        metavar="PATH",
        help="日志签名密钥文件 / log signing key file (default: var/log-key.pem)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        entries, checkpoints = export(
            origin=args.origin,
            out=args.out,
            url=args.db or settings.database_url,
            key_path=args.key or settings.log_key_path,
            documents=settings.data_dir / DOCUMENTS_DIR,
        )
    except ExportFailed as exc:
        print(f"congress export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"已导出 {entries} 条日志记录和 {checkpoints} 个签名检查点到 {args.out} / "
        f"exported {entries} entries and {checkpoints} checkpoints to {args.out}"
    )
    return EXIT_OK


def export(
    *, origin: str, out: Path, url: str, key_path: Path, documents: Path | None = None
) -> tuple[int, int]:
    """Write the bundle, with the documents the log names from ``documents``; return the
    numbers of entries and checkpoints written."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportFailed(
            f"输出目录 {out} 不是空目录", f"output directory {out} exists and is not empty"
        )
    signer = _load_key(key_path, origin)
    engine = _open_database(url)
    try:
        log = _open_log(engine, origin, signer)
        try:
            return log.export(out, progress=_report, documents=documents)
        except OSError as exc:
            raise ExportFailed(
                f"无法写入 {out}", f"cannot write the bundle to {out}: {exc}"
            ) from None
        except (AuditError, SQLAlchemyError) as exc:
            raise ExportFailed("导出失败", f"export failed: {exc}") from None
    finally:
        engine.dispose()


def _load_key(path: Path, origin: str) -> NoteSigner:
    try:
        return load_signer(path, origin)
    except KeyFileMissing as exc:
        raise ExportFailed(f"找不到日志签名密钥 {path}", exc.message) from None
    except KeyFilePermissions as exc:
        raise ExportFailed(
            f"日志签名密钥 {path} 的权限过宽，请执行 chmod 600 {path}", exc.message
        ) from None
    except KeyFileInvalid as exc:
        raise ExportFailed(f"{path} 不是 Ed25519 日志签名密钥", exc.message) from None
    except KeyFileError as exc:
        raise ExportFailed(f"无法读取日志签名密钥 {path}", exc.message) from None


def _open_database(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ExportFailed("数据库 URL 无效", f"invalid database URL {url!r}") from None
    shown = parsed.render_as_string(hide_password=True)
    path = sqlite_file(parsed)
    if path is not None and not path.is_file():
        raise ExportFailed(f"数据库文件 {path} 不存在", f"database file {path} not found")
    try:
        engine = create_engine_for(parsed)
        has_log = inspect(engine).has_table(ENTRY_TABLE.name)
    except SQLAlchemyError as exc:
        raise ExportFailed(
            f"无法打开数据库 {shown}", f"cannot open database {shown}: {exc}"
        ) from None
    if not has_log:
        engine.dispose()
        raise ExportFailed(
            f"数据库 {shown} 中没有审计日志", f"database {shown} holds no audit log tables"
        )
    return engine


def _open_log(engine: Engine, origin: str, signer: NoteSigner) -> AuditLog:
    try:
        log = AuditLog.open(engine, origin=origin, signer=signer, clock=_now)
    except LogCorruptedError as exc:
        raise ExportFailed("数据库中的审计日志已损坏", exc.message) from None
    except (AuditError, SQLAlchemyError) as exc:
        raise ExportFailed("无法打开审计日志", f"cannot open the audit log: {exc}") from None
    if log.size == 0:
        raise ExportFailed(
            f"数据库中没有名为 {origin} 的日志", f"the database holds no log named {origin}"
        )
    return log


def _report(done: int, total: int) -> None:
    print(f"已导出 {done}/{total} 条 / exported {done} of {total} entries", file=sys.stderr)


def _now() -> datetime:
    return datetime.now(UTC)
