"""One station's shuffle: re-encrypt and permute whole vectors, prove it, verify it.

``shuffle`` draws the permutation ψ first (Fisher–Yates from the top: for k = N−1 … 1 a scalar
x, swap positions k and ``int(x) mod (k+1)``; the bias is below 2^−200), then one
re-encryption scalar per output and column (output order, column order), then the proof's
randomness (:mod:`ballots.crypto.shuffle.proof`). ``outputs[k] = inputs[ψ(k)]`` with every
ciphertext re-encrypted: ``(a + r·G, b + r·H)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballots.crypto.elgamal import reencrypt
from ballots.crypto.group import Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.shuffle.challenges import ShuffleContext, Vector
from ballots.crypto.shuffle.errors import ShuffleLayoutError
from ballots.crypto.shuffle.proof import ShuffleProof, prove_shuffle, verify_shuffle_proof

__all__ = ["Shuffle", "check_vectors", "random_permutation", "shuffle", "verify_shuffle"]


@dataclass(frozen=True)
class Shuffle:
    """Station ``station``'s re-encrypted, permuted list and its proof."""

    station: int
    outputs: tuple[Vector, ...]
    proof: ShuffleProof


def check_vectors(vectors: Sequence[Vector], where: str) -> int:
    """Return the common width W ≥ 1 of a non-empty list; raise :class:`ShuffleLayoutError`."""
    if not vectors:
        raise ShuffleLayoutError(where, "the list is empty: there is nothing to shuffle")
    width = len(vectors[0])
    if width < 1:
        raise ShuffleLayoutError(f"{where}[0]", "a vector holds at least one ciphertext")
    for k, vector in enumerate(vectors):
        if len(vector) != width:
            raise ShuffleLayoutError(
                f"{where}[{k}]", f"vector has {len(vector)} ciphertexts, not {width}"
            )
    return width


def random_permutation(count: int, random: RandomSource) -> list[int]:
    """ψ as a list: Fisher–Yates from the top, one scalar per swap."""
    permutation = list(range(count))
    for k in range(count - 1, 0, -1):
        j = int(random.scalar()) % (k + 1)
        permutation[k], permutation[j] = permutation[j], permutation[k]
    return permutation


def shuffle(inputs: Sequence[Vector], context: ShuffleContext, random: RandomSource) -> Shuffle:
    """Re-encrypt and permute ``inputs`` as station ``context.station``, with its proof."""
    inputs = [tuple(vector) for vector in inputs]
    width = check_vectors(inputs, "inputs")
    key = context.public_key
    permutation = random_permutation(len(inputs), random)
    randomizers: list[list[Scalar]] = []
    outputs: list[Vector] = []
    for j in permutation:
        scalars = [random.scalar() for _ in range(width)]
        randomizers.append(scalars)
        outputs.append(tuple(reencrypt(c, r, key) for c, r in zip(inputs[j], scalars, strict=True)))
    proof = prove_shuffle(inputs, outputs, permutation, randomizers, context, random)
    return Shuffle(context.station, tuple(outputs), proof)


def verify_shuffle(
    inputs: Sequence[Vector],
    mixed: Shuffle,
    context: ShuffleContext,
    where: str = "shuffle",
) -> None:
    """Check that ``mixed.outputs`` is a re-encrypted permutation of ``inputs``.

    ``context.station`` must be the station that signed ``mixed``. Raises
    :class:`ShuffleLayoutError` (sizes), :class:`GeneratorError` or :class:`ShuffleProofError`
    (``where`` names the equation), never returns False.
    """
    width = check_vectors(inputs, "inputs")
    if mixed.station != context.station:
        raise ShuffleLayoutError(
            f"{where}.station", f"shuffle of station {mixed.station}, not {context.station}"
        )
    if len(mixed.outputs) != len(inputs):
        raise ShuffleLayoutError(
            f"{where}.outputs",
            f"{len(mixed.outputs)} vectors, but the input has {len(inputs)}",
        )
    for k, vector in enumerate(mixed.outputs):
        if len(vector) != width:
            raise ShuffleLayoutError(
                f"{where}.outputs[{k}]", f"vector has {len(vector)} ciphertexts, not {width}"
            )
    verify_shuffle_proof(inputs, mixed.outputs, mixed.proof, context, f"{where}.proof")
