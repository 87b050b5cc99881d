"""Known-answer shuffles from fixed randomness, as stored in ``vectors/shuffle.json``.

``python -m tests.ballots.crypto.shuffle_known_answers`` rewrites the file; the tests check that
the code still produces it byte for byte. Three write-in vectors of width 2 (one slot, k = 2:
"王小明", "李四", blank), encrypted and then shuffled by stations 1 and 3. Every scalar comes, in
order, from ``DeterministicRandom(SEED)``: the secret key, one per input ciphertext, then the
shuffle of station 1 and that of station 3.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shuffle.chain import ChainKey
from ballots.crypto.shuffle.challenges import Vector, shuffle_context
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_to_json
from ballots.crypto.shuffle.generators import generator
from ballots.crypto.shuffle.mix import Shuffle, shuffle
from tests.ballots.crypto.shuffle_fixtures import (
    POLL_ID,
    chain_key,
    encrypt_vectors,
    name_vector,
)

VECTORS = Path(__file__).parent / "vectors" / "shuffle.json"
SEED = b"congress-vote shuffle known answers"
NAMES = (("王小明",), ("李四",), (None,))
STATIONS = (1, 3)


def _b64(point: Point) -> str:
    return base64.urlsafe_b64encode(point.encode()).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class KnownChain:
    """The known-answer chain: the secret key, the key, the plaintexts, inputs and shuffles."""

    secret: Scalar
    key: ChainKey
    plaintexts: list[tuple[Point, ...]]
    inputs: list[Vector]
    shuffles: list[Shuffle]


def known_chain() -> KnownChain:
    """Recompute the chain from ``DeterministicRandom(SEED)``."""
    random = DeterministicRandom(SEED)
    secret = random.scalar()
    key = chain_key(Point.base_mul(secret))
    plaintexts = [name_vector(names) for names in NAMES]
    inputs = encrypt_vectors(plaintexts, key.public_key, random)
    shuffles, current = [], inputs
    for station in STATIONS:
        mixed = shuffle(current, key.for_station(station), random)
        shuffles.append(mixed)
        current = list(mixed.outputs)
    return KnownChain(secret, key, plaintexts, inputs, shuffles)


def build() -> dict[str, Any]:
    """The known-answer object: inputs, context, both shuffles and their byte digests."""
    known = known_chain()
    secret, key, plaintexts = known.secret, known.key, known.plaintexts
    inputs, shuffles = known.inputs, known.shuffles
    return {
        "seed": SEED.decode(),
        "poll_id": POLL_ID,
        "secret_key": secret.encode().hex(),
        "public_key": key.public_key.encode().hex(),
        "key_id": key.key_id.encode().hex(),
        "poll_context": key.poll_context.encode().hex(),
        "generators": [generator(i).encode().hex() for i in range(len(NAMES) + 1)],
        "shuffle_contexts": [
            shuffle_context(key.for_station(s), len(NAMES), 2).encode().hex() for s in STATIONS
        ],
        "plaintexts": [[_b64(p) for p in vector] for vector in plaintexts],
        "inputs": [[[_b64(c.a), _b64(c.b)] for c in vector] for vector in inputs],
        "shuffles": [shuffle_to_json(mixed) for mixed in shuffles],
        "shuffle_bytes_sha256": [hashlib.sha256(shuffle_bytes(m)).hexdigest() for m in shuffles],
    }


def render() -> str:
    """The file's text: the object as indented JSON, one trailing newline."""
    return json.dumps(build(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    VECTORS.write_text(render(), encoding="utf-8")
