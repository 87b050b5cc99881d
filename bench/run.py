"""The plenary benchmark: one machine, N tablets, the goals of a national plenary (3,000).

    .venv/bin/python bench/run.py [--tablets 3000] [--clients 2] [--verify-entries 1000000]
                                  [--db postgresql | --db postgresql://…] [--json]

Starts ``congress serve`` (a fresh ``congress init`` data directory) and drives it from separate
client processes over real WebSockets with the tablet simulator (:mod:`bench.plenary`) on a
SQLite database; with ``--db``, then once more on PostgreSQL, printed in a column beside SQLite.
Then it runs the same scenario against a bare Starlette/uvicorn echo server with the same settings, the
same client processes and the same message sizes (:mod:`bench.echo`): the baseline. Then
``congress verify``'s verifier on a bundle of ``--verify-entries`` entries built by
``bench/audit.py`` (0 skips it), and ``ballots.tally`` on 3,000 election ballots × 50 candidates
(``bench/tally.py``). Prints a table; with ``--json`` one JSON object instead (the table then goes
to standard error). Progress goes to standard error. See ``bench/README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the import path, where ``audit.py`` would
# hide the ``audit`` package: put the repository's root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from typing import Any  # noqa: E402

from audit.verify import verify_bundle  # noqa: E402
from audit.verify.signature_pool import SignaturePool  # noqa: E402
from ballots import tally  # noqa: E402
from bench import tally as tally_bench  # noqa: E402
from bench.audit import build_bundle  # noqa: E402
from bench.ceiling import Ceiling, ceiling, ed25519_per_s  # noqa: E402
from bench.encrypted import EncryptedFigures, agenda_items, run_encrypted  # noqa: E402
from bench.load import BenchError, Clients  # noqa: E402
from bench.plenary import Figures, percentile, run_congress, run_echo  # noqa: E402
from bench.postgres import ClusterError, throwaway_database  # noqa: E402
from voting.cli.serve import raise_open_file_limit  # noqa: E402
from voting.cli.simulate import SimulateFailed  # noqa: E402

#: Deputies in the verified bundle at most: the national plenary.
BUNDLE_DEPUTIES = 3_000


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_verify(entries: int, scratch: Path) -> dict[str, Any]:
    """Build a bundle of about ``entries`` entries, measure the machine's ceiling (bare Ed25519
    verification on every core, :mod:`bench.ceiling`) and time the full verification."""
    if entries <= 0:
        return dict.fromkeys(VERIFY_KEYS, None) | {"entries": 0}
    directory = scratch / "bundle"
    deputies = min(BUNDLE_DEPUTIES, max(2, entries // 300))
    meeting = build_bundle(entries, deputies, directory)
    file_bytes = (directory / "entries.jsonl").stat().st_size
    workers = SignaturePool.automatic_workers(file_bytes)
    processes, bare = ed25519_per_s()
    say(f"ceiling: bare Ed25519 verification {bare:,.0f} signatures/s in {processes} process(es)")
    say(f"verifying {meeting.tree.size:,} entries ({workers} signature process(es))")
    main_before, workers_before = time.process_time(), children_cpu_seconds()
    started = time.monotonic()
    report = verify_bundle(directory, vkey=meeting.signer.vkey())
    seconds = time.monotonic() - started
    # The signature processes have ended (joined) when verify_bundle returns: their CPU time is
    # counted among this process's waited-for children.
    main_cpu, workers_cpu = (
        time.process_time() - main_before,
        children_cpu_seconds() - workers_before,
    )
    if not report.ok:
        raise BenchError("the benchmark's bundle did not verify")
    say(f"  {meeting.tree.size / seconds:,.0f} entries/s ({seconds:.1f} s)")
    limit = ceiling(bare, processes, meeting.tree.size, meeting.signatures)
    return verify_figures(meeting.tree.size, seconds, limit) | {
        "workers": workers,
        "signatures": meeting.signatures,
        "megabytes": round(file_bytes / 1e6),
        "main_us_per_entry": round(main_cpu / meeting.tree.size * 1e6, 1),
        "workers_us_per_entry": round(workers_cpu / meeting.tree.size * 1e6, 1),
        "bare_us_per_signature": round(processes / bare * 1e6, 1),
    }


def children_cpu_seconds() -> float:
    """CPU time (user and system) of this process's ended and waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: The verify group's keys (all None but ``entries`` when the verification is skipped).
VERIFY_KEYS = (
    "entries",
    "entries_per_s",
    "ceiling_per_s",
    "vs_ceiling",
    "ed25519_per_s",
    "ed25519_processes",
    "seconds",
    "workers",
    "signatures",
    "megabytes",
    "main_us_per_entry",
    "workers_us_per_entry",
    "bare_us_per_signature",
)


