"""Three simulated scrutineers and their 2-of-3 sitting key, for encrypted polls in tests.

The pure ceremony of ``ballots.crypto.threshold`` runs in-process (until the ceremony is wired
through the server); :class:`Scrutineers` keeps each one's secret share ``s_j`` and makes the
decryption shares a scrutineer posts for an encrypted poll's aggregate.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.threshold.decryption import decryption_context, make_decryption_share
from tests.ballots.crypto.threshold_fixtures import Run, full_ceremony
from voting.core.records import SittingKey
from voting.core.sitting_key import key_completed


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def _ceremony() -> Run:
    return full_ceremony(2, 3, seed="congress-vote-tests")


@dataclass(frozen=True)
class Scrutineers:
    """The sitting key of a 2-of-3 ceremony and the three scrutineers' secret shares."""

    key: SittingKey
    shares: Mapping[int, Scalar]
    #: The stations that hold the shares, when the key came from a real ceremony.
    stations: Sequence[Any] = ()

    @classmethod
    def ceremony(cls, deputies: Sequence[str] = ("d01", "d02", "d03")) -> Scrutineers:
        run = _ceremony()
        joint = run.ceremony.joint_key()
        key = SittingKey(
            key_id=joint.key_id.encode().hex(),
            t=2,
            n=3,
            public_key=b64url(joint.public_key.encode()),
            verification_keys={j: b64url(y.encode()) for j, y in joint.verification_keys.items()},
            scrutineers={j: deputies[j - 1] for j in (1, 2, 3)},
        )
        return cls(key, dict(run.shares))

    def key_completed(self) -> dict[str, Any]:
        """The entry recording the key, as the ceremony's decision writes it."""
        return key_completed(self.key)

    def share_set(
        self,
        j: int,
        aggregate: Mapping[str, Any],
        checkpoint: str,
        *,
        secret: Scalar | None = None,
    ) -> list[str]:
        """Scrutineer ``j``'s shares of every ciphertext of an ``aggregate`` entry (``secret``:
        use this scalar instead of ``s_j``, to forge a share)."""
        context = decryption_context(
            key=Scalar.decode(bytes.fromhex(self.key.key_id), "key_id"),
            poll_id=aggregate["poll"],
            checkpoint=checkpoint.encode(),
            aggregate_hash=bytes.fromhex(aggregate["hash"]),
        )
        pairs = list(aggregate["sums"])
        if "write_in_sum" in aggregate:
            pairs.append(aggregate["write_in_sum"])
        random = DeterministicRandom(f"share/{j}/{aggregate['hash']}".encode())
        shares = []
        for a, b in pairs:
            ciphertext = Ciphertext(
                Point.decode(unb64url(a), "a"), Point.decode(unb64url(b), "b", allow_identity=True)
            )
            s = self.shares[j] if secret is None else secret
            share = make_decryption_share(context, j, s, ciphertext, random)
            shares.append(b64url(share.encode()))
        return shares


def checkpoint_text(origin: str, size: int, root: str = "cm9vdA==") -> str:
    """A checkpoint's text (the core checks origin and size; the service checks it is signed)."""
    return f"{origin}\n{size}\n{root}\n"
