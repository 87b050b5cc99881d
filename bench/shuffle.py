"""How long the mix of write-in vectors takes in Python: shuffle, prove, verify, decrypt.

Prints, beside a bare scalar multiplication measured in the same run (so figures from a busy
machine can be read against it), for N vectors of width W mixed by M stations in turn:

- the time each station takes to re-encrypt, permute and prove its shuffle;
- the time to verify the whole chain (what every station does before it shuffles or decrypts);
- the time to decrypt the final list with the whole secret key (one multiplication per
  ciphertext: what the combined threshold shares cost, without their proofs).

The goal is 60 s or less for shuffle, prove and verify with 3,000 vectors of width 2 and two
stations (``docs/ballot-crypto-shuffle.md`` §8); it is printed, not asserted.

    .venv/bin/python bench/shuffle.py [--vectors 3000] [--width 2] [--stations 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ballots.crypto.elgamal import encrypt_point
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shuffle.chain import ChainKey, verify_chain
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.mix import Shuffle, shuffle

GOAL_S = 60.0
SECRET = Scalar.of(0x5117FF1E)


def scalar_mul_ms(repeats: int = 200) -> float:
    """The median time of one variable-base scalar multiplication, in milliseconds."""
    point, scalar = Point.base_mul(Scalar.of(99)), Scalar.of(0x1234_5678_9ABC_DEF0_1357_9BDF)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        point.mul(scalar)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(*, vectors: int, width: int, stations: int) -> dict[str, Any]:
    """Measure everything and return the figures."""
    random = DeterministicRandom(b"bench/shuffle")
    key = ChainKey(Scalar.of(1), Scalar.of(2), Point.base_mul(SECRET))
    plaintexts = [
        [Point.base_mul(Scalar.of(1 + k * width + w)) for w in range(width)] for k in range(vectors)
    ]
    inputs: list[Vector] = [
        tuple(encrypt_point(m, random.scalar(), key.public_key) for m in vector)
        for vector in plaintexts
    ]
    figures: dict[str, Any] = {
        "vectors": vectors,
        "width": width,
        "stations": stations,
        "scalar_mul_ms": scalar_mul_ms(),
    }
    shuffles: list[Shuffle] = []
    current: list[Vector] = inputs
    shuffle_times = []
    for station in range(1, stations + 1):
        start = time.perf_counter()
        mixed = shuffle(current, key.for_station(station), random)
        shuffle_times.append(time.perf_counter() - start)
        shuffles.append(mixed)
        current = list(mixed.outputs)
    figures["shuffle_and_prove_s"] = shuffle_times
    start = time.perf_counter()
    chain = verify_chain(inputs, shuffles, key)
    figures["verify_chain_s"] = time.perf_counter() - start
    start = time.perf_counter()
    decrypted = [[c.b - c.a.mul(SECRET) for c in vector] for vector in chain.outputs]
    figures["decrypt_s"] = time.perf_counter() - start
    expected = sorted(b"".join(p.encode() for p in v) for v in plaintexts)
    figures["decrypted_match"] = expected == sorted(
        b"".join(p.encode() for p in v) for v in decrypted
    )
    figures["total_s"] = sum(shuffle_times) + figures["verify_chain_s"] + figures["decrypt_s"]
    return figures


def main() -> None:
    """Parse the options, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=3000)
    parser.add_argument("--width", type=int, default=2)
    parser.add_argument("--stations", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    figures = run(vectors=options.vectors, width=options.width, stations=options.stations)
    if options.json:
        print(json.dumps(figures))
        return
    print(f"scalar multiplication (variable base): {figures['scalar_mul_ms']:.3f} ms")
    for station, seconds in enumerate(figures["shuffle_and_prove_s"], start=1):
        print(
            f"station {station}: shuffle and prove {figures['vectors']} vectors "
            f"of width {figures['width']}: {seconds:.2f} s"
        )
    print(f"verify the chain of {figures['stations']} shuffles: {figures['verify_chain_s']:.2f} s")
    print(f"decrypt the final list (secret key): {figures['decrypt_s']:.2f} s")
    print(f"decrypted multiset equals the input: {figures['decrypted_match']}")
    print(f"total: {figures['total_s']:.2f} s (goal {GOAL_S:.0f} s)")


if __name__ == "__main__":
    main()
