"""Zero-knowledge proofs that a ballot is well formed (``docs/ballot-crypto.md`` §5).

Everything is a disjunction of conjunctions of one relation: knowledge of ``r`` with
``a = r·G`` and, unless the relation is a bare proof of knowledge, ``d = r·H``:

- ``EQ(C, m)``: Chaum–Pedersen (1992) equality of discrete logs, ``d = b − m·G``;
- ``PEQ(N, P)``: the same for a point P, ``d = b − P``;
- ``PoK(N)``: Schnorr proof of knowledge of ``r`` for ``a = r·G``;
- ``IN(C, V) = ∨_{v∈V} EQ(C, v)``: a Cramer–Damgård–Schoenmakers (1994) disjunction, one
  challenge per branch, the challenges summing to the hash; a conjunction inside a branch
  shares the branch challenge (as the disjunctive proofs of Helios, Belenios and
  ElectionGuard 2.0).

Branches are in the order the caller gives (by branch value), never real branch first. The
challenge follows strong Fiat–Shamir (Bernhard–Pereira–Warinschi 2012)::

    c = Hash("cv1/proof", ballot_ctx, u32(index), u32(#branches),
             statement of every relation, branch by branch,
             commitment of every relation, branch by branch)

with a relation's statement ``a ‖ d`` (or ``a``) and its commitment ``t_G ‖ t_H`` (or ``t_G``).
A proof holds the challenges and the responses; verifiers recompute the commitments
``t_G = s·G − c·a`` and ``t_H = s·H − c·d`` (the compact form of ElectionGuard 2.0).

The prover computes a simulated branch from what it knows (``r`` and the gap between the true
plaintext and the branch's claim): ``t_G = (s − c·r)·G``, ``t_H = (s − c·r)·H − c·gap``, so it
never multiplies the ciphertext's own points. libsodium's multiplications are constant-time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from ballots.crypto.elgamal import Ciphertext, small_multiple
from ballots.crypto.errors import LayoutError, ProofError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar, u32
from ballots.crypto.randomness import RandomSource

__all__ = [
    "TAG_PROOF",
    "Gap",
    "Proof",
    "Relation",
    "eq",
    "peq",
    "pok",
    "prove",
    "verify",
]

TAG_PROOF: Final = "cv1/proof"


@dataclass(frozen=True)
class Relation:
    """Knowledge of ``r`` with ``a = r·G`` and, if ``d`` is given, ``d = r·H``."""

    a: Point
    d: Point | None

    def encode(self) -> bytes:
        """The statement as hashed: ``a ‖ d``, or ``a`` for a proof of knowledge."""
        return self.a.encode() if self.d is None else self.a.encode() + self.d.encode()


def eq(ciphertext: Ciphertext, m: int) -> Relation:
    """``EQ(C, m)``: C encrypts m, i.e. ``b − m·G = r·H`` with ``a = r·G``."""
    return Relation(ciphertext.a, ciphertext.b - small_multiple(m))


def peq(ciphertext: Ciphertext, point: Point) -> Relation:
    """``PEQ(N, P)``: N encrypts the point P, i.e. ``b − P = r·H`` with ``a = r·G``."""
    return Relation(ciphertext.a, ciphertext.b - point)


def pok(ciphertext: Ciphertext) -> Relation:
    """``PoK(N)``: the prover knows ``r`` with ``a = r·G``."""
    return Relation(ciphertext.a, None)


class Gap(NamedTuple):
    """``d − r·H`` for a relation the prover cannot prove: ``scalar·G + point``."""

    scalar: Scalar
    point: Point | None = None


ZERO_GAP: Final = Gap(Scalar.of(0))


@dataclass(frozen=True)
class Proof:
    """One challenge per branch and one response per relation of each branch."""

    challenges: tuple[Scalar, ...]
    responses: tuple[tuple[Scalar, ...], ...]

    def scalars(self) -> list[Scalar]:
        """Challenges, then the responses branch by branch: the serialized order."""
        return [*self.challenges, *(s for branch in self.responses for s in branch)]


def _challenge(
    context: Scalar,
    index: int,
    branches: Sequence[Sequence[Relation]],
    commitments: Sequence[bytes],
) -> Scalar:
    statement = [relation.encode() for branch in branches for relation in branch]
    return hash_to_scalar(
        TAG_PROOF, context.encode(), u32(index), u32(len(branches)), *statement, *commitments
    )


def _commitment(t_g: Point, t_h: Point | None) -> bytes:
    return t_g.encode() if t_h is None else t_g.encode() + t_h.encode()


def prove(
    *,
    context: Scalar,
    index: int,
    key: Point,
    branches: Sequence[Sequence[Relation]],
    real: int,
    witnesses: Sequence[Scalar],
    gaps: Sequence[Sequence[Gap]],
    random: RandomSource,
) -> Proof:
    """Prove branch ``real`` of the disjunction, simulating the others.

    ``witnesses[k]`` is the ``r`` of relation ``k`` (the same ciphertext in every branch);
    ``gaps[j][k]`` is ``d − r·H`` of relation ``k`` in branch ``j`` (ignored for ``real``).
    Randomness is drawn branch by branch: for the real branch one nonce per relation, for a
    simulated branch its challenge and then one response per relation.
    """
    nonces: list[Scalar] = []
    challenges: list[Scalar | None] = []
    responses: list[tuple[Scalar, ...]] = []
    commitments: list[bytes] = []
    for j, branch in enumerate(branches):
        if j == real:
            nonces = [random.scalar() for _ in branch]
            challenges.append(None)
            responses.append(())
            for w, relation in zip(nonces, branch, strict=True):
                t_h = None if relation.d is None else key.mul(w)
                commitments.append(_commitment(Point.base_mul(w), t_h))
            continue
        c = random.scalar()
        simulated = tuple(random.scalar() for _ in branch)
        challenges.append(c)
        responses.append(simulated)
        for s, r, gap, relation in zip(simulated, witnesses, gaps[j], branch, strict=True):
            e = s - c * r
            t_h = None
            if relation.d is not None:
                t_h = key.mul(e) - Point.base_mul(c * gap.scalar)
                if gap.point is not None:
                    t_h = t_h - gap.point.mul(c)
            commitments.append(_commitment(Point.base_mul(e), t_h))
    c_real = _challenge(context, index, branches, commitments)
    for c_other in challenges:
        if c_other is not None:
            c_real = c_real - c_other
    challenges[real] = c_real
    responses[real] = tuple(w + c_real * r for w, r in zip(nonces, witnesses, strict=True))
    return Proof(tuple(c for c in challenges if c is not None), tuple(responses))


def verify(
    proof: Proof,
    *,
    context: Scalar,
    index: int,
    key: Point,
    branches: Sequence[Sequence[Relation]],
    where: str,
    role: str | None = None,
) -> None:
    """Check ``proof`` for the disjunction ``branches``; raise :class:`ProofError` naming ``where``.

    ``role`` (what the proof proves, e.g. ``IN(for, {0,1})``) is carried into the error.
    """
    if len(proof.challenges) != len(branches) or len(proof.responses) != len(branches):
        problem = f"proof has {len(proof.challenges)} branches, not {len(branches)}"
        raise LayoutError(where, problem, role=role)
    commitments: list[bytes] = []
    total = Scalar.of(0)
    for c, responses, branch in zip(proof.challenges, proof.responses, branches, strict=True):
        if len(responses) != len(branch):
            problem = f"branch has {len(responses)} responses, not {len(branch)}"
            raise LayoutError(where, problem, role=role)
        total = total + c
        for s, relation in zip(responses, branch, strict=True):
            t_g = Point.base_mul(s) - relation.a.mul(c)
            t_h = None if relation.d is None else key.mul(s) - relation.d.mul(c)
            if t_g.is_identity() or (t_h is not None and t_h.is_identity()):
                raise ProofError(where, "a commitment is the identity", role=role)
            commitments.append(_commitment(t_g, t_h))
    if total != _challenge(context, index, branches, commitments):
        raise ProofError(where, "the challenges do not sum to the hash of the proof", role=role)
