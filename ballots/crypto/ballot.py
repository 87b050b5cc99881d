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
from ballots.crypto.errors import IdentityError, LayoutError, ReusedComponentError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import ballot_context
from ballots.crypto.names import blank, encode_name, normalise
from ballots.crypto.packing import packed_value
from ballots.crypto.proofs import ZERO_GAP, Gap, Proof, prove, verify
from ballots.crypto.randomness import RandomSource
from ballots.crypto.shape import BallotShape, Choice, check_choice
from ballots.crypto.statements import Membership, Statement, branches, plan

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

    def __post_init__(self) -> None:
        if self.key.is_identity():
            # Under the identity key every ciphertext would show its plaintext.
            raise IdentityError("key", "the identity is not allowed here")

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


def _plaintexts(shape: BallotShape, choice: Choice) -> tuple[list[int], list[Point | None]]:
    """Per ciphertext in layout order, the integer it encrypts, or the name point it encrypts.

    Marks come first (a motion's F and A packed into X = F + B·A); then per slot its flag
    (1 if written) and its name points. Names fill the lowest slots sorted by their normalised
    UTF-8 bytes; the remaining slots are blank.
    """
    names = sorted(choice.write_ins, key=lambda name: normalise(name).encode("utf-8"))
    numbers: list[int] = list(choice.marks)
    if shape.kind == "motion":
        numbers = [packed_value(choice.marks, shape.packing_base)]
    points: list[Point | None] = [None] * shape.mark_count
    for slot in range(shape.slots):
        written = slot < len(names)
        numbers.append(int(written))
        points.append(None)
        chunks = (
            encode_name(names[slot], shape.name_points) if written else blank(shape.name_points)
        )
        numbers += [0] * len(chunks)
        points += chunks
    return numbers, points


def _witness(
    statement: Statement,
    numbers: Sequence[int],
    points: Sequence[Point | None],
    randomness: Sequence[Scalar],
) -> tuple[int, list[Scalar], list[list[Gap]]]:
    """The real branch, the ``r`` of each relation and the gaps of every branch."""
    if isinstance(statement, Membership):
        r = Scalar.of(0)
        m = 0
        for sign, position in statement.terms:
            r = r + randomness[position] if sign > 0 else r - randomness[position]
            m += sign * numbers[position]
        gaps = [[Gap(Scalar.of(m - v))] for v in statement.values]
        return statement.values.index(m), [r], gaps
    written = numbers[statement.flag]
    witnesses = [randomness[statement.flag], *(randomness[p] for p in statement.names)]
    # Blank branch: U − 0·G = written·G, N − O = the name point; written branch: U − G.
    blank_gaps = [Gap(Scalar.of(written)), *(Gap(Scalar.of(0), points[p]) for p in statement.names)]
    written_gaps = [Gap(Scalar.of(written - 1)), *([ZERO_GAP] * len(statement.names))]
    return written, witnesses, [blank_gaps, written_gaps]


def make_ballot(
    shape: BallotShape, choice: Choice, *, context: BallotContext, random: RandomSource
) -> EncryptedBallot:
    """Encrypt ``choice`` and prove it well formed.

    Randomness is drawn in this order: one ``r`` per ciphertext in layout order, then the
    proofs in plan order (see :func:`ballots.crypto.proofs.prove`). Raises
    :class:`LayoutError` if the rules do not allow ``choice``.
    """
    check_choice(shape, choice)
    numbers, points = _plaintexts(shape, choice)
    key = context.key
    randomness = [random.scalar() for _ in range(shape.ciphertext_count)]
    ciphertexts = tuple(
        encrypt(m, r, key) if point is None else encrypt_point(point, r, key)
        for m, point, r in zip(numbers, points, randomness, strict=True)
    )
    ctx = context.of(ciphertexts)
    proofs: list[Proof] = []
    for index, statement in enumerate(plan(shape)):
        real, witnesses, gaps = _witness(statement, numbers, points, randomness)
        proof = prove(
            context=ctx,
            index=index,
            key=key,
            branches=branches(statement, ciphertexts),
            real=real,
            witnesses=witnesses,
            gaps=gaps,
            random=random,
        )
        proofs.append(proof)
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
                role=shape.role(position),
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
            role=statement.label or None,
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
