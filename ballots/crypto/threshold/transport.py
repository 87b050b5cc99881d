"""Shares sent from one scrutineer to another, encrypted by ECIES over ristretto255.

Dealer ``i`` sends ``f_i(j)`` to scrutineer ``j`` under ``j``'s transport key ``E_j = e_j·G``
(ECIES, SEC 1 §5.1 / ISO 18033-2 ECIES-KEM, with HKDF and AES-GCM as DEM)::

    r fresh;  R = r·G;  K = r·E_j  (= e_j·R)
    context = u16be(|"cv1/share"|) ‖ "cv1/share" ‖ framed(origin, ceremony id, u32(t), u32(n),
                                                         u32(i), u32(j))
    key ‖ nonce = HKDF-SHA-256(ikm = R ‖ E_j ‖ K, salt = none, info = context, 44 bytes)
    sealed = R ‖ AES-256-GCM(key, nonce, plaintext = f_i(j) as 32 bytes, aad = context)

``framed`` is the length framing of :func:`ballots.crypto.hashing.hash_to_scalar` without the
hash. Each message has its own ephemeral key, so the derived nonce is used once. The ECDH
point ``K`` alone opens one share: a complaint reveals it with a proof (``complaints.py``) so
that anyone can read the disputed share and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots.crypto.errors import CryptoError, LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import u32
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.errors import SealedShareError
from ballots.crypto.threshold.params import CeremonyParams

__all__ = ["SEALED_SIZE", "TAG_SHARE", "SealedShare", "open_share", "seal_share", "share_context"]

TAG_SHARE: Final = "cv1/share"

#: R (32) ‖ AES-GCM ciphertext of a 32-byte scalar (32) ‖ tag (16).
SEALED_SIZE: Final = 80


@dataclass(frozen=True)
class SealedShare:
    """Round 2: dealer ``dealer``'s share for ``recipient``, encrypted to its transport key."""

    dealer: int
    recipient: int
    ephemeral: Point
    ciphertext: bytes

    def encode(self) -> bytes:
        """``u8(dealer) ‖ u8(recipient) ‖ R ‖ AES-GCM ciphertext and tag`` (82 bytes)."""
        return bytes((self.dealer, self.recipient)) + self.ephemeral.encode() + self.ciphertext

    @classmethod
    def decode(cls, data: bytes, where: str) -> SealedShare:
        """Strictly decode :meth:`encode`'s layout (R must be a valid non-identity point)."""
        if len(data) != 2 + SEALED_SIZE:
            raise LayoutError(where, f"sealed share is {len(data)} bytes, not {2 + SEALED_SIZE}")
        ephemeral = Point.decode(data[2:34], f"{where}.ephemeral")
        return cls(data[0], data[1], ephemeral, bytes(data[34:]))


def _frame(tag: str, *parts: bytes) -> bytes:
    tag_bytes = tag.encode("ascii")
    framed = len(tag_bytes).to_bytes(2, "big") + tag_bytes
    return framed + b"".join(u32(len(part)) + part for part in parts)


def share_context(params: CeremonyParams, dealer: int, recipient: int) -> bytes:
    """The HKDF info and AES-GCM associated data of the share from ``dealer`` to ``recipient``."""
    return _frame(
        TAG_SHARE,
        params.origin.encode("utf-8"),
        params.ceremony_id.encode("utf-8"),
        u32(params.t),
        u32(params.n),
        u32(dealer),
        u32(recipient),
    )


def _key_and_nonce(
    context: bytes, ephemeral: Point, recipient_key: Point, shared: Point
) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=44, salt=None, info=context).derive(
        ephemeral.encode() + recipient_key.encode() + shared.encode()
    )
    return material[:32], material[32:]


def seal_share(
    params: CeremonyParams,
    dealer: int,
    recipient: int,
    recipient_key: Point,
    share: Scalar,
    random: RandomSource,
) -> SealedShare:
    """Encrypt ``share`` from ``dealer`` to ``recipient`` under ``recipient_key``."""
    ephemeral_secret = random.scalar()
    ephemeral = Point.base_mul(ephemeral_secret)
    context = share_context(params, dealer, recipient)
    key, nonce = _key_and_nonce(
        context, ephemeral, recipient_key, recipient_key.mul(ephemeral_secret)
    )
    ciphertext = AESGCM(key).encrypt(nonce, share.encode(), context)
    return SealedShare(dealer, recipient, ephemeral, ciphertext)


def open_share(
    params: CeremonyParams, sealed: SealedShare, recipient_key: Point, shared: Point, where: str
) -> Scalar:
    """Decrypt ``sealed`` given the ECDH point ``shared = e_j·R`` (by the recipient or a judge).

    Raises :class:`SealedShareError` if AES-GCM refuses it (any changed byte, another
    ceremony, dealer or recipient) or if the plaintext is not a canonical scalar.
    """
    context = share_context(params, sealed.dealer, sealed.recipient)
    key, nonce = _key_and_nonce(context, sealed.ephemeral, recipient_key, shared)
    try:
        plaintext = AESGCM(key).decrypt(nonce, sealed.ciphertext, context)
    except InvalidTag:
        raise SealedShareError(
            where, f"the share from {sealed.dealer} to {sealed.recipient} does not decrypt"
        ) from None
    try:
        return Scalar.decode(plaintext, where)
    except CryptoError:
        raise SealedShareError(
            where, f"the share from {sealed.dealer} to {sealed.recipient} is not a scalar"
        ) from None
