"""Complaints against a dealer, and the verdict anyone can reach from the public record.

A scrutineer ``j`` whose share from ``i`` fails (does not decrypt, or contradicts ``i``'s
commitments) publishes ``K = e_j·R`` with a Chaum–Pedersen proof that
``log_G E_j = log_R K``. With ``K`` anyone can open exactly that share
(``transport.open_share``) and check it against ``A_{i,·}`` — the DLEQ-based complaint of
the Pedersen/GJKR DKG with encrypted channels. The verdict names one culprit:

- the complaint's proof fails, or the share turns out valid → the complainer ``j``;
- otherwise (the share does not decrypt, is not a scalar, or contradicts the commitments)
  → the dealer ``i``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.errors import ShareMismatchError
from ballots.crypto.threshold.messages import Announcement, Complaint
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import commitment_at
from ballots.crypto.threshold.proofs import prove_equality, verify_equality
from ballots.crypto.threshold.transport import SealedShare, open_share

__all__ = ["LABEL_COMPLAINT", "Fault", "check_share", "judge_complaint", "make_complaint"]

LABEL_COMPLAINT: Final = "complaint"


@dataclass(frozen=True)
class Fault:
    """Scrutineer ``scrutineer`` broke the protocol: ``code`` (stable) and ``reason`` (a sentence)."""

    scrutineer: int
    code: str
    reason: str

    def __str__(self) -> str:
        return f"scrutineer {self.scrutineer}: {self.reason}"


def check_share(announcement: Announcement, recipient: int, share: Scalar, where: str) -> None:
    """Raise :class:`ShareMismatchError` unless ``share·G = Σ_k j^k·A_{i,k}``."""
    if Point.base_mul(share) != commitment_at(announcement.commitments, recipient):
        raise ShareMismatchError(
            where,
            f"the share from {announcement.dealer} to {recipient} does not match "
            f"dealer {announcement.dealer}'s commitments",
        )


def make_complaint(
    params: CeremonyParams, transport_secret: Scalar, sealed: SealedShare, random: RandomSource
) -> Complaint:
    """The recipient's complaint against ``sealed.dealer``: ``K = e_j·R`` and its DLEQ proof."""
    proof = prove_equality(
        params.context(),
        LABEL_COMPLAINT,
        sealed.recipient,
        transport_secret,
        sealed.ephemeral,
        random,
    )
    return Complaint(
        scrutineer=sealed.recipient,
        dealer=sealed.dealer,
        shared=sealed.ephemeral.mul(transport_secret),
        proof=proof,
    )


def judge_complaint(
    params: CeremonyParams,
    dealer: Announcement,
    complainer: Announcement,
    sealed: SealedShare,
    complaint: Complaint,
) -> Fault:
    """The verdict on ``complaint`` from public data alone: whichever side is at fault."""
    j, i = complaint.scrutineer, complaint.dealer
    where = f"complaint[{j}→{i}]"
    try:
        verify_equality(
            params.context(),
            LABEL_COMPLAINT,
            j,
            (sealed.ephemeral, complainer.transport_key, complaint.shared),
            complaint.proof,
            where,
        )
    except CryptoError as error:
        return Fault(
            j, "bad-complaint-proof", f"complaint against {i} has no valid proof ({error})"
        )
    try:
        share = open_share(params, sealed, complainer.transport_key, complaint.shared, where)
        check_share(dealer, j, share, where)
    except CryptoError as error:
        return Fault(i, "bad-share", f"dealt a bad share to {j} ({error.problem})")
    return Fault(j, "false-complaint", f"complained against {i} whose share to {j} is valid")
