"""Shamir sharing with Feldman commitments, and Lagrange interpolation at 0.

A dealer's secret polynomial ``f(x) = a_0 + a_1·x + … + a_{t−1}·x^{t−1}`` over the scalars
gives scrutineer ``j`` the share ``f(j)`` (Shamir 1979). Its Feldman commitments
``A_k = a_k·G`` (Feldman 1987) let anyone check a share without learning it:
``f(j)·G = Σ_k j^k·A_k``. Any t shares determine ``a_0`` by Lagrange interpolation at 0,
``a_0 = Σ_j λ_j·f(j)`` with ``λ_j = Π_{m≠j} m / (m − j)``; fewer reveal nothing about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.threshold.errors import ParameterError

__all__ = [
    "commit",
    "commitment_at",
    "evaluate",
    "lagrange_coefficient",
    "lagrange_coefficients",
    "random_polynomial",
]


def random_polynomial(t: int, random: RandomSource) -> tuple[Scalar, ...]:
    """The coefficients ``a_0..a_{t−1}`` of a uniformly random polynomial of degree ``t − 1``."""
    return tuple(random.scalar() for _ in range(t))


def evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """``f(x)`` by Horner's rule, in constant-time scalar arithmetic (the coefficients are secret)."""
    at = Scalar.of(x)
    value = Scalar.of(0)
    for coefficient in reversed(coefficients):
        value = value * at + coefficient
    return value


def commit(coefficients: Sequence[Scalar]) -> tuple[Point, ...]:
    """The Feldman commitments ``A_k = a_k·G``."""
    return tuple(Point.base_mul(coefficient) for coefficient in coefficients)


def commitment_at(commitments: Sequence[Point], x: int) -> Point:
    """``f(x)·G = Σ_k x^k·A_k``, computed from the public commitments alone."""
    at = Scalar.of(x)
    value = Point.identity()
    for commitment in reversed(commitments):
        value = value.mul(at) + commitment
    return value


def lagrange_coefficient(index: int, indices: Iterable[int]) -> Scalar:
    """``λ_index = Π_{m≠index} m / (m − index)`` over the distinct positive ``indices``."""
    present = sorted(set(indices))
    if index not in present or present[0] < 1:
        raise ParameterError("lagrange", f"index {index} is not among the indices {present}")
    numerator = Scalar.of(1)
    denominator = Scalar.of(1)
    for other in present:
        if other != index:
            numerator = numerator * Scalar.of(other)
            denominator = denominator * Scalar.of(other - index)
    return numerator * denominator.invert()


def lagrange_coefficients(indices: Iterable[int]) -> dict[int, Scalar]:
    """``{j: λ_j}`` for every index present: the weights that interpolate at 0."""
    present = sorted(set(indices))
    return {index: lagrange_coefficient(index, present) for index in present}
