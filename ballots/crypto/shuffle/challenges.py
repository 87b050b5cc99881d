"""The hashes of a proof of shuffle: context, statement, the u_k and the challenge.

Strong Fiat–Shamir (Bernhard–Pereira–Warinschi 2012): everything the verifier checks enters
the hashes. With ``Hash`` of ``docs/ballot-crypto.md`` §3 and every vector entering as the
concatenation ``a_0 ‖ b_0 ‖ … ‖ a_{W−1} ‖ b_{W−1}`` of its ciphertexts::

    shuffle_ctx = Hash("cv1/shuffle/context", key_id, poll_ctx, G, H,
                       u32be(station), u32be(N), u32be(W))
    statement   = Hash("cv1/shuffle/statement", shuffle_ctx,
                       e_0 … e_{N−1}, e'_0 … e'_{N−1}, c_0 … c_{N−1})
    u_k         = Hash("cv1/shuffle/u", statement, u32be(k))          k = 0 … N − 1
    challenge   = Hash("cv1/shuffle/challenge", statement, ĉ_0 … ĉ_{N−1},
                       t_1, t_2, t_3, t_4[0] … t_4[W−1], t̂_0 … t̂_{N−1})

(``e`` the inputs, ``e'`` the outputs, ``c`` the permutation commitments, ``ĉ`` the chain, ``t``
the commitments of the proof; a ``t_4[w]`` is a pair ``a ‖ b``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar, u32

__all__ = [
    "TAG_CHALLENGE",
    "TAG_CONTEXT",
    "TAG_STATEMENT",
    "TAG_U",
    "ShuffleContext",
    "Vector",
    "challenge_hash",
    "shuffle_context",
    "statement_hash",
    "u_challenges",
    "vector_bytes",
]

TAG_CONTEXT: Final = "cv1/shuffle/context"
TAG_STATEMENT: Final = "cv1/shuffle/statement"
TAG_U: Final = "cv1/shuffle/u"
TAG_CHALLENGE: Final = "cv1/shuffle/challenge"

#: One element of the list being mixed: W ciphertexts, re-encrypted and moved as a whole.
Vector = tuple[Ciphertext, ...]


@dataclass(frozen=True)
class ShuffleContext:
    """What a shuffle is bound to: the joint key, the poll and the station that mixes.

    ``key_id`` and ``poll_context`` are those of ``docs/ballot-crypto.md`` §3, ``public_key``
    is H, ``station`` the scrutineer index of the mixing station.
    """

    key_id: Scalar
    poll_context: Scalar
    public_key: Point
    station: int


def vector_bytes(vector: Sequence[Ciphertext]) -> bytes:
    """``a_0 ‖ b_0 ‖ … ‖ a_{W−1} ‖ b_{W−1}``: how a vector enters a hash and the bytes."""
    return b"".join(ciphertext.encode() for ciphertext in vector)


def shuffle_context(context: ShuffleContext, count: int, width: int) -> Scalar:
    """``shuffle_ctx``: binds a proof to the key, the poll, the station and the list's size."""
    return hash_to_scalar(
        TAG_CONTEXT,
        context.key_id.encode(),
        context.poll_context.encode(),
        Point.generator().encode(),
        context.public_key.encode(),
        u32(context.station),
        u32(count),
        u32(width),
    )


def statement_hash(
    context: Scalar,
    inputs: Sequence[Vector],
    outputs: Sequence[Vector],
    commitments: Sequence[Point],
) -> Scalar:
    """``statement``: the context, the inputs, the outputs and the permutation commitments."""
    return hash_to_scalar(
        TAG_STATEMENT,
        context.encode(),
        *(vector_bytes(vector) for vector in inputs),
        *(vector_bytes(vector) for vector in outputs),
        *(point.encode() for point in commitments),
    )


def u_challenges(statement: Scalar, count: int) -> list[Scalar]:
    """``u_k = Hash("cv1/shuffle/u", statement, u32be(k))`` for k = 0 … count − 1."""
    return [hash_to_scalar(TAG_U, statement.encode(), u32(k)) for k in range(count)]


def challenge_hash(
    statement: Scalar,
    chain: Sequence[Point],
    t: Sequence[Point],
    t4: Sequence[Ciphertext],
    chain_commitments: Sequence[Point],
) -> Scalar:
    """``challenge``: the statement, the chain, t_1 t_2 t_3, each t_4[w], each t̂_k."""
    return hash_to_scalar(
        TAG_CHALLENGE,
        statement.encode(),
        *(point.encode() for point in chain),
        *(point.encode() for point in t),
        *(pair.encode() for pair in t4),
        *(point.encode() for point in chain_commitments),
    )
