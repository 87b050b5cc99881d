"""Voting in the pure core: named votes and attendance by tablet (encrypted ballots:
``test_encrypted_casting.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded


def hall(mode: str, policy: str = "last") -> Meeting:
    """d01 and d02 paired and signed in, d03 paired and not; p1 open on item a."""
    meeting = Meeting().agenda()
    for deputy in ("d01", "d02", "d03"):
        meeting.pair(deputy)
    return meeting.sign_in("d01", "d02").poll(mode=mode, policy=policy)


def named(meeting: Meeting, deputy: str, choice: Any = "for") -> Any:
    message = meeting.tablets[deputy].named_vote("p1", choice)
    return core.cast_named(meeting.state, SignedBody.read(message["body"], message["sig"]))


NAMED_REFUSALS: list[tuple[str, Callable[[Meeting], Any], str]] = [
    ("not signed in", lambda m: named(m, "d03"), "not-signed-in"),
    ("bad choice", lambda m: named(m, "d01", "maybe"), "invalid-ballot"),
]


@pytest.mark.parametrize(
    ("cast", "code"), [c[1:] for c in NAMED_REFUSALS], ids=[c[0] for c in NAMED_REFUSALS]
)
def test_a_named_vote_is_refused(cast: Callable[[Meeting], Any], code: str) -> None:
    refused(code, cast, hall("named"))


def test_a_named_vote_is_logged_and_first_press_is_final_under_first() -> None:
    meeting = hall("named", "first")
    (entry,) = named(meeting, "d01", "against")
    assert (entry["type"], entry["deputy"], entry["choice"]) == ("vote", "d01", "against")
    meeting.commit([entry])
    refused("double-vote", named, meeting, "d01", "for")


def test_under_last_a_later_named_vote_replaces_the_earlier_one() -> None:
    meeting = hall("named", "last")
    meeting.commit(named(meeting, "d01", "against"))
    meeting.commit(named(meeting, "d01", "for"))
    assert meeting.state.polls["p1"].votes == {"d01": "for"}


def test_a_named_vote_in_an_encrypted_poll_is_refused_as_the_wrong_mode() -> None:
    error = refused("wrong-mode", named, hall("encrypted"), "d01")
    assert error.zh == "本次表决不是记名表决"


def test_a_resent_named_vote_is_already_recorded() -> None:
    meeting = hall("named")
    message = meeting.tablets["d01"].named_vote("p1", "for")
    signed = SignedBody.read(message["body"], message["sig"])
    meeting.commit(core.cast_named(meeting.state, signed))
    assert core.cast_named(meeting.state, signed) == AlreadyRecorded(message["body"])


def test_signing_in_by_tablet_and_by_operator() -> None:
    meeting = Meeting()
    tablet = meeting.pair("d01")
    message = tablet.sign_in()
    (entry,) = core.sign_in_by_tablet(
        meeting.state, SignedBody.read(message["body"], message["sig"])
    )
    assert {k: entry[k] for k in ("type", "deputy", "method", "by")} == {
        "type": "signed_in",
        "deputy": "d01",
        "method": "tablet",
        "by": "device:tab-d01",
    }
    meeting.commit([entry])
    refused("already-signed-in", core.sign_in_by_operator, meeting.state, deputy="d01", by="op")
    refused("unknown-deputy", core.sign_in_by_operator, meeting.state, deputy="d09", by="op")
    refused("not-signed-in", core.sign_out_by_operator, meeting.state, deputy="d02", by="op")