def verify_figures(entries: int, seconds: float, limit: Ceiling) -> dict[str, Any]:
    """The verifier's rate, the machine's ceiling for the same bundle, and their ratio."""
    rate = entries / seconds
    return {
        "entries": entries,
        "entries_per_s": round(rate),
        "ceiling_per_s": round(limit.entries_per_s),
        "vs_ceiling": _r(rate / limit.entries_per_s),
        "ed25519_per_s": round(limit.signatures_per_s),
        "ed25519_processes": limit.processes,
        "seconds": round(seconds, 2),
    }


@contextmanager
def postgresql_database(db: str) -> Iterator[str]:
    """The PostgreSQL database to run on: the URL given, or ``postgresql`` for a throwaway cluster
    of its own (:mod:`bench.postgres`, durable as SQLite is), deleted afterwards."""
    if db != "postgresql":
        yield db
        return
    say("starting a throwaway PostgreSQL cluster")
    with throwaway_database("bench") as url:
        yield url


def measure_tally() -> dict[str, Any]:
    document = tally_bench.election_document(random.Random(tally_bench.SEED))
    counted = tally_bench.best_ms(lambda: tally(document))
    baseline = tally_bench.best_ms(lambda: tally_bench.counter_marks(document))
    say(f"tally: {counted:.1f} ms (plain Counter pass {baseline:.1f} ms)")
    return {"ms_3000x50": round(counted, 1), "baseline_ms": round(baseline, 1)}


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def results(
    tablets: int,
    clients: int,
    congress: Figures,
    echo: Figures,
    verify: dict[str, Any],
    counting: dict[str, Any],
    load: tuple[list[float], list[float]],
    postgresql: Figures | None = None,
) -> dict[str, Any]:
    """The JSON document: the meeting server's figures on SQLite at the top level; with
    ``postgresql``, the same groups measured on PostgreSQL (and their goals) under
    ``"postgresql"`` (else ``None``)."""
    document: dict[str, Any] = {
        "tablets": tablets,
        "clients": clients,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": [_r(v, 2) for v in load[0]],
            "load_after": [_r(v, 2) for v in load[1]],
        },
        **server_results(congress, echo),
        "verify": verify,
        "tally": counting,
    }
    document["goals"] = goals(document, tablets)
    document["postgresql"] = None
    if postgresql is not None:
        groups = server_results(postgresql, echo)
        met = goals(document | groups, tablets)
        groups["goals"] = {n: v for n, v in met.items() if n.split(".")[0] in groups}
        document["postgresql"] = groups
    return document


def server_results(congress: Figures, echo: Figures) -> dict[str, Any]:
    """The groups of figures that the meeting server's run measured, beside the echo baseline."""
    vs_echo = congress.per_s / echo.per_s if echo.per_s else 0.0
    return {
        "burst": {
            "accepted": congress.accepted,
            "sent": len(congress.burst),
            "p50_ack_s": _r(percentile(congress.burst, 0.50)),
            "p99_ack_s": _r(percentile(congress.burst, 0.99)),
            "per_s": round(congress.per_s),
            "vs_echo": _r(vs_echo),
            "echo_p99_ack_s": _r(percentile(echo.burst, 0.99)),
            "echo_per_s": round(echo.per_s),
        },
        "fanout": {
            "p50_s": _r(percentile(congress.fanout, 0.50)),
            "p99_s": _r(percentile(congress.fanout, 0.99)),
            "echo_p99_s": _r(percentile(echo.fanout, 0.99)),
        },
        "reconnect": {
            "resynced_s": _r(congress.reconnect_s, 2),
            "failed": congress.reconnect_failed,
            "echo_resynced_s": _r(echo.reconnect_s, 2),
        },
        "memory": {
            "kib_per_tablet": _r(congress.kib_per_tablet, 1),
            "rss_before_mib": _r(congress.rss_before_kib / 1024, 1),
            "rss_after_mib": _r(congress.rss_after_kib / 1024, 1),
            "echo_kib_per_tablet": _r(echo.kib_per_tablet, 1),
        },
        "sign_in": {
            "all_s": _r(congress.sign_in_s),
            "settled_s": _r(congress.settled_s or 0.0),
            "failed": congress.sign_in_failed,
            "echo_all_s": _r(echo.sign_in_s),
        },
        "close": {"s": _r(congress.close_s or 0.0)},
        "encrypted": encrypted_results(congress.then),
    }


