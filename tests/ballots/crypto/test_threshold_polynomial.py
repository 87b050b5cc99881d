"""Shamir shares, Feldman commitments and Lagrange weights against an independent recomputation."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.group import ORDER, Point, Scalar
from ballots.crypto.threshold.errors import ParameterError
from ballots.crypto.threshold.polynomial import (
    commit,
    commitment_at,
    evaluate,
    lagrange_coefficient,
    lagrange_coefficients,
)

scalars = st.integers(min_value=0, max_value=ORDER - 1)


def naive_value(coefficients: list[int], x: int) -> int:
    return sum(c * x**k for k, c in enumerate(coefficients)) % ORDER


def naive_interpolation(points: dict[int, int]) -> int:
    total = 0
    for j, y in points.items():
        weight = 1
        for m in points:
            if m != j:
                weight = weight * m * pow(m - j, -1, ORDER) % ORDER
        total = (total + weight * y) % ORDER
    return total


@settings(max_examples=30, deadline=None)
@given(data=st.data(), t=st.integers(min_value=1, max_value=4), extra=st.integers(0, 3))
def test_any_t_shares_give_the_secret_and_match_the_commitments(
    data: st.DataObject, t: int, extra: int
) -> None:
    n = t + extra
    coefficients = data.draw(st.lists(scalars, min_size=t, max_size=t))
    polynomial = [Scalar.of(c) for c in coefficients]
    shares = {j: int(evaluate(polynomial, j)) for j in range(1, n + 1)}
    assert shares == {j: naive_value(coefficients, j) for j in range(1, n + 1)}
    commitments = commit(polynomial)
    for j, share in shares.items():
        assert commitment_at(commitments, j) == Point.base_mul(Scalar.of(share))
    subset = data.draw(st.sampled_from(list(combinations(range(1, n + 1), t))))
    assert naive_interpolation({j: shares[j] for j in subset}) == coefficients[0]
    weights = lagrange_coefficients(subset)
    assert sum(int(weights[j]) * shares[j] for j in subset) % ORDER == coefficients[0]


def test_a_wrong_share_does_not_match_the_commitments() -> None:
    polynomial = [Scalar.of(5), Scalar.of(7)]
    commitments = commit(polynomial)
    assert commitment_at(commitments, 2) == Point.base_mul(Scalar.of(19))
    assert commitment_at(commitments, 2) != Point.base_mul(Scalar.of(20))


def test_a_lagrange_weight_needs_its_own_index_among_the_indices() -> None:
    with pytest.raises(ParameterError) as caught:
        lagrange_coefficient(3, [1, 2])
    assert str(caught.value) == "lagrange: index 3 is not among the indices [1, 2]"
