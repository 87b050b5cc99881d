"""Replaying a log: an entry of a type the server does not apply is refused by name."""

from __future__ import annotations

import pytest

from tests.voting.core.meetings import Meeting


@pytest.mark.parametrize("kind", ["participation", "ballot", "no_such_entry"])
def test_an_entry_type_the_server_does_not_apply_stops_the_replay_naming_it(kind: str) -> None:
    meeting = Meeting().agenda().sign_in("d01", "d02").poll(mode="named")
    size = meeting.state.size
    with pytest.raises(ValueError) as caught:
        meeting.apply({"type": kind, "poll": "p1", "deputy": "d01"})
    assert str(caught.value) == (
        f"entry {size}: this server does not apply entries of type {kind!r} (a log with the"
        " retired sealed-ballot entries, participation and ballot, cannot be continued)"
    )
    assert meeting.state.size == size
