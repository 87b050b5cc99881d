"""A dishonest prover: encrypts whatever it is given and proves each statement as best it can.

Where the true value of a sum is outside the allowed set it claims the nearest allowed value;
the proof it produces must then be refused by the verifier.
"""

from __future__ import annotations

from collections.abc import Sequence

from ballots.crypto.ballot import BallotContext, EncryptedBallot
from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.proofs import ZERO_GAP, Gap, Proof, prove
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import BallotShape
from ballots.crypto.statements import Membership, branches, plan


def forge(
    shape: BallotShape,
    ciphertexts: Sequence[Ciphertext],
    numbers: Sequence[int],
    points: Sequence[Point],
    randomness: Sequence[Scalar],
    context: BallotContext,
) -> EncryptedBallot:
    """Prove ``ciphertexts``, believed to hold ``numbers`` (or ``points``) under ``randomness``."""
    random = DeterministicRandom(b"dishonest prover")
    ctx = context.of(ciphertexts)
    proofs: list[Proof] = []
    for index, statement in enumerate(plan(shape)):
        if isinstance(statement, Membership):
            r = Scalar.of(0)
            m = 0
            for sign, position in statement.terms:
                r = r + randomness[position] if sign > 0 else r - randomness[position]
                m += sign * numbers[position]
            values = statement.values
            claimed = min(values, key=lambda v: abs(v - m))
            real = values.index(claimed)
            witnesses = [r]
            gaps = [[Gap(Scalar.of(m - v))] for v in values]
        else:
            written = numbers[statement.flag]
            real = 1 if written else 0
            witnesses = [randomness[statement.flag], *(randomness[p] for p in statement.names)]
            gaps = [
                [Gap(Scalar.of(written)), *(Gap(Scalar.of(0), points[p]) for p in statement.names)],
                [Gap(Scalar.of(written - 1)), *([ZERO_GAP] * len(statement.names))],
            ]
        proofs.append(
            prove(
                context=ctx,
                index=index,
                key=context.key,
                branches=branches(statement, ciphertexts),
                real=real,
                witnesses=witnesses,
                gaps=gaps,
                random=random,
            )
        )
    return EncryptedBallot(tuple(ciphertexts), tuple(proofs))
