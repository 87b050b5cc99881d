"""Errors raised when a shuffle or a chain of shuffles is refused.

Hierarchy (all are :class:`~ballots.crypto.errors.CryptoError`, so ``str()`` is
``"{where}: {problem}"``)::

    CryptoError                   "crypto-error"
    └── ShuffleError              "bad-shuffle": base of the errors below
        ├── ShuffleLayoutError    "shuffle-layout": counts or widths that do not match
        ├── GeneratorError        "shuffle-generator": generators not independent of G, H
        ├── ShuffleProofError     "shuffle-proof": an equation of the proof does not hold
        └── ChainError            "shuffle-chain": a chain that is empty or repeats a station

``where`` is a path such as ``shuffles[1].proof.t4[0]`` or ``shuffles[0].outputs``.
"""

from __future__ import annotations

from ballots.crypto.errors import CryptoError

__all__ = [
    "ChainError",
    "GeneratorError",
    "ShuffleError",
    "ShuffleLayoutError",
    "ShuffleProofError",
]


class ShuffleError(CryptoError):
    """A shuffle, or a chain of shuffles, is refused."""

    code = "bad-shuffle"


class ShuffleLayoutError(ShuffleError):
    """A list, vector or proof whose size does not match the input (a dropped element…)."""

    code = "shuffle-layout"


class GeneratorError(ShuffleError):
    """The commitment generators are not distinct from each other, from G and from H."""

    code = "shuffle-generator"


class ShuffleProofError(ShuffleError):
    """One verification equation of the proof of shuffle does not hold."""

    code = "shuffle-proof"


class ChainError(ShuffleError):
    """A chain of shuffles that is empty or in which a station shuffles twice."""

    code = "shuffle-chain"
