"""The poll life cycle in the pure core: state + command → entries, or the exact refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ballots.crypto.shape import Choice
from tests.voting.core import elections
from tests.voting.core.encrypted_meeting import EncryptedMeeting
from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.outcome import Change
from voting.core.state import MeetingState

MOTION = {"kind": "motion"}


def open_p(poll: str = "p2", item: str = "a", **options: Any) -> Callable[[MeetingState], Any]:
    arguments = {"definition": MOTION, "mode": "named", "change_policy": "last", **options}
    return lambda s: core.open_poll(s, poll=poll, item=item, by="chair", **arguments)


def closed_p1(result_for: int = 3) -> Meeting:
    """p1 on item a, closed with ``result_for`` named votes for, of 3 present."""
    meeting = Meeting().agenda().sign_in("d01", "d02", "d03").poll(mode="named")
    for index in range(3):
        choice = "for" if index < result_for else "against"
        meeting.state.polls["p1"].votes[f"d0{index + 1}"] = choice
    return meeting.commit(core.close_poll(meeting.state, poll="p1", by="chair"))


def decrypted_encrypted_p1() -> Meeting:
    """p1 on item a, an encrypted poll with two ballots for, closed and decrypted by t = 2
    scrutineers: its result is in."""
    meeting = EncryptedMeeting()
    meeting.open()
    meeting.cast("d01", Choice.stances(["for"])).cast("d02", Choice.stances(["for"]))
    meeting.close()
    meeting.post_shares(1)
    meeting.post_shares(2)
    assert meeting.state.polls["p1"].result is not None
    return meeting


OPEN_REFUSALS: list[tuple[str, Callable[[], Meeting], Callable[[MeetingState], Any], str]] = [
    (
        "meeting closed",
        lambda: Meeting().apply({"type": "meeting_closed", "by": "c"}),
        open_p(),
        "meeting-closed",
    ),
    ("no such item", lambda: Meeting().agenda(), open_p(item="zz"), "unknown-item"),
    (
        "item withdrawn",
        lambda: (
            Meeting()
            .agenda()
            .apply({"type": "item_withdrawn", "item": "a", "reason": "r", "by": "c"})
        ),
        open_p(),
        "item-withdrawn",
    ),
    (
        "poll id taken",
        lambda: Meeting().agenda().sign_in("d01", "d02").poll("p2"),
        open_p("p2"),
        "poll-exists",
    ),
    (
        "another poll open",
        lambda: Meeting().agenda().sign_in("d01", "d02").poll("p1"),
        open_p("p2"),
        "poll-open",
    ),
    ("decided item", closed_p1, open_p(), "item-decided"),
    ("decided item, encrypted poll", decrypted_encrypted_p1, open_p(), "item-decided"),
    (
        "bad mode",
        lambda: Meeting().agenda().sign_in("d01", "d02"),
        open_p(mode="loud"),
        "invalid-mode",
    ),
    (
        "bad policy",
        lambda: Meeting().agenda().sign_in("d01", "d02"),
        open_p(change_policy="any"),
        "invalid-policy",
    ),
    (
        "report item",
        lambda: Meeting().agenda().sign_in("d01", "d02"),
        open_p(item="r"),
        "kind-mismatch",
    ),
    (
        "named election",
        lambda: Meeting().agenda().sign_in("d01", "d02"),
        open_p(
            item="e",
            mode="named",
            definition={"kind": "election", "seats": 1, "candidates": [{"id": "c1", "name": "甲"}]},
        ),
        "election-secret",
    ),
    ("no quorum", lambda: Meeting().agenda().sign_in("d01"), open_p(), "no-quorum"),
]


@pytest.mark.parametrize(
    ("setup", "decide", "code"),
    [case[1:] for case in OPEN_REFUSALS],
    ids=[case[0] for case in OPEN_REFUSALS],
)
def test_opening_a_poll_is_refused(
    setup: Callable[[], Meeting], decide: Callable[[MeetingState], Any], code: str
) -> None:
    meeting = setup()
    size = meeting.state.size
    refused(code, decide, meeting.state)
    assert meeting.state.size == size


def test_a_decided_item_names_its_poll_and_asks_for_a_voiding_first() -> None:
    error = refused("item-decided", open_p(), closed_p1().state)
    assert error.zh == "该议程已由表决 p1 作出决定，须先作废该表决并说明原因，才能重新表决"
    assert error.en == "item a was decided by poll p1; void it with a reason first"


def test_a_decided_item_is_put_to_the_vote_again_after_a_recorded_voiding() -> None:
    meeting = closed_p1()
    refused(
        "reason-required",
        lambda s: core.void_poll(s, poll="p1", reason="  ", by="chair"),
        meeting.state,
    )
    voided = core.void_poll(meeting.state, poll="p1", reason=" 表决器故障 ", by="chair")
    assert voided == [{"type": "poll_voided", "poll": "p1", "reason": "表决器故障", "by": "chair"}]
    meeting.commit(voided)
    (entry,) = open_p()(meeting.state)
    assert (entry["type"], entry["poll"], entry["item"]) == ("poll_opened", "p2", "a")


def test_an_announced_result_can_be_neither_voided_nor_put_to_the_vote_again() -> None:
    meeting = closed_p1().apply({"type": "result_announced", "poll": "p1", "by": "chair"})
    refused(
        "already-announced",
        lambda s: core.void_poll(s, poll="p1", reason="再议", by="c"),
        meeting.state,
    )
    refused("item-decided", open_p(), meeting.state)


def test_a_failed_round_and_a_motion_that_did_not_pass_are_decided_too() -> None:
    # Not passed (1 for of 3) is a decision as much as passed is.
    refused("item-decided", open_p(), closed_p1(result_for=1).state)


def test_a_further_election_follows_on_the_same_item_without_a_voiding() -> None:
    meeting = Meeting().agenda().sign_in("d01", "d02", "d03")
    election = {
        "kind": "election",
        "seats": 1,
        "candidates": [{"id": "c1", "name": "甲"}, {"id": "c2", "name": "乙"}],
    }
    meeting.commit(open_p("p1", item="e", mode="manual", definition=election)(meeting.state))
    tie = [{"marks": {"c1": "for"}}, {"marks": {"c2": "for"}}]
    elections.counted(meeting, "p1", tie)
    result = meeting.state.polls["p1"].result
    assert result is not None
    outcome = result["outcome"]
    assert outcome["elected"] == [] and outcome["unfilled"] == 1
    (entry,) = open_p("p2", item="e", mode="manual", definition=election)(meeting.state)
    assert entry["poll"] == "p2"


def test_closing_a_named_poll_counts_the_votes_of_the_log() -> None:
    meeting = Meeting().agenda().sign_in("d01", "d02", "d03").poll(mode="named")
    meeting.state.polls["p1"].votes.update({"d02": "against", "d01": "for"})
    change = core.close_poll(meeting.state, poll="p1", by="chair")
    assert change.entries[0] == {
        "type": "poll_closed",
        "poll": "p1",
        "participants": ["d01", "d02"],
        "issued": 2,
        "by": "chair",
    }
    assert [e["type"] for e in change.entries] == ["poll_closed", "result"]
    counts = change.entries[1]["result"]["counts"]
    assert counts == {"for": 1, "against": 1, "abstain": 0, "not_voted": 1}


def test_opening_the_retired_sealed_mode_names_the_modes_there_are() -> None:
    meeting = Meeting().agenda().sign_in("d01", "d02")
    error = refused("invalid-mode", open_p(mode="secret"), meeting.state)
    assert error.en == 'unknown mode "secret": the modes are "encrypted", "manual", "named"'
    assert error.zh == (
        "表决方式“secret”无效：可选 encrypted（无记名（加密））、named（记名）、manual（手工计票）"
    )


CLOSE_REFUSALS = [
    ("no such poll", lambda: Meeting().agenda(), "p9", "unknown-poll"),
    ("already closed", closed_p1, "p1", "poll-closed"),
    (
        "manual poll",
        lambda: Meeting().agenda().sign_in("d01", "d02").poll(mode="manual"),
        "p1",
        "manual-poll",
    ),
]


@pytest.mark.parametrize(
    ("setup", "poll", "code"), [c[1:] for c in CLOSE_REFUSALS], ids=[c[0] for c in CLOSE_REFUSALS]
)
def test_closing_a_poll_is_refused(setup: Callable[[], Meeting], poll: str, code: str) -> None:
    refused(code, core.close_poll, setup().state, poll=poll, by="chair")


def test_a_checkpoint_is_due_only_when_the_log_grew() -> None:
    state = Meeting().state
    assert core.checkpoint_if_behind(state, signed_size=1) == Change()
    assert core.checkpoint_if_behind(state, signed_size=-1) == Change(checkpoint=True)
    assert Change().empty and not Change(checkpoint=True).empty
