"""Thresholds in exact integers: ``required`` is the smallest count that meets them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots import Threshold


@pytest.mark.parametrize(
    ("threshold", "base", "required"),
    [
        pytest.param(Threshold(), 54, 28, id="§2 more than half of 54 is 28"),
        pytest.param(Threshold(), 53, 27, id="§2 more than half of 53 is 27"),
        pytest.param(Threshold(), 3000, 1501, id="§2 more than half of 3000 is 1501"),
        pytest.param(Threshold(rule="at_least"), 54, 27, id="at least half of 54 is 27"),
        pytest.param(
            Threshold(rule="at_least", numerator=2, denominator=3), 54, 36, id="at least 2/3 of 54"
        ),
        pytest.param(
            Threshold(rule="at_least", numerator=2, denominator=3), 55, 37, id="at least 2/3 of 55"
        ),
        pytest.param(Threshold(numerator=2, denominator=3), 54, 37, id="more than 2/3 of 54"),
        pytest.param(
            Threshold(numerator=1, denominator=1), 10, 11, id="more than all cannot be met"
        ),
        pytest.param(Threshold(), 0, 1, id="more than half of nothing needs one"),
        pytest.param(Threshold(rule="at_least"), 0, 0, id="at least half of nothing is zero"),
    ],
)
def test_required(threshold: Threshold, base: int, required: int) -> None:
    assert threshold.required(base) == required


@given(
    st.sampled_from(["more_than", "at_least"]),
    st.integers(1, 50),
    st.integers(0, 50),
    st.integers(0, 5000),
)
def test_required_is_the_smallest_count_that_meets(
    rule: str, q: int, p_offset: int, base: int
) -> None:
    q_value = q
    p = 1 + p_offset % q_value
    threshold = Threshold(rule=rule, numerator=p, denominator=q_value)  # type: ignore[arg-type]
    required = threshold.required(base)
    assert threshold.meets(required, base)
    assert required == 0 or not threshold.meets(required - 1, base)
