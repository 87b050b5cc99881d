"""The checks of each ceremony message, from public data alone (``congress verify`` reuses them).

Each check raises a :class:`~ballots.crypto.errors.CryptoError` whose ``code`` is stable and
whose message names the message (``round1[2].constant_proof: …``); the ceremony records it as
the sender's fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ballots.crypto.errors import LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.errors import TranscriptMismatchError, VerificationKeyError
from ballots.crypto.threshold.messages import (
    LABEL_CONSTANT,
    LABEL_TRANSPORT,
    LABEL_VERIFICATION,
    Acceptance,
    Announcement,
    VerificationKey,
)
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import commitment_at
from ballots.crypto.threshold.proofs import verify_knowledge

__all__ = [
    "check_acceptance",
    "check_announcement",
    "check_verification_key",
    "expected_verification_keys",
    "joint_public_key",
]


def check_announcement(params: CeremonyParams, message: Announcement, where: str) -> None:
    """t commitments, and both Schnorr proofs (transport key, constant term) verify."""
    if len(message.commitments) != params.t:
        raise LayoutError(
            where, f"{len(message.commitments)} commitments announced, {params.t} expected"
        )
    context = params.context()
    verify_knowledge(
        context,
        LABEL_TRANSPORT,
        message.dealer,
        message.transport_key,
        message.transport_proof,
        f"{where}.transport_proof",
    )
    verify_knowledge(
        context,
        LABEL_CONSTANT,
        message.dealer,
        message.commitments[0],
        message.constant_proof,
        f"{where}.constant_proof",
    )


def check_acceptance(message: Acceptance, dealing_hash: Scalar, where: str) -> None:
    """The acceptance carries the dealing hash of the messages on record."""
    if message.transcript_hash != dealing_hash:
        raise TranscriptMismatchError(
            where, "the acceptance carries another dealing hash than the messages on record"
        )


def joint_public_key(announcements: Mapping[int, Announcement]) -> Point:
    """``H = Σ_i A_{i,0}``."""
    key = Point.identity()
    for announcement in announcements.values():
        key = key + announcement.commitments[0]
    return key


def expected_verification_keys(
    announcements: Mapping[int, Announcement], indices: Sequence[int]
) -> dict[int, Point]:
    """``Y_j = Σ_i Σ_k j^k·A_{i,k}`` for every ``j``: what round 4 must announce."""
    expected: dict[int, Point] = {}
    for j in indices:
        key = Point.identity()
        for announcement in announcements.values():
            key = key + commitment_at(announcement.commitments, j)
        expected[j] = key
    return expected


def check_verification_key(
    params: CeremonyParams, message: VerificationKey, expected: Point, where: str
) -> None:
    """``Y_j`` follows from the commitments and its Schnorr proof verifies."""
    if message.key != expected:
        raise VerificationKeyError(
            f"{where}.key", "the verification key does not follow from the dealers' commitments"
        )
    verify_knowledge(
        params.context(),
        LABEL_VERIFICATION,
        message.scrutineer,
        message.key,
        message.proof,
        f"{where}.proof",
    )
