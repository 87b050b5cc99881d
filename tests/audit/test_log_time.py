"""``format_at``: the log's time format, to the second, in UTC, whatever the moment's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.entries import AT_PATTERN, format_at

BEIJING = timezone(timedelta(hours=8))


def test_a_moment_is_written_in_utc_to_the_second() -> None:
    assert format_at(datetime(2026, 3, 1, 17, 30, 5, 999_999, tzinfo=BEIJING)) == (
        "2026-03-01T09:30:05Z"
    )


def test_the_last_moment_of_a_second_and_the_first_of_the_next_differ() -> None:
    last = datetime(2026, 3, 1, 9, 30, 5, 999_999, tzinfo=UTC)
    assert format_at(last) == "2026-03-01T09:30:05Z"
    assert format_at(last + timedelta(microseconds=1)) == "2026-03-01T09:30:06Z"
    assert format_at(last) == "2026-03-01T09:30:05Z"


def test_a_moment_before_1970_is_floored_to_its_second() -> None:
    moment = datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)
    assert format_at(moment) == "1969-12-31T23:59:59Z"


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_at(datetime(2026, 3, 1, 9, 30))


@given(
    moment=st.datetimes(
        min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_the_same_text_as_formatting_the_utc_moment(moment: datetime, offset_minutes: int) -> None:
    """Whatever the zone and the second already formatted before it."""
    zoned = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = format_at(zoned)
    assert text == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert AT_PATTERN.fullmatch(text)
