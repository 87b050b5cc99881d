"""The ceremony's public messages as data, with their exact byte layouts.

Rounds (``ballot-secrecy.md`` §4; Pedersen 1991 with Feldman commitments, as analysed by
Gennaro–Jarecki–Krawczyk–Rabin 1999/2003; compare ElectionGuard 2.0 §3.2):

1. :class:`Announcement` — dealer ``i``'s transport key ``E_i`` with a Schnorr proof, its
   Feldman commitments ``A_{i,0..t−1}`` and a Schnorr proof of ``a_{i,0}``. The proof of the
   constant term is what makes the GJKR key bias harmless for ElGamal: a dealer cannot choose
   its ``A_{i,0}`` as a function of the others'.
2. :class:`~ballots.crypto.threshold.transport.SealedShare` — ``f_i(j)`` encrypted to ``E_j``.
3. :class:`Acceptance` of the transcript so far, or a :class:`Complaint` against a dealer.
4. :class:`VerificationKey` — ``Y_j = s_j·G`` with a Schnorr proof.
5. a test decryption by t scrutineers (:class:`~ballots.crypto.threshold.decryption.DecryptionShare`).

Indices are one byte (1..99). Points and scalars are their 32-byte encodings, proofs ``c ‖ s``.
Signatures by device keys wrap these bytes outside this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ballots.crypto.errors import LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.proofs import Proof

__all__ = [
    "LABEL_CONSTANT",
    "LABEL_TRANSPORT",
    "LABEL_VERIFICATION",
    "Acceptance",
    "Announcement",
    "Complaint",
    "VerificationKey",
]

#: Labels of the Schnorr proofs, hashed into their challenges.
LABEL_TRANSPORT: Final = "transport"
LABEL_CONSTANT: Final = "constant"
LABEL_VERIFICATION: Final = "verification"


def _expect_size(data: bytes, size: int, what: str, where: str) -> None:
    if len(data) != size:
        raise LayoutError(where, f"{what} is {len(data)} bytes, not {size}")


@dataclass(frozen=True)
class Announcement:
    """Round 1 from dealer ``dealer``: transport key, commitments and their proofs."""

    dealer: int
    transport_key: Point
    transport_proof: Proof
    commitments: tuple[Point, ...]
    constant_proof: Proof

    def encode(self) -> bytes:
        """``u8(i) ‖ u8(t) ‖ E_i ‖ proof(E_i) ‖ A_{i,0} ‖ … ‖ A_{i,t−1} ‖ proof(A_{i,0})``."""
        return (
            bytes((self.dealer, len(self.commitments)))
            + self.transport_key.encode()
            + self.transport_proof.encode()
            + b"".join(commitment.encode() for commitment in self.commitments)
            + self.constant_proof.encode()
        )

    @classmethod
    def decode(cls, data: bytes, where: str) -> Announcement:
        """Strictly decode :meth:`encode`'s layout; no point may be the identity."""
        if len(data) < 2:
            raise LayoutError(where, "announcement is shorter than its header")
        t = data[1]
        _expect_size(data, 2 + 96 + 32 * t + 64, "announcement", where)
        commitments = tuple(
            Point.decode(data[98 + 32 * k : 130 + 32 * k], f"{where}.commitments[{k}]")
            for k in range(t)
        )
        return cls(
            dealer=data[0],
            transport_key=Point.decode(data[2:34], f"{where}.transport_key"),
            transport_proof=Proof.decode(data[34:98], f"{where}.transport_proof"),
            commitments=commitments,
            constant_proof=Proof.decode(data[98 + 32 * t :], f"{where}.constant_proof"),
        )


@dataclass(frozen=True)
class Acceptance:
    """Round 3: scrutineer ``scrutineer`` found every share valid and saw this transcript."""

    scrutineer: int
    transcript_hash: Scalar

    def encode(self) -> bytes:
        """``u8(j) ‖ dealing hash`` (33 bytes)."""
        return bytes((self.scrutineer,)) + self.transcript_hash.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> Acceptance:
        """Strictly decode :meth:`encode`'s layout."""
        _expect_size(data, 33, "acceptance", where)
        return cls(data[0], Scalar.decode(data[1:], f"{where}.transcript_hash"))


@dataclass(frozen=True)
class Complaint:
    """Round 3: ``scrutineer`` says ``dealer``'s share is bad and reveals the ECDH point.

    ``shared = e_j·R`` opens that one share; ``proof`` shows ``log_G E_j = log_R shared``.
    """

    scrutineer: int
    dealer: int
    shared: Point
    proof: Proof

    def encode(self) -> bytes:
        """``u8(j) ‖ u8(i) ‖ K ‖ proof`` (98 bytes)."""
        return bytes((self.scrutineer, self.dealer)) + self.shared.encode() + self.proof.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> Complaint:
        """Strictly decode :meth:`encode`'s layout."""
        _expect_size(data, 98, "complaint", where)
        return cls(
            scrutineer=data[0],
            dealer=data[1],
            shared=Point.decode(data[2:34], f"{where}.shared"),
            proof=Proof.decode(data[34:], f"{where}.proof"),
        )


@dataclass(frozen=True)
class VerificationKey:
    """Round 4: scrutineer ``scrutineer``'s ``Y_j = s_j·G`` with a proof of ``s_j``."""

    scrutineer: int
    key: Point
    proof: Proof

    def encode(self) -> bytes:
        """``u8(j) ‖ Y_j ‖ proof`` (97 bytes)."""
        return bytes((self.scrutineer,)) + self.key.encode() + self.proof.encode()

    @classmethod
    def decode(cls, data: bytes, where: str) -> VerificationKey:
        """Strictly decode :meth:`encode`'s layout."""
        _expect_size(data, 97, "verification key", where)
        return cls(
            scrutineer=data[0],
            key=Point.decode(data[1:33], f"{where}.key"),
            proof=Proof.decode(data[33:], f"{where}.proof"),
        )
