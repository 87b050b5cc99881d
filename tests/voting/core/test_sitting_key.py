"""The key_completed entry round-trips through the meeting state."""

from __future__ import annotations

from voting.core.records import SittingKey
from voting.core.sitting_key import key_completed
from voting.core.state import MeetingState


def test_a_key_completed_entry_becomes_the_sitting_key() -> None:
    key = SittingKey(
        key_id="ab" * 32,
        t=2,
        n=3,
        public_key="H" * 43,
        verification_keys={2: "B" * 43, 1: "A" * 43, 3: "C" * 43},
        scrutineers={1: "d01", 2: "d02", 3: "d03"},
    )
    entry = key_completed(key)
    assert list(entry["verification_keys"]) == ["1", "2", "3"]
    state = MeetingState(origin="https://hall.example")
    state.apply({**entry, "seq": 0})
    assert state.sitting_key == key
