"""The ceremony's and the decryption's zero-knowledge proofs: Schnorr and Chaum–Pedersen.

Both are non-interactive by strong Fiat–Shamir (Bernhard–Pereira–Warinschi 2012): the
challenge hashes the context, what is proven (a label and the prover's index) and the whole
statement, then the commitments. A proof is the pair ``(c, s)``; the verifier recomputes the
commitments from it and checks the challenge, as in ElectionGuard 2.0 §3.2.2 and §3.6.

- Schnorr proof of knowledge of ``x`` with ``Y = x·G`` (Schnorr 1991)::

      R = k·G,  c = Hash("cv1/thr/pok", ctx, label, u32(index), Y, R),  s = k + c·x
      verify: R' = s·G − c·Y,  c = Hash(…, Y, R')

- Chaum–Pedersen proof that ``log_G Y = log_B D`` (Chaum–Pedersen 1992)::

      R1 = k·G, R2 = k·B,  c = Hash("cv1/thr/dleq", ctx, label, u32(index), B, Y, D, R1, R2),
      s = k + c·x;  verify: R1' = s·G − c·Y,  R2' = s·B − c·D

The nonce ``k`` is 64 fresh random bytes reduced modulo ℓ; reusing it would reveal ``x``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ballots.crypto.errors import ProofError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar, u32
from ballots.crypto.randomness import RandomSource

__all__ = [
    "TAG_DLEQ",
    "TAG_POK",
    "Proof",
    "prove_equality",
    "prove_knowledge",
    "verify_equality",
    "verify_knowledge",
]

TAG_POK: Final = "cv1/thr/pok"
TAG_DLEQ: Final = "cv1/thr/dleq"


@dataclass(frozen=True)
class Proof:
    """A Fiat–Shamir proof ``(c, s)``: challenge and response, 64 bytes encoded."""

    challenge: Scalar
    response: Scalar

    def encode(self) -> bytes:
        """``c ‖ s``, 32 bytes each."""
        return self.challenge.encode() + self.response.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> Proof:
        """Strictly decode ``c ‖ s`` (each a canonical scalar)."""
        if len(data) != 64:
            raise ProofError(where, f"proof is {len(data)} bytes, not 64")
        return cls(Scalar.decode(data[:32], f"{where}.c"), Scalar.decode(data[32:], f"{where}.s"))


def _knowledge_challenge(
    context: Scalar, label: str, index: int, statement: Point, commitment: Point
) -> Scalar:
    return hash_to_scalar(
        TAG_POK,
        context.encode(),
        label.encode("ascii"),
        u32(index),
        statement.encode(),
        commitment.encode(),
    )


def prove_knowledge(
    context: Scalar, label: str, index: int, secret: Scalar, random: RandomSource
) -> Proof:
    """Prove knowledge of ``secret`` for ``secret·G``, bound to ``context``, ``label``, ``index``."""
    nonce = random.scalar()
    commitment = Point.base_mul(nonce)
    challenge = _knowledge_challenge(context, label, index, Point.base_mul(secret), commitment)
    return Proof(challenge, nonce + challenge * secret)


def verify_knowledge(
    context: Scalar, label: str, index: int, statement: Point, proof: Proof, where: str
) -> None:
    """Check a :func:`prove_knowledge` proof for ``statement``; raise :class:`ProofError` if not."""
    commitment = Point.base_mul(proof.response) - statement.mul(proof.challenge)
    if _knowledge_challenge(context, label, index, statement, commitment) != proof.challenge:
        raise ProofError(where, f"the proof of knowledge ({label}) does not verify")


def _equality_challenge(
    context: Scalar,
    label: str,
    index: int,
    statement: tuple[Point, Point, Point],
    commitments: tuple[Point, Point],
) -> Scalar:
    return hash_to_scalar(
        TAG_DLEQ,
        context.encode(),
        label.encode("ascii"),
        u32(index),
        *(point.encode() for point in statement),
        *(point.encode() for point in commitments),
    )


def prove_equality(
    context: Scalar, label: str, index: int, secret: Scalar, base: Point, random: RandomSource
) -> Proof:
    """Prove ``log_G(secret·G) = log_base(secret·base)`` without revealing ``secret``."""
    nonce = random.scalar()
    statement = (base, Point.base_mul(secret), base.mul(secret))
    commitments = (Point.base_mul(nonce), base.mul(nonce))
    challenge = _equality_challenge(context, label, index, statement, commitments)
    return Proof(challenge, nonce + challenge * secret)


def verify_equality(
    context: Scalar,
    label: str,
    index: int,
    statement: tuple[Point, Point, Point],
    proof: Proof,
    where: str,
) -> None:
    """Check a proof that ``statement = (B, Y, D)`` has ``log_G Y = log_B D``; raise if not."""
    base, public, result = statement
    commitments = (
        Point.base_mul(proof.response) - public.mul(proof.challenge),
        base.mul(proof.response) - result.mul(proof.challenge),
    )
    if _equality_challenge(context, label, index, statement, commitments) != proof.challenge:
        raise ProofError(where, f"the proof of equal discrete logarithms ({label}) does not verify")
