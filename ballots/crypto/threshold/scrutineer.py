"""What one scrutineer's device computes in the ceremony, as pure functions.

Each step takes the public messages received so far, the device's own secrets and a random
source, and returns the message to post (the device signs and sends it). The secrets —
transport key ``e_i``, polynomial ``f_i`` and finally the share ``s_j`` — never leave the device
except on the backup card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.complaints import check_share, make_complaint
from ballots.crypto.threshold.errors import CeremonyMessageError
from ballots.crypto.threshold.messages import (
    LABEL_CONSTANT,
    LABEL_TRANSPORT,
    LABEL_VERIFICATION,
    Acceptance,
    Announcement,
    Complaint,
    VerificationKey,
)
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import commit, evaluate, random_polynomial
from ballots.crypto.threshold.proofs import prove_knowledge
from ballots.crypto.threshold.transcript import dealing_hash
from ballots.crypto.threshold.transport import SealedShare, open_share, seal_share

__all__ = [
    "DealerSecrets",
    "ShareCheck",
    "announce",
    "check_received_shares",
    "deal_shares",
    "publish_verification_key",
]


@dataclass(frozen=True, repr=False)
class DealerSecrets:
    """Scrutineer ``index``'s secrets for one ceremony: transport key and polynomial."""

    index: int
    transport_secret: Scalar
    coefficients: tuple[Scalar, ...]

    def __repr__(self) -> str:
        return f"DealerSecrets(index={self.index}, <secret>)"


@dataclass(frozen=True, repr=False)
class ShareCheck:
    """The outcome of round 3 for one scrutineer: an acceptance and ``s_j``, or complaints."""

    acceptance: Acceptance | None
    complaints: tuple[Complaint, ...]
    secret_share: Scalar | None

    def __repr__(self) -> str:
        return f"ShareCheck(acceptance={self.acceptance}, complaints={self.complaints})"


def announce(
    params: CeremonyParams, index: int, random: RandomSource
) -> tuple[DealerSecrets, Announcement]:
    """Round 1: draw ``e_i`` and ``f_i``; announce ``E_i``, ``A_{i,·}`` and both proofs."""
    params.check_index(index, "announce.index")
    context = params.context()
    transport_secret = random.scalar()
    coefficients = random_polynomial(params.t, random)
    announcement = Announcement(
        dealer=index,
        transport_key=Point.base_mul(transport_secret),
        transport_proof=prove_knowledge(context, LABEL_TRANSPORT, index, transport_secret, random),
        commitments=commit(coefficients),
        constant_proof=prove_knowledge(context, LABEL_CONSTANT, index, coefficients[0], random),
    )
    return DealerSecrets(index, transport_secret, coefficients), announcement


def deal_shares(
    params: CeremonyParams,
    secrets: DealerSecrets,
    announcements: Mapping[int, Announcement],
    random: RandomSource,
) -> tuple[SealedShare, ...]:
    """Round 2: ``f_i(j)`` sealed to every other scrutineer's transport key, by recipient.

    Seal only to transport keys whose proofs a ceremony has checked (round 1 complete).
    """
    return tuple(
        seal_share(
            params,
            secrets.index,
            j,
            announcements[j].transport_key,
            evaluate(secrets.coefficients, j),
            random,
        )
        for j in params.indices
        if j != secrets.index
    )


def check_received_shares(
    params: CeremonyParams,
    secrets: DealerSecrets,
    announcements: Mapping[int, Announcement],
    sealed: Iterable[SealedShare],
    random: RandomSource,
) -> ShareCheck:
    """Round 3: open and check every share sent to this scrutineer.

    ``announcements`` are those a :class:`~ballots.crypto.threshold.ceremony.Ceremony` accepted
    and ``sealed`` is every round 2 message (the acceptance hashes them all).
    All valid: an :class:`Acceptance` of the dealing hash and ``s_j = Σ_i f_i(j)``.
    Otherwise one :class:`Complaint` per bad dealer, and no share.
    """
    all_sealed = tuple(sealed)
    j = secrets.index
    senders = sorted(item.dealer for item in all_sealed if item.recipient == j)
    expected = [i for i in params.indices if i != j]
    if senders != expected:
        raise CeremonyMessageError(
            f"round2[→{j}]", f"shares to {j} came from dealers {senders}, expected {expected}"
        )
    share = evaluate(secrets.coefficients, j)
    complaints: list[Complaint] = []
    for item in sorted(all_sealed, key=lambda s: s.dealer):
        if item.recipient != j:
            continue
        where = f"round2[{item.dealer}→{j}]"
        try:
            opened = open_share(
                params,
                item,
                announcements[j].transport_key,
                item.ephemeral.mul(secrets.transport_secret),
                where,
            )
            check_share(announcements[item.dealer], j, opened, where)
        except CryptoError:
            complaints.append(make_complaint(params, secrets.transport_secret, item, random))
            continue
        share = share + opened
    if complaints:
        return ShareCheck(None, tuple(complaints), None)
    acceptance = Acceptance(j, dealing_hash(params, announcements, all_sealed))
    return ShareCheck(acceptance, (), share)


def publish_verification_key(
    params: CeremonyParams, index: int, secret_share: Scalar, random: RandomSource
) -> VerificationKey:
    """Round 4: ``Y_j = s_j·G`` with a Schnorr proof of ``s_j``."""
    proof = prove_knowledge(params.context(), LABEL_VERIFICATION, index, secret_share, random)
    return VerificationKey(index, Point.base_mul(secret_share), proof)
