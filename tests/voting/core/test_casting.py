"""Voting in the pure core: named votes and attendance by tablet (encrypted ballots:
``test_encrypted_casting.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.casting import check_choice
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Poll
from voting.core.types import ItemId, PollId
from voting.errors import CommandError


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


# A choice found well-formed is remembered by its poll -----------------------------------------

SELECTION: dict[str, Any] = {
    "kind": "selection",
    "form": "choose",
    "seats": 2,
    "electorate": 3,
    "candidates": [{"id": f"x{n}", "name": f"项目{n}"} for n in range(1, 4)],
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
CHOICES = st.one_of(
    st.lists(st.sampled_from(["x1", "x2", "x3", "x4", 1, True]), max_size=4).map(
        lambda chosen: {"chosen": chosen}
    ),
    st.dictionaries(st.sampled_from(["chosen", "void", "marks"]), JSON_VALUES, max_size=2),
    JSON_VALUES,
)


def selection_poll() -> Poll:
    return Poll(
        id=PollId("p1"),
        item=ItemId("a"),
        definition=SELECTION,
        mode="named",
        change_policy="last",
        present=frozenset({"d01"}),
    )


def outcome(poll: Poll, choice: Any) -> str | None:
    try:
        check_choice(poll, choice)
    except CommandError as error:
        return error.en
    return None


@settings(max_examples=300, deadline=None)
@given(choices=st.lists(CHOICES, max_size=6))
def test_a_remembered_choice_is_judged_as_counting_it_would(choices: list[Any]) -> None:
    poll = selection_poll()
    for choice in choices + choices:  # each choice twice: the second may be remembered
        assert outcome(poll, choice) == outcome(selection_poll(), choice)
    assert all(orjson.loads(key) in choices for key in poll.well_formed)


def test_equal_looking_values_of_other_types_are_not_taken_for_a_remembered_choice() -> None:
    poll = selection_poll()
    assert outcome(poll, {"chosen": ["x1", "x2"]}) is None
    assert len(poll.well_formed) == 1
    assert outcome(poll, {"chosen": ["x1", "x2", "x3"]}) is None  # void: more than 2 chosen
    assert (
        outcome(poll, {"chosen": ["x1", 1]})
        == "invalid ballot: chosen[1]: expected a project id, got 1"
    )
    assert outcome(poll, {"chosen": ["x1", True]}) == (
        "invalid ballot: chosen[1]: expected a project id, got true"
    )
    assert outcome(poll, {"chosen": ["x1", 2**70]}) is not None  # counted, not remembered
    assert len(poll.well_formed) == 2
    # {"void": true} is a void ballot, {"void": 1} a malformed one, yet Python finds them equal
    assert outcome(poll, {"void": True}) is None
    assert {"void": 1} == {"void": True}
    assert outcome(poll, {"void": 1}) == "invalid ballot: void: expected true, got 1"
    assert len(poll.well_formed) == 3
