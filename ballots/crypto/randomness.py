"""Where the prover's randomness comes from: the system, or a seed for known answers.

Every function that needs randomness takes a :class:`RandomSource`, so tests and the known
answers of ``docs/ballot-crypto.md`` are reproducible. Scalars are 64 random bytes reduced
modulo ℓ (``docs/ballot-secrecy.md`` §3).
"""

from __future__ import annotations

import secrets
from typing import Final, Protocol

from ballots.crypto.group import Scalar
from ballots.crypto.hashing import hash_to_scalar, u32

__all__ = ["TAG_DETERMINISTIC", "DeterministicRandom", "RandomSource", "SystemRandom"]

TAG_DETERMINISTIC: Final = "cv1/deterministic-random"


class RandomSource(Protocol):
    """Hands out uniformly random scalars, one per call."""

    def scalar(self) -> Scalar:
        """The next random scalar."""
        ...


class SystemRandom:
    """Scalars from the operating system's generator: 64 bytes of ``secrets`` reduced mod ℓ."""

    def scalar(self) -> Scalar:
        """The next random scalar."""
        return Scalar.reduce(secrets.token_bytes(64))


class DeterministicRandom:
    """Scalars ``Hash("cv1/deterministic-random", seed, u32(i))`` for i = 0, 1, 2, …

    For tests and known answers only: anyone who knows the seed can open the ballot.
    """

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def scalar(self) -> Scalar:
        """The next scalar of the sequence."""
        value = hash_to_scalar(TAG_DETERMINISTIC, self._seed, u32(self._counter))
        self._counter += 1
        return value
