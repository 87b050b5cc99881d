"""Liveness at opening: t scrutineer devices prove they still hold their share (§4).

Before an encrypted poll opens, the server sends a fresh challenge; each scrutineer device
answers with a Schnorr proof of ``s_j`` for ``Y_j`` (label ``liveness``) bound to the key, the
poll and the challenge::

    live_ctx = Hash("cv1/thr/liveness", key_id, poll id, challenge)

Fewer than t valid answers and the console refuses to open the poll: the total could never be
decrypted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from ballots.crypto.errors import LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.errors import CeremonyMessageError, NotEnoughScrutineersError
from ballots.crypto.threshold.proofs import Proof, prove_knowledge, verify_knowledge

__all__ = [
    "LABEL_LIVENESS",
    "TAG_LIVENESS",
    "LivenessProof",
    "check_liveness",
    "liveness_context",
    "prove_liveness",
]

TAG_LIVENESS: Final = "cv1/thr/liveness"
LABEL_LIVENESS: Final = "liveness"


def liveness_context(*, key: Scalar, poll_id: str, challenge: bytes) -> Scalar:
    """``live_ctx``: binds an answer to the key, the poll to open and the server's challenge."""
    return hash_to_scalar(TAG_LIVENESS, key.encode(), poll_id.encode("utf-8"), challenge)


@dataclass(frozen=True)
class LivenessProof:
    """Scrutineer ``scrutineer``'s answer: a proof that it holds ``s_j`` for ``Y_j``."""

    scrutineer: int
    proof: Proof

    def encode(self) -> bytes:
        """``u8(j) ‖ proof`` (65 bytes)."""
        return bytes((self.scrutineer,)) + self.proof.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> LivenessProof:
        """Strictly decode :meth:`encode`'s layout."""
        if len(data) != 65:
            raise LayoutError(where, f"liveness proof is {len(data)} bytes, not 65")
        return cls(data[0], Proof.decode(data[1:], f"{where}.proof"))


def prove_liveness(
    context: Scalar, index: int, secret_share: Scalar, random: RandomSource
) -> LivenessProof:
    """Scrutineer ``index``'s answer to the challenge behind ``context``."""
    return LivenessProof(
        index, prove_knowledge(context, LABEL_LIVENESS, index, secret_share, random)
    )


def check_liveness(
    context: Scalar,
    verification_keys: Mapping[int, Point],
    answers: Iterable[LivenessProof],
    t: int,
    where: str,
) -> tuple[int, ...]:
    """The scrutineers proven alive, in index order; raise if any answer fails or fewer than t.

    A failing proof raises :class:`~ballots.crypto.errors.ProofError` naming the scrutineer.
    """
    alive: set[int] = set()
    for position, answer in enumerate(answers):
        at = f"{where}[{position}]"
        key = verification_keys.get(answer.scrutineer)
        if key is None:
            raise CeremonyMessageError(at, f"no scrutineer {answer.scrutineer} in this key")
        verify_knowledge(
            context,
            LABEL_LIVENESS,
            answer.scrutineer,
            key,
            answer.proof,
            f"{at} (scrutineer {answer.scrutineer})",
        )
        alive.add(answer.scrutineer)
    if len(alive) < t:
        raise NotEnoughScrutineersError(
            where, f"{len(alive)} scrutineer devices answered, at least {t} are needed"
        )
    return tuple(sorted(alive))
