"""The packed motion: X = F + B·A and the split of a decrypted sum back into 赞成 and 反对."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.crypto.errors import LayoutError
from ballots.crypto.packing import packed_base, packed_limit, packed_value, split_packed
from ballots.crypto.shape import BallotShape


def test_the_packed_values_of_the_three_stances() -> None:
    base = packed_base(3000)
    assert base == 3001
    assert [packed_value(m, base) for m in ((1, 0), (0, 1), (0, 0))] == [1, 3001, 0]
    assert packed_limit(3000, base) == 9_003_000


def test_an_electorate_below_one_cannot_pack() -> None:
    with pytest.raises(ValueError, match="an electorate of 0 deputies cannot pack a motion"):
        packed_base(0)


@given(
    counts=st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 2000)),
    absent=st.integers(0, 100),
)
def test_every_sum_splits_back_into_its_counts(counts: tuple[int, int, int], absent: int) -> None:
    for_, against, abstain = counts
    counted = for_ + against + abstain
    base = packed_base(max(1, counted + absent))
    total = for_ * 1 + against * base
    assert total <= packed_limit(counted, base)
    assert split_packed(total, counted, base, "totals[0]") == [for_, against]


def test_a_sum_beyond_the_counted_ballots_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        split_packed(3 + 2 * 41, 4, 41, "totals[0]")
    assert str(caught.value) == "totals[0]: 3 赞成 and 2 反对 exceed the 4 counted ballots"


def test_as_many_counted_ballots_as_the_base_are_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        split_packed(0, 41, 41, "totals[0]")
    assert str(caught.value) == (
        "totals[0]: 41 counted ballots, not fewer than the packing base 41"
    )


def test_the_shape_splits_a_motion_and_passes_other_totals_through() -> None:
    motion = BallotShape.motion(40)
    assert motion.sum_limit(10) == 410
    assert motion.totals([3 + 41 * 5], 10) == [3, 5]
    selection = BallotShape.selection_choose(3, 2)
    assert selection.sum_limit(10) == 10
    assert selection.totals([1, 2, 3], 10) == [1, 2, 3]
