"""``congress promote [--db URL]``: promote the standby PostgreSQL database to the primary.

The operator's act in the failover drill (``docs/operations.md`` §14), once the primary machine
is known to be down: it runs ``SELECT pg_promote(true, 60)`` on the standby, which ends its
recovery and makes it writable; the meeting server waiting on it (``standby``) notices within a
fraction of a second and serves. Nothing promotes a standby on its own: two writable copies of
the log (a split brain) would fork it. The command refuses a database that is not a standby,
and SQLite.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from voting.settings import Settings
from voting.standby import database_in_recovery

#: Seconds ``pg_promote`` waits for the promotion to finish.
PROMOTE_WAIT_S = 60
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "promote",
        help="将备库提升为主库 / promote the standby database to the primary",
        description=(
            "确认主服务器已停止后，将备用 PostgreSQL 数据库提升为主库；备用服务器随即开始服务。"
            " Once the primary is known to be down, promote the standby PostgreSQL database;"
            " the standby's meeting server then serves."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="备库 URL（默认 $CONGRESS_DB）/ the standby's database URL (default: $CONGRESS_DB)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    url = args.db or Settings.from_env().database_url
    if make_url(url).get_backend_name() != "postgresql":
        return _failed("只有 PostgreSQL 备库可以提升", "only a PostgreSQL standby can be promoted")
    try:
        if not database_in_recovery(url):
            return _failed("该数据库不是备库，已是主库", "this database is not a standby")
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                promoted = conn.execute(
                    text("SELECT pg_promote(true, :wait)"), {"wait": PROMOTE_WAIT_S}
                ).scalar_one()
        finally:
            engine.dispose()
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        return _failed(f"无法连接或提升备库（{reason}）", f"cannot promote the standby: {reason}")
    if not promoted:
        return _failed(
            f"备库在 {PROMOTE_WAIT_S} 秒内未完成提升", f"not promoted within {PROMOTE_WAIT_S} s"
        )
    print("备库已提升为主库 / the standby database was promoted to the primary", flush=True)
    return 0


def _failed(chinese: str, english: str) -> int:
    print(f"congress promote: {chinese}。 {english[0].upper()}{english[1:]}.", file=sys.stderr)
    return EXIT_FAILED
