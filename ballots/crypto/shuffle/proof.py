"""The Terelius–Wikström proof of shuffle for lists of ciphertext vectors.

Follows Algorithms 4.4 (GenShuffleProof) and 4.5 (CheckShuffleProof) of R. Haenni, P. Locher,
R. Koenig, E. Dubuis, "Pseudo-code algorithms for verifiable re-encryption mix-nets" (FC 2017
Workshops), written additively, extended to vectors of W ciphertexts that move as a whole as in
T. Haines, "A description and proof of a generalised and optimised variant of Wikström's mixnet"
(arXiv 1901.08371, 2019) and Belenios' ``mixnet.ml``: one permutation, one commitment chain,
and one re-encryption equation t_4[w] per column w. The proof is the commitments and responses
(not the compact challenge form), so a failure names the equation that does not hold.

With ``outputs[k] = inputs[ψ(k)] + (r'_{k,w}·G, r'_{k,w}·H)`` for every column w:

- permutation commitment ``c_{ψ(k)} = r_{ψ(k)}·G + h_k``;
- ``u = u_challenges(statement)``, ``u'_k = u_{ψ(k)}``;
- chain ``ĉ_k = r̂_k·G + u'_k·ĉ_{k−1}`` from ``ĉ_{−1} = ĥ``;
- ``r̄ = Σ r_j``, ``r̂ = Σ r̂_k·∏_{m>k} u'_m``, ``r̃ = Σ r_j·u_j``, ``r'_w = Σ r'_{k,w}·u'_k``;
- nonces ω_1, ω_2, ω_3, ω_4[w], ω̂_k, ω'_k give ``t_1 = ω_1·G``, ``t_2 = ω_2·G``,
  ``t_3 = ω_3·G + Σ ω'_k·h_k``, ``t_4[w] = Σ ω'_k·e'_{k,w} − (ω_4[w]·G, ω_4[w]·H)``,
  ``t̂_k = ω̂_k·G + ω'_k·ĉ_{k−1}``;
- responses ``s = ω + challenge·witness`` for each.

Randomness is drawn in this order: r_{ψ(k)} for k = 0 … N−1, r̂_0 … r̂_{N−1}, ω_1, ω_2, ω_3,
ω_4[0] … ω_4[W−1], ω̂_0 … ω̂_{N−1}, ω'_0 … ω'_{N−1}.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.shuffle import generators as generator_module
from ballots.crypto.shuffle.challenges import (
    ShuffleContext,
    Vector,
    challenge_hash,
    shuffle_context,
    statement_hash,
    u_challenges,
)
from ballots.crypto.shuffle.errors import ShuffleLayoutError, ShuffleProofError

__all__ = ["ShuffleProof", "check_proof_layout", "prove_shuffle", "verify_shuffle_proof"]

#: Any change to the inputs, outputs, commitments or context changes every challenge, so the
#: first equation checked fails: the message says so rather than guess which value changed.
_MISMATCH: Final = "the proof does not hold for these inputs, outputs and context"


@dataclass(frozen=True)
class ShuffleProof:
    """Commitments and responses of one proof of shuffle of N vectors of width W."""

    # Commitments: N, N, then t_1 t_2 t_3, W pairs, N
    permutation_commitments: tuple[Point, ...]
    chain: tuple[Point, ...]
    t1: Point
    t2: Point
    t3: Point
    t4: tuple[Ciphertext, ...]
    chain_commitments: tuple[Point, ...]
    # Responses: s_1 s_2 s_3, W, N, N
    s1: Scalar
    s2: Scalar
    s3: Scalar
    s4: tuple[Scalar, ...]
    chain_responses: tuple[Scalar, ...]
    permutation_responses: tuple[Scalar, ...]


def _sum(points: Sequence[Point]) -> Point:
    total = Point.identity()
    for point in points:
        total = total + point
    return total


def _weighted(scalars: Sequence[Scalar], points: Sequence[Point]) -> Point:
    """``Σ scalars[k]·points[k]``."""
    return _sum([point.mul(scalar) for scalar, point in zip(scalars, points, strict=True)])


def _scalar_sum(scalars: Sequence[Scalar]) -> Scalar:
    total = Scalar.of(0)
    for scalar in scalars:
        total = total + scalar
    return total


def _column(vectors: Sequence[Vector], w: int) -> tuple[list[Point], list[Point]]:
    """The first and second components of column ``w``."""
    return [v[w].a for v in vectors], [v[w].b for v in vectors]


def prove_shuffle(
    inputs: Sequence[Vector],
    outputs: Sequence[Vector],
    permutation: Sequence[int],
    randomizers: Sequence[Sequence[Scalar]],
    context: ShuffleContext,
    random: RandomSource,
) -> ShuffleProof:
    """Prove that ``outputs[k]`` re-encrypts ``inputs[permutation[k]]`` with ``randomizers[k]``.

    The caller (:func:`ballots.crypto.shuffle.mix.shuffle`) guarantees N ≥ 1 vectors of one
    width W, a permutation of ``range(N)`` and W randomizers per output.
    """
    count, width = len(inputs), len(inputs[0])
    key = context.public_key
    generators = generator_module.generators_for(count)
    generator_module.check_generators(generators, key, "shuffle.generators")
    h = generators.permutation

    r: list[Scalar] = [Scalar.of(0)] * count
    commitments: list[Point] = [Point.identity()] * count
    for k, j in enumerate(permutation):
        r[j] = random.scalar()
        commitments[j] = Point.base_mul(r[j]) + h[k]

    statement = statement_hash(shuffle_context(context, count, width), inputs, outputs, commitments)
    u = u_challenges(statement, count)
    u_out = [u[j] for j in permutation]

    r_chain = [random.scalar() for _ in range(count)]
    chain: list[Point] = []
    previous = generators.chain_start
    for k in range(count):
        previous = Point.base_mul(r_chain[k]) + previous.mul(u_out[k])
        chain.append(previous)

    r_bar = _scalar_sum(r)
    r_hat, tail = Scalar.of(0), Scalar.of(1)
    for k in reversed(range(count)):
        r_hat = r_hat + r_chain[k] * tail
        tail = tail * u_out[k]
    r_tilde = _scalar_sum([rj * uj for rj, uj in zip(r, u, strict=True)])
    r_prime = [
        _scalar_sum([randomizers[k][w] * u_out[k] for k in range(count)]) for w in range(width)
    ]

    omega1, omega2, omega3 = random.scalar(), random.scalar(), random.scalar()
    omega4 = [random.scalar() for _ in range(width)]
    omega_chain = [random.scalar() for _ in range(count)]
    omega_perm = [random.scalar() for _ in range(count)]

    t1, t2 = Point.base_mul(omega1), Point.base_mul(omega2)
    t3 = Point.base_mul(omega3) + _weighted(omega_perm, h)
    t4 = []
    for w in range(width):
        a_col, b_col = _column(outputs, w)
        t4.append(
            Ciphertext(
                _weighted(omega_perm, a_col) - Point.base_mul(omega4[w]),
                _weighted(omega_perm, b_col) - key.mul(omega4[w]),
            )
        )
    before = [generators.chain_start, *chain[:-1]]
    t_chain = [Point.base_mul(omega_chain[k]) + before[k].mul(omega_perm[k]) for k in range(count)]

    c = challenge_hash(statement, chain, (t1, t2, t3), t4, t_chain)
    return ShuffleProof(
        permutation_commitments=tuple(commitments),
        chain=tuple(chain),
        t1=t1,
        t2=t2,
        t3=t3,
        t4=tuple(t4),
        chain_commitments=tuple(t_chain),
        s1=omega1 + c * r_bar,
        s2=omega2 + c * r_hat,
        s3=omega3 + c * r_tilde,
        s4=tuple(omega4[w] + c * r_prime[w] for w in range(width)),
        chain_responses=tuple(omega_chain[k] + c * r_chain[k] for k in range(count)),
        permutation_responses=tuple(omega_perm[k] + c * u_out[k] for k in range(count)),
    )


def check_proof_layout(proof: ShuffleProof, count: int, width: int, where: str) -> None:
    """Raise :class:`ShuffleLayoutError` unless every list of the proof has its size."""
    sizes = {
        "permutation_commitments": (len(proof.permutation_commitments), count),
        "chain": (len(proof.chain), count),
        "t4": (len(proof.t4), width),
        "chain_commitments": (len(proof.chain_commitments), count),
        "s4": (len(proof.s4), width),
        "chain_responses": (len(proof.chain_responses), count),
        "permutation_responses": (len(proof.permutation_responses), count),
    }
    for name, (got, wanted) in sizes.items():
        if got != wanted:
            raise ShuffleLayoutError(f"{where}.{name}", f"{got} values, not {wanted}")


def verify_shuffle_proof(
    inputs: Sequence[Vector],
    outputs: Sequence[Vector],
    proof: ShuffleProof,
    context: ShuffleContext,
    where: str,
) -> None:
    """Check every equation of ``proof``; raise :class:`ShuffleProofError` naming the first
    that fails. ``inputs`` and ``outputs`` must already have N vectors of width W (N ≥ 1)."""
    count, width = len(inputs), len(inputs[0])
    key = context.public_key
    check_proof_layout(proof, count, width, where)
    generators = generator_module.generators_for(count)
    generator_module.check_generators(generators, key, f"{where}.generators")
    h = generators.permutation
    commitments, chain = proof.permutation_commitments, proof.chain

    statement = statement_hash(shuffle_context(context, count, width), inputs, outputs, commitments)
    u = u_challenges(statement, count)
    c = challenge_hash(
        statement, chain, (proof.t1, proof.t2, proof.t3), proof.t4, proof.chain_commitments
    )
    s_perm = proof.permutation_responses

    c_bar = _sum(commitments) - _sum(h)
    if Point.base_mul(proof.s1) - c_bar.mul(c) != proof.t1:
        raise ShuffleProofError(
            f"{where}.t1",
            f"{_MISMATCH} (the permutation commitments' sum, Haenni et al. t_1)",
        )
    u_product = Scalar.of(1)
    for uj in u:
        u_product = u_product * uj
    c_hat = chain[-1] - generators.chain_start.mul(u_product)
    if Point.base_mul(proof.s2) - c_hat.mul(c) != proof.t2:
        raise ShuffleProofError(
            f"{where}.t2", f"{_MISMATCH} (the end of the commitment chain, t_2)"
        )
    c_tilde = _weighted(u, commitments)
    if Point.base_mul(proof.s3) + _weighted(s_perm, h) - c_tilde.mul(c) != proof.t3:
        raise ShuffleProofError(
            f"{where}.t3", f"{_MISMATCH} (the permutation commitments' opening, t_3)"
        )
    for w in range(width):
        a_in, b_in = _column(inputs, w)
        a_out, b_out = _column(outputs, w)
        expected = Ciphertext(
            _weighted(s_perm, a_out) - Point.base_mul(proof.s4[w]) - _weighted(u, a_in).mul(c),
            _weighted(s_perm, b_out) - key.mul(proof.s4[w]) - _weighted(u, b_in).mul(c),
        )
        if expected != proof.t4[w]:
            raise ShuffleProofError(
                f"{where}.t4[{w}]",
                f"the outputs are not a re-encryption of a permutation of the inputs (column {w})",
            )
    previous = generators.chain_start
    for k in range(count):
        expected_point = (
            Point.base_mul(proof.chain_responses[k]) + previous.mul(s_perm[k]) - chain[k].mul(c)
        )
        if expected_point != proof.chain_commitments[k]:
            raise ShuffleProofError(
                f"{where}.chain_commitments[{k}]", "the commitment chain does not verify"
            )
        previous = chain[k]
