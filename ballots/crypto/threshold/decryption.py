"""Threshold decryption of totals: shares with Chaum–Pedersen proofs, Lagrange combination.

For a ciphertext ``(a, b) = (r·G, m·G + r·H)`` scrutineer ``j`` posts ``D_j = s_j·a`` with a
proof that ``log_G Y_j = log_a D_j`` (Chaum–Pedersen 1992; ElectionGuard 2.0 §3.6.3), bound by
its challenge to the key, poll, checkpoint and aggregate it decrypts::

    decrypt_ctx = Hash("cv1/thr/decrypt", key_id, poll id, checkpoint, aggregate hash)

Any t valid shares give ``r·H = Σ_j λ_j·D_j`` with Lagrange coefficients over the indices
present, hence ``M = b − Σ_j λ_j·D_j = m·G`` and ``m`` by a small discrete logarithm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.errors import LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.dlog import discrete_log
from ballots.crypto.threshold.errors import CeremonyMessageError, NotEnoughSharesError
from ballots.crypto.threshold.polynomial import lagrange_coefficients
from ballots.crypto.threshold.proofs import Proof, prove_equality, verify_equality

__all__ = [
    "LABEL_DECRYPT",
    "TAG_DECRYPT",
    "DecryptionShare",
    "combine",
    "decrypt_total",
    "decryption_context",
    "interpolate",
    "make_decryption_share",
    "verify_decryption_share",
]

TAG_DECRYPT: Final = "cv1/thr/decrypt"
LABEL_DECRYPT: Final = "decrypt"


def decryption_context(
    *, key: Scalar, poll_id: str, checkpoint: bytes, aggregate_hash: bytes
) -> Scalar:
    """``decrypt_ctx``: binds a share to the key, the poll, the checkpoint and the aggregate."""
    return hash_to_scalar(
        TAG_DECRYPT, key.encode(), poll_id.encode("utf-8"), checkpoint, aggregate_hash
    )


@dataclass(frozen=True)
class DecryptionShare:
    """Scrutineer ``scrutineer``'s ``D_j = s_j·a`` for one ciphertext, with its proof."""

    scrutineer: int
    share: Point
    proof: Proof

    def encode(self) -> bytes:
        """``u8(j) ‖ D_j ‖ proof`` (97 bytes)."""
        return bytes((self.scrutineer,)) + self.share.encode() + self.proof.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> DecryptionShare:
        """Strictly decode :meth:`encode`'s layout (``D_j`` may not be the identity)."""
        if len(data) != 97:
            raise LayoutError(where, f"decryption share is {len(data)} bytes, not 97")
        return cls(
            scrutineer=data[0],
            share=Point.decode(data[1:33], f"{where}.share"),
            proof=Proof.decode(data[33:], f"{where}.proof"),
        )


def make_decryption_share(
    context: Scalar,
    index: int,
    secret_share: Scalar,
    ciphertext: Ciphertext,
    random: RandomSource,
) -> DecryptionShare:
    """Scrutineer ``index``'s share of ``ciphertext`` with a Chaum–Pedersen proof."""
    a = ciphertext.a
    proof = prove_equality(context, LABEL_DECRYPT, index, secret_share, a, random)
    return DecryptionShare(index, a.mul(secret_share), proof)


def verify_decryption_share(
    context: Scalar,
    verification_key: Point,
    ciphertext: Ciphertext,
    share: DecryptionShare,
    where: str,
) -> None:
    """Check ``share`` against ``Y_j``; :class:`~ballots.crypto.errors.ProofError` names ``j``."""
    verify_equality(
        context,
        LABEL_DECRYPT,
        share.scrutineer,
        (ciphertext.a, verification_key, share.share),
        share.proof,
        f"{where} (scrutineer {share.scrutineer})",
    )


def interpolate(b: Point, shares: Mapping[int, Point]) -> Point:
    """``b − Σ_j λ_j·D_j`` with Lagrange coefficients over exactly the indices given."""
    coefficients = lagrange_coefficients(shares)
    combined = Point.identity()
    for index, share in shares.items():
        combined = combined + share.mul(coefficients[index])
    return b - combined


def combine(ciphertext: Ciphertext, shares: Sequence[DecryptionShare], t: int, where: str) -> Point:
    """``M = m·G`` from at least ``t`` (already verified) shares of distinct scrutineers."""
    by_index: dict[int, Point] = {}
    for share in shares:
        if share.scrutineer in by_index:
            raise CeremonyMessageError(where, f"two shares from scrutineer {share.scrutineer}")
        by_index[share.scrutineer] = share.share
    if len(by_index) < t:
        raise NotEnoughSharesError(
            where, f"{len(by_index)} decryption shares, at least {t} are needed"
        )
    return interpolate(ciphertext.b, by_index)


def decrypt_total(
    context: Scalar,
    verification_keys: Mapping[int, Point],
    ciphertext: Ciphertext,
    shares: Sequence[DecryptionShare],
    *,
    t: int,
    limit: int,
    where: str,
) -> int:
    """Verify every share, combine and return the total ``m`` in ``0..limit``."""
    for position, share in enumerate(shares):
        key = verification_keys.get(share.scrutineer)
        if key is None:
            raise CeremonyMessageError(
                f"{where}.shares[{position}]", f"no scrutineer {share.scrutineer} in this key"
            )
        verify_decryption_share(context, key, ciphertext, share, f"{where}.shares[{position}]")
    return discrete_log(combine(ciphertext, shares, t, where), limit, where)
