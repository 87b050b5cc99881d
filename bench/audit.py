"""Audit log figures: appending through the store, verifying a bundle, proving a ballot.

    .venv/bin/python bench/audit.py [--entries 1000000] [--append 100000] [--deputies 3000]

(a) append throughput into a SQLite file through ``audit.store.AuditLog``, in transactions of
``--batch`` entries (and, for comparison, one entry per transaction); (b) full verification of a
bundle of ``--entries`` entries built here: a plenary of ``--deputies`` deputies voting poll
after poll by named votes (vote entries with real Ed25519 tablet signatures, results), motions
and a few selections; every signature is verified (encrypted ballots and their proofs are
measured by ``bench/crypto.py`` and the encrypted burst of ``bench/run.py``); (c) inclusion proof generation and verification at that size; (d) baselines measured
in the same run: SHA-256 and ``json.loads`` over the same lines, and Ed25519 verification alone.
Prints figures only; asserts nothing. Progress goes to standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script shares its name with the package it measures: keep its own folder off the import
# path, so that ``import audit`` finds the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import base64  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

from audit.bundle import write_bundle  # noqa: E402
from audit.canonical import canonical_bytes  # noqa: E402
from audit.checkpoint import Checkpoint, sign_checkpoint  # noqa: E402
from audit.entries import format_at  # noqa: E402
from audit.merkle import MerkleTree, leaf_hash, verify_inclusion  # noqa: E402
from audit.note import NoteSigner  # noqa: E402
from audit.store import AuditLog  # noqa: E402
from audit.tables import create_engine_for, init_schema  # noqa: E402
from audit.tablet import TABLET_CONTEXT, sign_tablet_body  # noqa: E402
from audit.verify import verify_bundle  # noqa: E402
from audit.verify.signature_pool import SignaturePool  # noqa: E402
from ballots import tally  # noqa: E402

ORIGIN = "bench.congress.local/2026-1"
START = datetime(2026, 3, 5, 1, 0, 0, tzinfo=UTC)
SEED = b"congress-vote audit bench"
CHECKPOINT_EVERY = 5_000
AGENDA = range(1, 21)
MOTION_CHOICES = ("for", "for", "for", "for", "against", "abstain")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def key_for(label: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(SEED + label.encode()).digest())


class BenchMeeting:
    """Writes a large meeting log entry by entry, signing bodies and checkpoints as it goes."""

    def __init__(self, deputies: int) -> None:
        self.signer = NoteSigner(ORIGIN, key_for("log key"))
        self.ids = [f"d-{number:04d}" for number in range(1, deputies + 1)]
        self.keys = {deputy: key_for(f"device {deputy}") for deputy in self.ids}
        self.counters = dict.fromkeys(self.ids, 0)
        self.tree = MerkleTree()
        self.checkpoints: list[tuple[int, str]] = []
        self.composition: Counter[str] = Counter()
        self.signatures = 0
        self.clock = START
        self.rng = random.Random(2026)

    def entry(self, fields: dict[str, Any], *, timed: bool = True) -> bytes:
        seq = self.tree.size
        record = {"v": 1, "seq": seq, **fields}
        if timed:
            record["at"] = format_at(self.clock)
        data = canonical_bytes(record)
        self.tree.append(leaf_hash(data))
        self.composition[fields["type"]] += 1
        if self.tree.size % CHECKPOINT_EVERY == 0:
            self.checkpoint()
        return data

    def checkpoint(self) -> None:
        size = self.tree.size
        if self.checkpoints and self.checkpoints[-1][0] == size:
            return
        note = sign_checkpoint(Checkpoint(ORIGIN, size, self.tree.root()), self.signer)
        self.checkpoints.append((size, note))

    def signed(self, deputy: str, body_type: str, **fields: Any) -> tuple[dict[str, Any], str]:
        self.counters[deputy] += 1
        device = f"t-{deputy[2:]}"
        body = {"type": body_type, "origin": ORIGIN, "deputy": deputy, "device": device, **fields}
        body["n"] = self.counters[deputy]
        self.signatures += 1
        return body, sign_tablet_body(self.keys[deputy], body)

    def tick(self, seconds: float = 1.0) -> None:
        self.clock += timedelta(seconds=seconds)

    def entries(self, target: int, progress: Callable[[int], None]) -> Iterator[bytes]:
        """``target`` entries: set-up, then polls until the target is reached."""
        signer = self.signer
        yield self.entry(
            {
                "type": "meeting_opened",
                "meeting": {"id": "bench", "title": "基准测试会议", "date": "2026-03-05"},
                "origin": ORIGIN,
                "log_key": signer.vkey(),
                "roster": [
                    {"deputy": d, "name": f"代表{d[2:]}", "seat": d[2:], "status": "active"}
                    for d in self.ids
                ],
                "settings": {},
                "by": "chair:bench",
            }
        )
        for deputy in self.ids:
            public = self.keys[deputy].public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            yield self.entry(
                {
                    "type": "device_paired",
                    "deputy": deputy,
                    "device": f"t-{deputy[2:]}",
                    "alg": "ed25519",
                    "public_key": _b64(public),
                    "by": "operator:bench",
                }
            )
        absent = set(self.rng.sample(self.ids, len(self.ids) // 50))
        present = [deputy for deputy in self.ids if deputy not in absent]
        for deputy in present:
            self.tick(0.2)
            body, sig = self.signed(deputy, "sign_in")
            yield self.entry(
                {
                    "type": "signed_in",
                    "deputy": deputy,
                    "method": "tablet",
                    "by": f"device:t-{deputy[2:]}",
                    "body": body,
                    "sig": sig,
                }
            )
        items = [{"item": f"i-{n}", "title": f"议程 {n}", "kind": "motion"} for n in AGENDA]
        yield self.entry({"type": "agenda_set", "items": items, "by": "chair:bench"})
        number = 0
        while True:
            remaining = target - self.tree.size - 1  # keep one entry for meeting_closed
            if remaining < 8:
                break
            number += 1
            progress(self.tree.size)
            voters = min(len(present), remaining - 3)
            selection = number % 7 == 0
            yield from self.poll(f"p-{number}", "named", present, voters, selection=selection)
        while self.tree.size < target - 1:  # deputies leave at the end of the sitting
            self.tick(0.2)
            deputy = present.pop()
            yield self.entry(
                {"type": "signed_out", "deputy": deputy, "method": "operator", "by": "operator:b"}
            )
        yield self.entry({"type": "meeting_closed", "by": "chair:bench"})
        self.checkpoint()

    def poll(
        self, poll: str, mode: str, present: list[str], voters: int, *, selection: bool
    ) -> Iterator[bytes]:
        definition: dict[str, Any] = {"kind": "motion", "title": f"议案 {poll}"}
        if selection:
            definition = {
                "kind": "selection",
                "title": f"票决 {poll}",
                "form": "choose",
                "seats": 2,
                "candidates": [{"id": f"x{i}", "name": f"项目{i}"} for i in range(1, 4)],
            }
        definition.update(electorate=len(self.ids), present=len(present))
        self.tick(5)
        yield self.entry(
            {
                "type": "poll_opened",
                "poll": poll,
                "item": f"i-{int(poll[2:]) % len(AGENDA) + 1}",
                "definition": definition,
                "mode": mode,
                "change_policy": "last",
                "present": present,
                "by": "chair:bench",
            }
        )
        taking_part = present[:voters]
        choices = [self.choice(selection) for _ in taking_part]
        for deputy, choice in zip(taking_part, choices, strict=True):
            self.tick(0.02)
            body, sig = self.signed(deputy, "vote", poll=poll, choice=choice)
            fields = {"type": "vote", "poll": poll, "deputy": deputy, "choice": choice}
            yield self.entry({**fields, "device": body["device"], "body": body, "sig": sig})
        self.tick(5)
        yield self.entry(
            {
                "type": "poll_closed",
                "poll": poll,
                "participants": sorted(taking_part),
                "issued": len(taking_part),
                "by": "chair:bench",
            }
        )
        result = tally({"poll": {**definition, "issued": len(taking_part)}, "ballots": choices})
        yield self.entry({"type": "result", "poll": poll, "result": result})
        self.checkpoint()

    def choice(self, selection: bool) -> Any:
        if not selection:
            return self.rng.choice(MOTION_CHOICES)
        return {"chosen": sorted(self.rng.sample(["x1", "x2", "x3"], 2))}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# (a) Appending ------------------------------------------------------------------------------------


def bench_append(count: int, batch: int, directory: Path) -> None:
    signer = NoteSigner(ORIGIN, key_for("log key"))
    key = key_for("device d-0001")
    entries: list[dict[str, Any]] = [
        {
            "type": "meeting_opened",
            "meeting": {"id": "bench", "title": "基准测试会议", "date": "2026-03-05"},
            "origin": ORIGIN,
            "log_key": signer.vkey(),
            "roster": [{"deputy": "d-0001", "name": "代表", "seat": "1", "status": "active"}],
            "settings": {},
        }
    ]
    for n in range(1, count):
        body = {"type": "participation", "origin": ORIGIN, "deputy": "d-0001", "device": "t-0001"}
        body["n"] = n
        body["poll"] = f"p-{n // 3000}"
        entries.append(
            {
                "type": "participation",
                "poll": body["poll"],
                "deputy": "d-0001",
                "device": "t-0001",
                "body": body,
                "sig": sign_tablet_body(key, body),
            }
        )
    clock = iter(START + timedelta(seconds=second) for second in range(10**9))

    def open_log(name: str) -> AuditLog:
        engine = create_engine_for(f"sqlite:///{directory / name}")
        init_schema(engine)
        return AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=lambda: next(clock))

    log = open_log("batched.sqlite")
    say(f"(a) appending {count:,} entries in transactions of {batch:,}")
    started = time.perf_counter()
    for start in range(0, count, batch):
        with log.transaction() as tx:
            tx.append_many(entries[start : start + batch])
            if (start // batch) % 10 == 9:
                tx.sign_checkpoint()
    log.sign_checkpoint()
    seconds = time.perf_counter() - started
    print(
        f"(a) append, {batch:,} entries per transaction:  {count / seconds:>12,.0f} entries/s "
        f"({count:,} entries in {seconds:.1f} s, SQLite WAL, synchronous=FULL)"
    )
    single = min(2_000, count)
    log = open_log("single.sqlite")
    started = time.perf_counter()
    for entry in entries[:single]:
        with log.transaction() as tx:
            tx.append(entry)
    seconds = time.perf_counter() - started
    print(
        f"(a) append, 1 entry per transaction:      {single / seconds:>12,.0f} entries/s "
        f"({seconds / single * 1000:.2f} ms per committed entry, {single:,} entries)"
    )


# (b), (c), (d) ------------------------------------------------------------------------------------


def build_bundle(target: int, deputies: int, directory: Path) -> BenchMeeting:
    meeting = BenchMeeting(deputies)
    say(f"building a bundle of about {target:,} entries ({deputies:,} deputies)")
    started = time.perf_counter()
    last = [0]

    def progress(done: int) -> None:
        if done - last[0] >= 100_000:
            last[0] = done
            say(f"  built {done:,} entries")

    def checkpoints() -> Iterator[tuple[int, str]]:
        yield from meeting.checkpoints  # read after every entry is written

    write_bundle(
        directory,
        vkey=meeting.signer.vkey(),
        entries=meeting.entries(target, progress),
        checkpoints=checkpoints(),
    )
    say(f"  built {meeting.tree.size:,} entries in {time.perf_counter() - started:.0f} s")
    return meeting


def bench_verify(meeting: BenchMeeting, directory: Path) -> None:
    size = meeting.tree.size
    file_bytes = (directory / "entries.jsonl").stat().st_size
    parts = ", ".join(f"{kind} {count:,}" for kind, count in meeting.composition.most_common())
    print(
        f"(b) bundle: {size:,} entries, {file_bytes / 1e6:,.0f} MB, "
        f"{len(meeting.checkpoints):,} checkpoints, {meeting.signatures:,} tablet signatures"
    )
    print(f"    composition: {parts}")
    last = [0]

    def progress(entries: int, done: int, total: int) -> None:
        if entries - last[0] >= 100_000:
            last[0] = entries
            say(f"  verified {entries:,} entries")

    automatic = SignaturePool.automatic_workers(file_bytes)
    for workers in sorted({1, automatic}):
        say(f"(b) verifying, signatures checked by {workers} process(es)")
        last[0] = 0
        started = time.perf_counter()
        report = verify_bundle(
            directory, vkey=meeting.signer.vkey(), progress=progress, workers=workers
        )
        seconds = time.perf_counter() - started
        failed = report.first_failure
        outcome = "all checks passed"
        if failed is not None:
            outcome = f"FAILED at check {failed.number}: {failed.failures[:1]}"
        how = "inline" if workers == 1 else f"{workers} worker processes"
        print(
            f"(b) verify, signatures {how + ':':<21} {size / seconds:>12,.0f} entries/s "
            f"({seconds:.1f} s, {file_bytes / seconds / 1e6:.0f} MB/s, "
            f"{meeting.signatures / seconds:,.0f} signatures/s; {outcome})"
        )


def bench_proofs(meeting: BenchMeeting, count: int) -> None:
    tree = meeting.tree
    size = tree.size
    root = tree.root()
    rng = random.Random(7)
    indices = [rng.randrange(size) for _ in range(count)]
    started = time.perf_counter()
    proofs = [tree.inclusion_proof(index, size) for index in indices]
    generate = (time.perf_counter() - started) / count
    started = time.perf_counter()
    for index, proof in zip(indices, proofs, strict=True):
        verify_inclusion(tree.leaf_hash(index), index, size, proof, root)
    check = (time.perf_counter() - started) / count
    print(
        f"(c) inclusion proof at {size:,} entries:  generate {generate * 1e6:.1f} µs, "
        f"verify {check * 1e6:.1f} µs ({len(proofs[0])} hashes, {count:,} random leaves)"
    )
    started = time.perf_counter()
    MerkleTree(tree.leaf_hash(index) for index in range(min(size, 200_000)))
    seconds = time.perf_counter() - started
    print(
        f"    building the tree: {min(size, 200_000) / seconds:,.0f} leaves/s "
        "(done once per verification of a ballot's inclusion)"
    )


def bench_baselines(directory: Path, samples: int) -> None:
    path = directory / "entries.jsonl"
    started = time.perf_counter()
    count = 0
    with open(path, "rb") as handle:
        for line in handle:
            hashlib.sha256(line).digest()
            count += 1
    seconds = time.perf_counter() - started
    print(f"(d) baseline, SHA-256 of each line:       {count / seconds:>12,.0f} entries/s")
    started = time.perf_counter()
    with open(path, "rb") as handle:
        for line in handle:
            json.loads(line)
    seconds = time.perf_counter() - started
    print(f"(d) baseline, json.loads of each line:    {count / seconds:>12,.0f} entries/s")
    key = key_for("baseline")
    public = key.public_key()
    messages = [TABLET_CONTEXT + b'{"n":%d}' % n for n in range(samples)]
    signatures = [key.sign(message) for message in messages]
    started = time.perf_counter()
    for message, signature in zip(messages, signatures, strict=True):
        public.verify(signature, message)
    seconds = time.perf_counter() - started
    print(f"(d) baseline, Ed25519 verify alone:       {samples / seconds:>12,.0f} signatures/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="bundle size for (b)–(d)")
    parser.add_argument("--append", type=int, default=100_000, help="entries appended in (a)")
    parser.add_argument("--batch", type=int, default=1_000, help="entries per transaction in (a)")
    parser.add_argument("--deputies", type=int, default=3_000, help="deputies in the bundle")
    parser.add_argument("--proofs", type=int, default=10_000, help="inclusion proofs in (c)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="congress-audit-bench-") as scratch:
        base = Path(scratch)
        bench_append(args.append, args.batch, base)
        meeting = build_bundle(args.entries, args.deputies, base / "bundle")
        bench_verify(meeting, base / "bundle")
        bench_proofs(meeting, args.proofs)
        bench_baselines(base / "bundle", 20_000)


if __name__ == "__main__":
    main()
