"""Encrypted ballots decoded and checked in a worker process: the strict decoding of the ballot's
JSON, the tablet's signature and every proof.

Verifying an encrypted ballot's proofs takes 1 to 14 ms of CPU (``docs/ballot-secrecy.md`` §9),
and strictly decoding its JSON some 0.1 ms more: too long for the meeting's event loop when a
hall votes at once. The inbound path sends a :class:`BallotJob` (the ballot's JSON as received)
to the signature workers (:meth:`devices.signatures.SignatureChecker.run`), where
:func:`check_ballot` runs, and hands the :class:`BallotVerdict` to the core's decision as a
value. The verdict carries what the decision and the acknowledgement need of the decoded ballot
(:class:`BallotSummary`: the SHA-256 of its bytes, its first components, its tracking code), so
the event loop never decodes it. The decision uses the verdict only if it was given for exactly
the ballot, poll context, deputy, device key and sitting key it is deciding on
(:meth:`BallotVerdict.covers`); otherwise, or with no worker running, it calls
:func:`proof_problem` itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from audit.signature_batch import SignatureJob, Verdict, check_signatures
from ballots.crypto.ballot import BallotContext, EncryptedBallot, verify_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json, tracking_code
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import BallotShape

__all__ = [
    "BallotJob",
    "BallotSummary",
    "BallotVerdict",
    "DecodedBallot",
    "Problem",
    "check_ballot",
    "proof_problem",
]


class Problem(NamedTuple):
    """Why a ballot is refused: its error code (``bad-proof``, …) and the sentence naming
    where (``ballot.proofs[3] (…): …``)."""

    code: str
    message: str


class BallotSummary(NamedTuple):
    """What the decision and the acknowledgement need of a strictly decoded ballot: the SHA-256
    of its bytes, the 32-byte encodings of its ciphertexts' first components (for weeding, in
    layout order) and its tracking code. Small and cheap to send between processes."""

    sha256: bytes
    first_components: tuple[bytes, ...]
    tracking_code: str

    @classmethod
    def of(cls, ballot: EncryptedBallot) -> BallotSummary:
        data = ballot_bytes(ballot)
        return cls(
            hashlib.sha256(data).digest(),
            tuple(ciphertext.a.encode() for ciphertext in ballot.ciphertexts),
            tracking_code(ballot),
        )


class DecodedBallot(NamedTuple):
    """A ballot that decoded strictly with its poll's shape, as the decision takes it: its JSON
    as received (strict decoding admits one JSON form per ballot, so it is also the form the log
    records) and its :class:`BallotSummary`."""

    json: Mapping[str, Any]
    summary: BallotSummary

    @classmethod
    def of(cls, ballot: EncryptedBallot) -> DecodedBallot:
        return cls(ballot_to_json(ballot), BallotSummary.of(ballot))

    @classmethod
    def from_json(cls, shape: BallotShape, json: Mapping[str, Any]) -> DecodedBallot:
        """Decode ``json`` strictly here (raises the :class:`CryptoError` of the first bad
        value): the path with no worker."""
        return cls(json, BallotSummary.of(ballot_from_json(shape, json)))


@dataclass(frozen=True)
class BallotJob:
    """One encrypted ballot to decode and check: its JSON as received and its poll's shape,
    what its proofs are bound to (poll context and sitting key as 32-byte encodings, the deputy,
    the raw device key) and the signature of the message that carried it."""

    shape: BallotShape
    ballot: Mapping[str, Any]
    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    signature: SignatureJob


@dataclass(frozen=True)
class BallotVerdict:
    """What a worker found: the signature's :class:`Verdict`, the decoded ballot's
    :class:`BallotSummary` (None: the JSON did not decode strictly, and ``problem`` says where)
    and the ballot's first problem (None: it decoded and every proof verifies)."""

    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    summary: BallotSummary | None
    signature: Verdict
    problem: Problem | None

    def covers(
        self,
        *,
        poll_context: bytes,
        deputy: str,
        device_key: bytes,
        key: bytes,
        ballot_sha256: bytes,
    ) -> bool:
        """Whether this verdict was given for exactly this ballot (the SHA-256 of its bytes)
        in this context."""
        return (
            self.summary is not None
            and self.summary.sha256 == ballot_sha256
            and (self.poll_context, self.deputy, self.device_key, self.key)
            == (poll_context, deputy, device_key, key)
        )


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
    """In a worker: check the signature, decode the ballot's JSON strictly with its shape and
    check every proof (never raises)."""
    alg, public_key, _, _ = job.signature
    signature = Verdict(alg, public_key, check_signatures([job.signature])[0] is None)
    summary: BallotSummary | None = None
    problem: Problem | None
    try:
        ballot = ballot_from_json(job.shape, job.ballot)
        summary = BallotSummary.of(ballot)
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
        summary=summary,
        signature=signature,
        problem=problem,
    )
