"""Shared set-up of the shuffle tests: a key, encrypted write-in vectors, decryption."""

from __future__ import annotations

from collections.abc import Sequence

from ballots.crypto.elgamal import Ciphertext, encrypt_point
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import key_id, poll_context
from ballots.crypto.names import blank, encode_name
from ballots.crypto.randomness import DeterministicRandom, RandomSource
from ballots.crypto.shuffle.chain import ChainKey
from ballots.crypto.shuffle.challenges import Vector

ORIGIN = "https://congress.example"
TRANSCRIPT = b"key ceremony transcript"
POLL_ID = "p-write-ins"


def seeded(seed: str) -> DeterministicRandom:
    """A reproducible random source."""
    return DeterministicRandom(seed.encode())


def chain_key(public_key: Point, kid: Scalar | None = None, poll_id: str = POLL_ID) -> ChainKey:
    """The key id (by default that of a fixed transcript) and poll context of the tests."""
    kid = key_id(TRANSCRIPT) if kid is None else kid
    poll = poll_context(
        origin=ORIGIN,
        poll_id=poll_id,
        poll_definition=b'{"id":"' + poll_id.encode() + b'"}',
        key=kid,
        public_key=public_key,
    )
    return ChainKey(kid, poll, public_key)


def name_vector(names: Sequence[str | None], k: int = 2) -> tuple[Point, ...]:
    """The plaintext points of a write-in vector: each slot a name, or blank for ``None``."""
    points: list[Point] = []
    for name in names:
        points += blank(k) if name is None else encode_name(name, k)
    return tuple(points)


def encrypt_vectors(
    plaintexts: Sequence[Sequence[Point]], key: Point, random: RandomSource
) -> list[Vector]:
    """Encrypt every point of every vector under ``key``."""
    return [tuple(encrypt_point(m, random.scalar(), key) for m in v) for v in plaintexts]


def decrypt(ciphertext: Ciphertext, secret: Scalar) -> Point:
    """``b − x·a`` with the whole secret key (the tests play every scrutineer)."""
    return ciphertext.b - ciphertext.a.mul(secret)


def plaintext_multiset(vectors: Sequence[Sequence[Point]]) -> list[bytes]:
    """The sorted byte strings of the vectors: equal iff the multisets of vectors are equal."""
    return sorted(b"".join(point.encode() for point in vector) for vector in vectors)


def decrypted_multiset(vectors: Sequence[Vector], secret: Scalar) -> list[bytes]:
    """:func:`plaintext_multiset` of the decryptions of ``vectors``."""
    return plaintext_multiset([[decrypt(c, secret) for c in vector] for vector in vectors])