def encrypted_results(figures: EncryptedFigures | None) -> dict[str, Any]:
    """The encrypted burst's figures (all None when it was skipped)."""
    if figures is None:
        keys = ("accepted", "sent", "p50_ack_s", "p99_ack_s", "per_s", "ceremony_s", "close_s")
        return dict.fromkeys(keys)
    burst = figures.burst
    return {
        "accepted": burst.accepted,
        "sent": len(burst.latencies),
        "p50_ack_s": _r(percentile(burst.latencies, 0.50)),
        "p99_ack_s": _r(percentile(burst.latencies, 0.99)),
        "per_s": round(burst.accepted / burst.seconds) if burst.seconds > 0 else 0,
        "ceremony_s": _r(figures.ceremony_s, 2),
        "close_s": _r(figures.close_s, 2),
    }


#: The goals at 3,000 tablets: figure → (text, test).
GOALS: dict[str, tuple[str, Callable[[Any, int], bool]]] = {
    "burst.accepted": ("all", lambda v, n: v == n),
    "burst.p99_ack_s": ("≤ 1.0", lambda v, n: v <= 1.0),
    "burst.vs_echo": ("≥ 0.5", lambda v, n: v >= 0.5),
    "encrypted.accepted": ("all", lambda v, n: v == n),
    "encrypted.p99_ack_s": ("≤ 3.0", lambda v, n: v <= 3.0),
    "fanout.p99_s": ("≤ 0.25", lambda v, n: v <= 0.25),
    "reconnect.resynced_s": ("≤ 5", lambda v, n: v <= 5.0),
    "memory.kib_per_tablet": ("≤ 64", lambda v, n: v <= 64.0),
    "verify.vs_ceiling": ("≥ 0.9", lambda v, n: v >= 0.9),
    "tally.ms_3000x50": ("≤ 100", lambda v, n: v <= 100.0),
}


def figure(document: dict[str, Any], name: str) -> Any:
    group, key = name.split(".")
    return document[group][key]


def goals(document: dict[str, Any], tablets: int) -> dict[str, bool | None]:
    met: dict[str, bool | None] = {}
    for name, (_, test) in GOALS.items():
        value = figure(document, name)
        met[name] = None if value is None else bool(test(value, tablets))
    for burst in ("burst", "encrypted"):  # a p99 over the ballots that got through is no p99
        if met[f"{burst}.accepted"] is False:
            met[f"{burst}.p99_ack_s"] = False
    return met


#: Table rows: figure, its echo-baseline counterpart (or None), unit.
ROWS: list[tuple[str, str | None, str]] = [
    ("burst.accepted", None, "ballots"),
    ("burst.p50_ack_s", None, "s"),
    ("burst.p99_ack_s", "burst.echo_p99_ack_s", "s"),
    ("burst.per_s", "burst.echo_per_s", "ballots/s"),
    ("burst.vs_echo", None, ""),
    ("encrypted.accepted", None, "ballots"),
    ("encrypted.p50_ack_s", None, "s"),
    ("encrypted.p99_ack_s", None, "s"),
    ("encrypted.per_s", None, "ballots/s"),
    ("encrypted.ceremony_s", None, "s"),
    ("fanout.p50_s", None, "s"),
    ("fanout.p99_s", "fanout.echo_p99_s", "s"),
    ("reconnect.resynced_s", "reconnect.echo_resynced_s", "s"),
    ("memory.kib_per_tablet", "memory.echo_kib_per_tablet", "KiB"),
    ("sign_in.all_s", "sign_in.echo_all_s", "s"),
    ("sign_in.settled_s", None, "s"),
    ("close.s", None, "s"),
    ("verify.entries_per_s", None, "entries/s"),
    ("verify.ceiling_per_s", None, "entries/s"),
    ("verify.vs_ceiling", None, ""),
    ("tally.ms_3000x50", "tally.baseline_ms", "ms"),
]


def _show(value: Any) -> str:
    if value is None:
        return "skipped"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


#: The meeting server's columns when it ran on both databases.
SERVER_COLUMNS = ["sqlite", "postgresql"]


def _cell(server: dict[str, Any], name: str) -> str:
    """A figure of one server's run as printed: empty if that run does not have it."""
    group, key = name.split(".")
    if group not in server:
        return ""
    value = _show(server[group][key])
    if key == "accepted" and value != "skipped":
        value = f"{value} of {server[group]['sent']:,}"
    return value


def _verdict(server: dict[str, Any], name: str) -> str:
    met = server["goals"]
    return {True: "yes", False: "NO", None: "—"}[met[name]] if name in met else ""


