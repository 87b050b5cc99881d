"""The ceremony transcript: what acceptances sign and what names the key.

Both are one byte string of length-framed items (``u32be(|x|) ‖ x``, as inside
:func:`~ballots.crypto.hashing.hash_to_scalar`), in a fixed order::

    dealing transcript = framed(ceremony_ctx, announcement_1 … announcement_n,
                                sealed shares ordered by (dealer, recipient))
    dealing hash       = Hash("cv1/thr/dealing", dealing transcript)      carried by acceptances
    key transcript     = framed(dealing transcript, acceptance_1 … acceptance_n,
                                verification key_1 … verification key_n)
    key_id             = Hash("cv1/key", key transcript)                   (hashing.key_id)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from ballots.crypto.group import Scalar
from ballots.crypto.hashing import hash_to_scalar, key_id, u32
from ballots.crypto.threshold.messages import Acceptance, Announcement, VerificationKey
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.transport import SealedShare

__all__ = ["TAG_DEALING", "dealing_hash", "dealing_transcript", "joint_key_id", "key_transcript"]

TAG_DEALING: Final = "cv1/thr/dealing"


def _framed(items: Iterable[bytes]) -> bytes:
    return b"".join(u32(len(item)) + item for item in items)


def dealing_transcript(
    params: CeremonyParams,
    announcements: Mapping[int, Announcement],
    sealed: Iterable[SealedShare],
) -> bytes:
    """Rounds 1 and 2 as bytes: announcements by dealer, sealed shares by (dealer, recipient)."""
    ordered = sorted(sealed, key=lambda share: (share.dealer, share.recipient))
    return _framed(
        [
            params.context().encode(),
            *(announcements[i].encode() for i in sorted(announcements)),
            *(share.encode() for share in ordered),
        ]
    )


def dealing_hash(
    params: CeremonyParams,
    announcements: Mapping[int, Announcement],
    sealed: Iterable[SealedShare],
) -> Scalar:
    """The hash of rounds 1 and 2 that every :class:`Acceptance` carries."""
    return hash_to_scalar(TAG_DEALING, dealing_transcript(params, announcements, sealed))


def key_transcript(
    dealing: bytes,
    acceptances: Mapping[int, Acceptance],
    verification_keys: Mapping[int, VerificationKey],
) -> bytes:
    """Rounds 1 to 4 as bytes: the dealing transcript, then acceptances and keys by index."""
    return _framed(
        [
            dealing,
            *(acceptances[j].encode() for j in sorted(acceptances)),
            *(verification_keys[j].encode() for j in sorted(verification_keys)),
        ]
    )


def joint_key_id(
    dealing: bytes,
    acceptances: Mapping[int, Acceptance],
    verification_keys: Mapping[int, VerificationKey],
) -> Scalar:
    """``key_id = Hash("cv1/key", key transcript)``."""
    return key_id(key_transcript(dealing, acceptances, verification_keys))
