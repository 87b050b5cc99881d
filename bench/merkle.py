"""Merkle tree throughput and proof latency at one million entries.

Prints figures only; asserts nothing. Run: ``python bench/merkle.py [--entries N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import time
from collections.abc import Callable

from audit.merkle import CompactRange, MerkleTree, leaf_hash, verify_inclusion

ENTRY_SIZE = 150


def make_entries(count: int) -> list[bytes]:
    """Entry-sized byte strings, distinct and cheap to make."""
    filler = os.urandom(ENTRY_SIZE)
    return [number.to_bytes(8, "big") + filler[8:] for number in range(count)]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _held(tree: MerkleTree) -> float:
    """Megabytes of hashes the tree stores (about two per leaf)."""
    levels = range(tree.size.bit_length())
    return sum((tree.size >> level) * 32 for level in levels) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=10_000)
    arguments = parser.parse_args()
    count, proofs = arguments.entries, arguments.proofs

    entries = make_entries(count)
    print(f"{count:,} entries of {ENTRY_SIZE} bytes, {proofs:,} proofs")

    def baseline() -> None:
        sha256 = hashlib.sha256
        for entry in entries:
            sha256(entry).digest()

    seconds = timed(baseline)
    print(f"baseline: hashlib.sha256 per entry         {count / seconds:>12,.0f} entries/s")

    hashes: list[bytes] = []
    seconds = timed(lambda: hashes.extend(leaf_hash(entry) for entry in entries))
    print(f"leaf_hash per entry                        {count / seconds:>12,.0f} entries/s")

    compact = CompactRange()
    seconds = timed(lambda: compact.extend(hashes))
    print(f"CompactRange.append of leaf hashes         {count / seconds:>12,.0f} entries/s")

    compact = CompactRange()

    def hash_and_append() -> None:
        append = compact.append
        for entry in entries:
            append(leaf_hash(entry))

    seconds = timed(hash_and_append)
    print(f"leaf_hash + CompactRange.append            {count / seconds:>12,.0f} entries/s")

    tree = MerkleTree()
    seconds = timed(lambda: tree.extend(hashes))
    print(f"MerkleTree build from leaf hashes          {seconds:>12.2f} s")
    root = tree.root()
    print(f"MerkleTree hashes held                     {_held(tree):>12,.1f} MB")
    print(f"MerkleTree root equals CompactRange root   {root == compact.root()!s:>12}")

    rng = random.Random(6962)
    indices = [rng.randrange(count) for _ in range(proofs)]
    generated: list[list[bytes]] = []
    generation: list[float] = []
    for index in indices:
        start = time.perf_counter()
        proof = tree.inclusion_proof(index, count)
        generation.append(time.perf_counter() - start)
        generated.append(proof)
    verification: list[float] = []
    for index, proof in zip(indices, generated, strict=True):
        leaf = tree.leaf_hash(index)
        start = time.perf_counter()
        verify_inclusion(leaf, index, count, proof, root)
        verification.append(time.perf_counter() - start)

    for label, samples in (
        ("inclusion proof generation", generation),
        ("inclusion proof verification", verification),
    ):
        mean = statistics.fmean(samples) * 1e6
        p99 = percentile(samples, 0.99) * 1e6
        print(f"{label:<34} mean {mean:8.1f} µs   p99 {p99:8.1f} µs")


if __name__ == "__main__":
    main()