def table(document: dict[str, Any]) -> list[str]:
    """The printed table: each figure of the meeting server (on SQLite, and on PostgreSQL when it
    was measured too), its echo-baseline counterpart, unit, goal and whether it was met."""
    machine = document["machine"]
    postgresql = document.get("postgresql")
    servers = [document] if postgresql is None else [document, postgresql]
    titles, width = (["congress"], 12) if postgresql is None else (SERVER_COLUMNS, 16)
    columns = "".join(f"{title:>{width}}" for title in titles)
    lines = [
        f"plenary benchmark: {document['tablets']:,} tablets, {document['clients']} client "
        f"processes, {machine['cpus']} cores, Python {machine['python']}, load average "
        f"{machine['load_before'][0]:.2f} before, {machine['load_after'][0]:.2f} after",
        "",
        f"{'figure':<24}{columns}{'echo baseline':>16}  {'unit':<11}{'goal':<11}met",
    ]
    for name, echo_name, unit in ROWS:
        values = "".join(f"{_cell(server, name):>{width}}" for server in servers)
        echo = _show(figure(document, echo_name)) if echo_name else ""
        goal = GOALS[name][0] if name in GOALS else ""
        if name in ("burst.accepted", "encrypted.accepted") and _cell(document, name) != "skipped":
            goal = f"all {document['tablets']:,}"
        verdict = "/".join(_verdict(server, name) for server in servers).strip("/")
        lines.append(f"{name:<24}{values}{echo:>16}  {unit:<11}{goal:<11}{verdict}".rstrip())
    if postgresql is not None:
        lines.append("")
        lines.append(
            "met: on SQLite/on PostgreSQL; the verifier and the tally do not use the database"
        )
    verify = document["verify"]
    if verify["entries"]:
        lines.append("")
        lines.append(
            f"verify: {verify['entries']:,} entries ({verify['megabytes']:,} MB, "
            f"{verify['signatures']:,} tablet signatures) in {verify['seconds']} s with "
            f"{verify['workers']} signature process(es); ceiling: bare Ed25519 verification "
            f"{verify['ed25519_per_s']:,} signatures/s in {verify['ed25519_processes']} "
            "process(es)"
        )
        lines.append(
            f"verify CPU: main process {verify['main_us_per_entry']} µs an entry, signature "
            f"processes {verify['workers_us_per_entry']} µs an entry; bare Ed25519 "
            f"{verify['bare_us_per_signature']} µs a signature"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tablets", type=int, default=3_000, metavar="N")
    parser.add_argument("--clients", type=int, default=2, metavar="K", help="client processes")
    parser.add_argument(
        "--verify-entries",
        type=int,
        default=1_000_000,
        metavar="N",
        help="entries in the verified bundle (0 skips the verification figure)",
    )
    parser.add_argument(
        "--connect-limit", type=int, default=64, metavar="L", help="handshakes in flight per client"
    )
    parser.add_argument(
        "--no-encrypted",
        action="store_true",
        help="skip the encrypted burst (key ceremony, encrypted motion)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="also run the meeting server on PostgreSQL: an empty database's postgresql://… URL, "
        "or 'postgresql' for a throwaway cluster started for the run",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.tablets < 2 or args.clients < 1 or args.clients > args.tablets:
        parser.error("need at least 2 tablets and between 1 and N client processes")
    if args.db is not None and args.db != "postgresql" and not args.db.startswith("postgresql://"):
        parser.error("--db takes 'postgresql' or a postgresql://… URL (SQLite is always measured)")
    raise_open_file_limit()
    load_before = list(os.getloadavg())
    try:
        with (
            tempfile.TemporaryDirectory(prefix="congress-bench-") as scratch,
            Clients(args.clients) as clients,
        ):
            encrypted = not args.no_encrypted

            def meeting_server(db: str | None) -> Figures:
                return run_congress(
                    clients,
                    args.tablets,
                    connect_limit=args.connect_limit,
                    say=say,
                    extra_items=agenda_items if encrypted else None,
                    then=(lambda session, figures: run_encrypted(session, figures, say))
                    if encrypted
                    else None,
                    db=db,
                )

            congress = meeting_server(None)
            postgresql = None
            if args.db is not None:
                with postgresql_database(args.db) as url:
                    postgresql = meeting_server(url)
            echo = run_echo(
                clients,
                args.tablets,
                congress.sizes,
                connect_limit=args.connect_limit,
                scratch=Path(scratch),
                say=say,
            )
            clients.close()
            load_after = list(os.getloadavg())
            verify = measure_verify(args.verify_entries, Path(scratch))
            counting = measure_tally()
    except (BenchError, SimulateFailed, ClusterError) as error:
        say(f"bench/run.py: {error}")
        return 1
    document = results(
        args.tablets,
        args.clients,
        congress,
        echo,
        verify,
        counting,
        (load_before, load_after),
        postgresql,
    )
    lines = table(document)
    if args.json:
        say("\n".join(lines))
        print(json.dumps(document, ensure_ascii=False))
    else:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
