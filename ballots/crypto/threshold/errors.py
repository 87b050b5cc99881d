"""Errors raised by the scrutineers' threshold key and decryption.

Hierarchy (codes in quotes; the bases come from :mod:`ballots.crypto.errors`)::

    CryptoError                      "crypto-error"
    ├── ProofError                   "bad-proof": a proof of knowledge or equality that fails
    └── ThresholdError               "threshold-error": base of the errors below
        ├── ParameterError           "bad-threshold-parameters": t, n or indices out of range
        ├── SealedShareError         "share-not-decryptable": an encrypted share refused by AES-GCM
        ├── ShareMismatchError       "share-mismatch": a share that its dealer's commitments refute
        ├── CeremonyMessageError     "ceremony-message": a message out of place in the ceremony
        ├── TranscriptMismatchError  "transcript-mismatch": an acceptance of another transcript
        ├── VerificationKeyError     "bad-verification-key": a Y_j the commitments contradict
        ├── NotEnoughSharesError     "not-enough-shares": fewer than t decryption shares
        ├── NotEnoughScrutineersError "not-enough-scrutineers": fewer than t devices alive
        ├── DiscreteLogError         "total-out-of-range": a decrypted point beyond the search range
        └── BackupCardError          "bad-backup-card": a card that does not parse or restore

Like every crypto error, each names *where* (``ceremony.round1[2].commitments[0]``,
``share[3]``, ``card.checksum``) and *what* (one sentence); ``str()`` is ``"{where}: {problem}"``.
"""

from __future__ import annotations

from ballots.crypto.errors import CryptoError, ProofError

__all__ = [
    "BackupCardError",
    "CeremonyMessageError",
    "DiscreteLogError",
    "NotEnoughScrutineersError",
    "NotEnoughSharesError",
    "ParameterError",
    "ProofError",
    "SealedShareError",
    "ShareMismatchError",
    "ThresholdError",
    "TranscriptMismatchError",
    "VerificationKeyError",
]


class ThresholdError(CryptoError):
    """A threshold-key or decryption value at ``where`` is refused; ``problem`` says why."""

    code = "threshold-error"


class ParameterError(ThresholdError):
    """Ceremony parameters or a scrutineer index outside what the design allows."""

    code = "bad-threshold-parameters"


class SealedShareError(ThresholdError):
    """An encrypted share whose AES-GCM tag fails: tampered, misaddressed or badly encrypted."""

    code = "share-not-decryptable"


class ShareMismatchError(ThresholdError):
    """A decrypted share that does not match its dealer's Feldman commitments."""

    code = "share-mismatch"


class CeremonyMessageError(ThresholdError):
    """A ceremony message for an unknown scrutineer, the wrong round or another ceremony."""

    code = "ceremony-message"


class TranscriptMismatchError(ThresholdError):
    """An acceptance carrying a dealing hash other than that of the messages on record."""

    code = "transcript-mismatch"


class VerificationKeyError(ThresholdError):
    """A verification key ``Y_j`` other than the one the dealers' commitments give."""

    code = "bad-verification-key"


class NotEnoughSharesError(ThresholdError):
    """Fewer than t valid decryption shares: the total cannot be computed."""

    code = "not-enough-shares"


class NotEnoughScrutineersError(ThresholdError):
    """Fewer than t scrutineer devices proved they hold their share: the poll cannot open."""

    code = "not-enough-scrutineers"


class DiscreteLogError(ThresholdError):
    """A decrypted point that is not m·G for any m in the searched range."""

    code = "total-out-of-range"


class BackupCardError(ThresholdError):
    """A backup card that does not parse, fails its checksum or does not match the key."""

    code = "bad-backup-card"
