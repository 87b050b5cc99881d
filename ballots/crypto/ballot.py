"""Make and verify an encrypted ballot (``docs/ballot-crypto.md`` §7).

:func:`make_ballot` encrypts a :class:`~ballots.crypto.shape.Choice` and proves every statement
of the shape's plan; :func:`verify_ballot` checks a ballot against its shape and context and
raises an error naming the ciphertext or proof that fails. :func:`first_components` and
:func:`check_not_reused` are the weeding of ``docs/ballot-secrecy.md`` §3.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from ballots.crypto.elgamal import Ciphertext, encrypt, encrypt_point
from ballots.crypto.errors import LayoutError, ReusedComponentError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import ballot_context
from ballots.crypto.names import blank, encode_name, normalise
from ballots.crypto.proofs import ZERO_GAP, Gap, Proof, prove, verify
from ballots.crypto.randomness import RandomSource
from ballots.crypto.shape import BallotShape, Choice, check_choice
from ballots.crypto.statements import Membership, branches, plan

__all__ = [
    "BallotContext",
    "EncryptedBallot",
    "check_not_reused",
    "first_components",
    "make_ballot",
    "verify_ballot",
]


@dataclass(frozen=True)
class BallotContext:
    """What a ballot is bound to: the poll context, the deputy, the device and the joint key."""

    poll: Scalar
    deputy_id: str
    device_key: bytes
    key: Point

    def of(self, ciphertexts: Sequence[Ciphertext]) -> Scalar:
        """``ballot_ctx`` of a ballot with these ciphertexts."""
        return ballot_context(
            poll=self.poll,
            deputy_id=self.deputy_id,
            device_key=self.device_key,
            ciphertexts=ciphertexts,
        )


@dataclass(frozen=True)
class EncryptedBallot:
    """Ciphertexts in layout order and one proof per statement of the plan."""

    ciphertexts: tuple[Ciphertext, ...]
    proofs: tuple[Proof, ...]


def _plaintexts(shape: BallotShape, choice: Choice) -> tuple[list[int], list[list[Point]]]:
    """Marks and flags as integers, and the name points of each slot (sorted names first)."""
    names = sorted(choice.write_ins, key=lambda name: normalise(name).encode("utf-8"))
    slots = [encode_name(name, shape.name_points) for name in names]
    slots += [blank(shape.name_points)] * (shape.slots - len(slots))
    flags = [1] * len(names) + [0] * (shape.slots - len(names))
    return [*choice.marks, *flags], slots


def make_ballot(
    shape: BallotShape, choice: Choice, *, context: BallotContext, random: RandomSource
) -> EncryptedBallot:
    """Encrypt ``choice`` and prove it well formed.

    Randomness is drawn in this order: one ``r`` per ciphertext in layout order, then the
    proofs in plan order (see :func:`ballots.crypto.proofs.prove`). Raises
    :class:`LayoutError` if the rules do not allow ``choice``.
    """
    check_choice(shape, choice)
    values, slots = _plaintexts(shape, choice)
    key = context.key
    numbers: list[int] = []
    points: list[Point | None] = []
    for position in range(shape.ciphertext_count):
        if position < shape.mark_count:
            numbers.append(values[position])
            points.append(None)
            continue
        slot, offset = divmod(position - shape.mark_count, 1 + shape.name_points)
        if offset == 0:
            numbers.append(values[shape.mark_count + slot])
            points.append(None)
        else:
            numbers.append(0)
            points.append(slots[slot][offset - 1])
    randomness = [random.scalar() for _ in range(shape.ciphertext_count)]
    ciphertexts = tuple(
        encrypt(m, r, key) if point is None else encrypt_point(point, r, key)
        for m, point, r in zip(numbers, points, randomness, strict=True)
    )
    ctx = context.of(ciphertexts)
    proofs: list[Proof] = []
    for index, statement in enumerate(plan(shape)):
        relations = branches(statement, ciphertexts)
        if isinstance(statement, Membership):
            r = Scalar.of(0)
            m = 0
            for sign, position in statement.terms:
                r = r + randomness[position] if sign > 0 else r - randomness[position]
                m += sign * numbers[position]
            witnesses = [r]
            real = statement.values.index(m)
            gaps = [[Gap(Scalar.of(m - v))] for v in statement.values]
        else:
            written = numbers[statement.flag]
            witnesses = [randomness[statement.flag], *(randomness[p] for p in statement.names)]
            real = written
            name_gaps = [Gap(Scalar.of(0), points[p]) for p in statement.names]
            gaps = [[Gap(Scalar.of(written)), *name_gaps], [Gap(Scalar.of(written - 1))]]
            gaps[1] += [ZERO_GAP] * len(statement.names)
        proofs.append(
            prove(
                context=ctx,
                index=index,
                key=key,
                branches=relations,
                real=real,
                witnesses=witnesses,
                gaps=gaps,
                random=random,
            )
        )
    return EncryptedBallot(ciphertexts, tuple(proofs))


def verify_ballot(
    shape: BallotShape, ballot: EncryptedBallot, *, context: BallotContext, where: str = "ballot"
) -> None:
    """Check every proof of ``ballot``; raise naming the failing part (``ballot.proofs[3]``).

    The ciphertexts are assumed strictly decoded (:mod:`ballots.crypto.encoding` does that);
    a first component used twice inside the ballot is refused as reused.
    """
    statements = plan(shape)
    if len(ballot.ciphertexts) != shape.ciphertext_count:
        raise LayoutError(
            f"{where}.ciphertexts",
            f"{len(ballot.ciphertexts)} ciphertexts, not {shape.ciphertext_count}",
        )
    if len(ballot.proofs) != len(statements):
        raise LayoutError(f"{where}.proofs", f"{len(ballot.proofs)} proofs, not {len(statements)}")
    seen: dict[Point, int] = {}
    for position, ciphertext in enumerate(ballot.ciphertexts):
        if ciphertext.a in seen:
            raise ReusedComponentError(
                f"{where}.ciphertexts[{position}].a",
                f"the same first component as ciphertexts[{seen[ciphertext.a]}]",
            )
        seen[ciphertext.a] = position
    ctx = context.of(ballot.ciphertexts)
    for index, (statement, proof) in enumerate(zip(statements, ballot.proofs, strict=True)):
        verify(
            proof,
            context=ctx,
            index=index,
            key=context.key,
            branches=branches(statement, ballot.ciphertexts),
            where=f"{where}.proofs[{index}]",
        )


def first_components(ballot: EncryptedBallot) -> frozenset[bytes]:
    """The encodings of every first component ``a`` of the ballot (for weeding)."""
    return frozenset(ciphertext.a.encode() for ciphertext in ballot.ciphertexts)


def check_not_reused(
    ballot: EncryptedBallot, seen: Container[bytes], *, where: str = "ballot"
) -> None:
    """Refuse a ballot whose ciphertexts reuse a first component of another ballot."""
    for position, ciphertext in enumerate(ballot.ciphertexts):
        if ciphertext.a.encode() in seen:
            raise ReusedComponentError(
                f"{where}.ciphertexts[{position}].a",
                "this first component is already in another ballot",
            )
