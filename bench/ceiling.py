"""The machine's limit for verifying a bundle: bare Ed25519 verification on every core.

A bundle's verification must check every tablet signature, and on a machine of a few cores
nothing else it does costs as much, so the most entries a second any verifier can reach is the
rate at which the machine's cores verify Ed25519 signatures alone, times the bundle's entries
per signature. :func:`ed25519_per_s` measures that rate in the same way the verifier's signature
processes verify (``cryptography``'s Ed25519 on pre-made signatures of entry-sized payloads), one
process per core at once; :func:`ceiling` turns it into entries a second for a given bundle.
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["Ceiling", "ceiling", "ed25519_per_s", "sample_signatures", "verify_for"]

#: Bytes of a signed tablet body in the benchmark's bundle (a vote is about 230 to 280).
PAYLOAD_BYTES = 256
#: Distinct signatures each process cycles through (different keys, as in a hall).
SAMPLES = 400


@dataclass(frozen=True)
class Ceiling:
    """Bare Ed25519 verification over ``processes`` processes, and what it allows a bundle."""

    processes: int
    signatures_per_s: float
    entries_per_s: float


def sample_signatures() -> list[tuple[Ed25519PrivateKey, bytes, bytes]]:
    """:data:`SAMPLES` keys, each with a payload of :data:`PAYLOAD_BYTES` and its signature:
    (key, payload, signature)."""
    made = []
    for index in range(SAMPLES):
        key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"ceiling %d" % index).digest())
        payload = (b"%d:" % index).ljust(PAYLOAD_BYTES, b"x")
        made.append((key, payload, key.sign(payload)))
    return made


def verify_for(seconds: float) -> tuple[int, float]:
    """Verify pre-made signatures for about ``seconds``; returns (count, seconds taken).
    Runs in one process of :func:`ed25519_per_s`."""
    jobs = [
        (key.public_key(), signature, payload) for key, payload, signature in sample_signatures()
    ]
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        for public, signature, payload in jobs:
            public.verify(signature, payload)
        count += len(jobs)
        now = time.perf_counter()
        if now >= deadline:
            return count, now - started


def ed25519_per_s(processes: int | None = None, seconds: float = 2.0) -> tuple[int, float]:
    """Signatures verified a second by ``processes`` processes at once (default: one per core);
    returns (processes, rate). Each process's rate is its count over its own time."""
    processes = processes or os.cpu_count() or 1
    with ProcessPoolExecutor(processes) as pool:
        outcomes = list(pool.map(verify_for, [seconds] * processes))
    return processes, sum(count / taken for count, taken in outcomes)


def ceiling(signatures_per_s: float, processes: int, entries: int, signatures: int) -> Ceiling:
    """The entries a second that verifying ``signatures`` tablet signatures at
    ``signatures_per_s`` allows a bundle of ``entries`` entries (a bundle without signatures
    has no such limit: its ceiling is infinite)."""
    per_entry = signatures / entries if entries else 0.0
    limit = signatures_per_s / per_entry if per_entry else float("inf")
    return Ceiling(processes, signatures_per_s, limit)
