"""Errors raised by the encrypted-ballot cryptography (``docs/ballot-crypto.md``).

Hierarchy::

    BallotsError                    base of every error of :mod:`ballots`
    └── CryptoError                 "crypto-error": base of the errors below
        ├── EncodingError           "bad-encoding": bytes that are not a valid point or scalar
        │   ├── PointEncodingError  "bad-point": wrong length, bit 255 set, does not decode
        │   ├── ScalarEncodingError "bad-scalar": wrong length or not below ℓ
        │   └── IdentityError       "identity-point": the identity where it is refused
        ├── LayoutError             "bad-layout": a ballot or proof of the wrong shape or size
        ├── ProofError              "bad-proof": a proof that does not verify
        └── ReusedComponentError    "reused-component": a first component seen in another ballot

Every error names *where* the problem is, as a path into the ballot JSON
(``ballot.ciphertexts[5].a``, ``ballot.proofs[3]``), optionally the *role* of that value in the
poll (``candidates[2].against``, ``IN(candidates[1].for, {0,1})``), and *what* the problem is,
as one sentence. Its ``str()`` is ``"{where}: {problem}"``, or with a role
``"{where} ({role}): {problem}"``, e.g.
``ballot.ciphertexts[5].a (candidates[2].against): point has bit 255 set``.
"""

from __future__ import annotations

from ballots.errors import BallotsError

__all__ = [
    "CryptoError",
    "EncodingError",
    "IdentityError",
    "LayoutError",
    "PointEncodingError",
    "ProofError",
    "ReusedComponentError",
    "ScalarEncodingError",
]


class CryptoError(BallotsError):
    """A cryptographic value or ballot at ``where`` is refused; ``problem`` says why.

    ``role`` optionally says what the value stands for in the poll.
    """

    code = "crypto-error"

    def __init__(self, where: str, problem: str, *, role: str | None = None) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem
        self.role = role

    def __str__(self) -> str:
        if self.role:
            return f"{self.where} ({self.role}): {self.problem}"
        return f"{self.where}: {self.problem}"


class EncodingError(CryptoError):
    """Bytes that are not the strict encoding of a point or scalar."""

    code = "bad-encoding"


class PointEncodingError(EncodingError):
    """Not a strict ristretto255 encoding: not 32 bytes, bit 255 set, or does not decode."""

    code = "bad-point"


class ScalarEncodingError(EncodingError):
    """Not a strict scalar encoding: not 32 bytes, or not below the group order ℓ."""

    code = "bad-scalar"


class IdentityError(EncodingError):
    """The identity element where it is refused (a first component, a key, a commitment)."""

    code = "identity-point"


class LayoutError(CryptoError):
    """A ballot, ciphertext list or proof whose shape does not match the poll."""

    code = "bad-layout"


class ProofError(CryptoError):
    """A zero-knowledge proof that does not verify."""

    code = "bad-proof"


class ReusedComponentError(CryptoError):
    """A ciphertext's first component already present in another ballot (weeding)."""

    code = "reused-component"
