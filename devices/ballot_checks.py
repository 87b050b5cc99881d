"""Encrypted ballots checked in a worker process: the tablet's signature and every proof.

Verifying an encrypted ballot's proofs takes 1 to 14 ms of CPU (``docs/ballot-secrecy.md`` §9),
far too long for the meeting's event loop when a hall votes at once. The inbound path sends a
:class:`BallotJob` to the signature workers (:meth:`devices.signatures.SignatureChecker.run`),
where :func:`check_ballot` runs, and hands the :class:`BallotVerdict` to the core's decision as
a value. The decision uses the verdict only if it was given for exactly the ballot, poll
context, deputy, device key and sitting key it is deciding on (:meth:`BallotVerdict.covers`);
otherwise, or with no worker running, it calls :func:`proof_problem` itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from audit.signature_batch import SignatureJob, Verdict, check_signatures
from ballots.crypto.ballot import BallotContext, EncryptedBallot, verify_ballot
from ballots.crypto.encoding import ballot_from_bytes
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import BallotShape

__all__ = ["BallotJob", "BallotVerdict", "Problem", "check_ballot", "proof_problem"]


class Problem(NamedTuple):
    """Why a ballot is refused: its error code (``bad-proof``, …) and the sentence naming
    where (``ballot.proofs[3] (…): …``)."""

    code: str
    message: str


@dataclass(frozen=True)
class BallotJob:
    """One encrypted ballot to check: its bytes and shape, what its proofs are bound to (poll
    context and sitting key as 32-byte encodings, the deputy, the raw device key) and the
    signature of the message that carried it."""

    shape: BallotShape
    ballot: bytes
    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    signature: SignatureJob


@dataclass(frozen=True)
class BallotVerdict:
    """What a worker found: the signature's :class:`Verdict` and the ballot's first problem
    (None: every proof verifies), for the ballot whose bytes hash to ``ballot_sha256``."""

    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    ballot_sha256: bytes
    signature: Verdict
    problem: Problem | None

    def covers(
        self, *, poll_context: bytes, deputy: str, device_key: bytes, key: bytes, ballot: bytes
    ) -> bool:
        """Whether this verdict was given for exactly this ballot in this context."""
        return (self.poll_context, self.deputy, self.device_key, self.key) == (
            poll_context,
            deputy,
            device_key,
            key,
        ) and self.ballot_sha256 == hashlib.sha256(ballot).digest()


def proof_problem(
    shape: BallotShape, ballot: EncryptedBallot, context: BallotContext
) -> Problem | None:
    """None if every proof of ``ballot`` verifies in ``context``, else the first failure."""
    try:
        verify_ballot(shape, ballot, context=context)
    except CryptoError as error:
        return Problem(error.code, str(error))
    return None


def check_ballot(job: BallotJob) -> BallotVerdict:
    """In a worker: check the signature and every proof of one ballot (never raises)."""
    alg, public_key, _, _ = job.signature
    signature = Verdict(alg, public_key, check_signatures([job.signature])[0] is None)
    problem: Problem | None
    try:
        ballot = ballot_from_bytes(job.shape, job.ballot)
        context = BallotContext(
            poll=Scalar.decode(job.poll_context, "poll_context"),
            deputy_id=job.deputy,
            device_key=job.device_key,
            key=Point.decode(job.key, "key"),
        )
        problem = proof_problem(job.shape, ballot, context)
    except CryptoError as error:
        problem = Problem(error.code, str(error))
    return BallotVerdict(
        poll_context=job.poll_context,
        deputy=job.deputy,
        device_key=job.device_key,
        key=job.key,
        ballot_sha256=hashlib.sha256(job.ballot).digest(),
        signature=signature,
        problem=problem,
    )
