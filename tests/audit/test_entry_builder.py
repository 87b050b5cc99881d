"""``build_entries``: entries and the log's position in, canonical bytes and leaf hashes out."""

from __future__ import annotations

from typing import Any

import pytest

from audit.entry_builder import BuiltEntry, LogPosition, build_entries, needs_time
from audit.errors import EntryError
from audit.merkle import leaf_hash

ORIGIN = "xinzhou.congress.local/2026-3"
LOG_KEY = "xinzhou.congress.local/2026-3+0a1b2c3d+AQID"
AT = "2026-03-01T09:30:00Z"


def position(size: int) -> LogPosition:
    return LogPosition(origin=ORIGIN, log_key=LOG_KEY, size=size)


def sign_in(deputy: str) -> dict[str, Any]:
    return {"type": "signed_in", "deputy": deputy, "method": "operator", "by": "op-1"}


def test_entries_are_numbered_from_the_log_size_and_stamped_with_the_given_time() -> None:
    built = build_entries([sign_in("d-01"), sign_in("d-02")], position(4), at=AT)
    first = (
        b'{"at":"2026-03-01T09:30:00Z","by":"op-1","deputy":"d-01","method":"operator",'
        b'"seq":4,"type":"signed_in","v":1}'
    )
    assert built[0] == BuiltEntry(4, first, leaf_hash(first))
    assert [entry.seq for entry in built] == [4, 5]
    assert built[1].data == first.replace(b"d-01", b"d-02").replace(b'"seq":4', b'"seq":5')


def test_an_entry_keeps_its_own_time() -> None:
    closed = {"type": "meeting_closed", "by": "chair", "at": "2026-03-01T11:00:00Z"}
    built = build_entries([closed], position(1), at=None)
    assert [entry.data for entry in built] == [
        b'{"at":"2026-03-01T11:00:00Z","by":"chair","seq":1,"type":"meeting_closed","v":1}',
    ]


@pytest.mark.parametrize("kind", ["participation", "ballot"])
def test_a_sealed_ballot_entry_is_refused_by_name(kind: str) -> None:
    entry = {"type": kind, "poll": "p-1", "receipt": "r-07", "choice": "for"}
    with pytest.raises(EntryError) as caught:
        build_entries([entry], position(1), at=AT)
    assert caught.value.message == (
        f"entry 1: type {kind} belongs to the sealed-ballot protocol, retired in this version"
    )


def test_the_same_input_gives_the_same_bytes_and_the_input_is_not_changed() -> None:
    entry = sign_in("d-01")
    assert build_entries([entry], position(1), at=AT) == build_entries([entry], position(1), at=AT)
    assert entry == sign_in("d-01")


def test_needs_time_only_for_a_timed_entry_without_at() -> None:
    assert needs_time(sign_in("d-01")) is True
    assert needs_time({**sign_in("d-01"), "at": AT}) is False
    assert needs_time(["not", "an", "entry"]) is False


def test_a_timed_entry_without_a_time_to_stamp_is_a_programming_error() -> None:
    with pytest.raises(ValueError) as caught:
        build_entries([sign_in("d-01")], position(1), at=None)
    assert not isinstance(caught.value, EntryError)
    assert (
        str(caught.value) == "entry 1 (signed_in) needs a time, and none was given to the builder"
    )


def test_meeting_opened_must_name_the_log_of_the_position() -> None:
    opening = {
        "type": "meeting_opened",
        "meeting": {"id": "m-3"},
        "origin": ORIGIN,
        "log_key": LOG_KEY,
        "roster": [],
        "settings": {},
    }
    assert [entry.seq for entry in build_entries([opening], position(0), at=AT)] == [0]
    other = LogPosition(origin=ORIGIN, log_key="other+00000000+AQID", size=0)
    with pytest.raises(EntryError) as caught:
        build_entries([opening], other, at=AT)
    assert caught.value.message == (
        "entry 0 (meeting_opened): log_key is not the log's key other+00000000+AQID"
    )


def test_the_first_invalid_entry_is_named() -> None:
    with pytest.raises(EntryError) as caught:
        build_entries(
            [sign_in("d-01"), {"type": "signed_out", "deputy": "d-02"}], position(3), at=AT
        )
    assert caught.value.message == "entry 4 (signed_out): missing required field by, method"
    with pytest.raises(EntryError) as not_an_object:
        build_entries(["signed_in"], position(3), at=AT)  # type: ignore[list-item]
    assert not_an_object.value.message == (
        "entry 3: an entry must be a JSON object, not <class 'str'>"
    )
