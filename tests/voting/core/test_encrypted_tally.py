"""Counting encrypted polls in the core: aggregate, decryption shares, totals and result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import ballots
from ballots.crypto.group import Scalar
from ballots.crypto.shape import BallotShape, Choice
from tests.voting.core.encrypted_meeting import EncryptedMeeting
from tests.voting.core.meetings import refused
from tests.voting.crypto_sitting import checkpoint_text
from voting import core
from voting.core import views
from voting.core.encrypted_tally import record_decryption_shares

ELECTION = BallotShape.election(3, 2, write_ins=False)

#: Per poll kind: each deputy's choice on the tablet and the same ballot in the tally format.
CASES: dict[str, list[tuple[Choice, Any]]] = {
    "motion": [
        (Choice.stances(["for"]), "for"),
        (Choice.stances(["for"]), "for"),
        (Choice.stances(["against"]), "against"),
        (Choice.stances(["abstain"]), "abstain"),
    ],
    "election-no-write-ins": [
        (
            Choice.stances(["for", "for", "against"]),
            {"marks": {"c1": "for", "c2": "for", "c3": "against"}},
        ),
        (
            Choice.stances(["for", "abstain", "for"]),
            {"marks": {"c1": "for", "c2": "abstain", "c3": "for"}},
        ),
        (
            Choice.stances(["against", "for", "abstain"]),
            {"marks": {"c1": "against", "c2": "for", "c3": "abstain"}},
        ),
        (
            Choice.stances(["for", "for", "abstain"]),
            {"marks": {"c1": "for", "c2": "for", "c3": "abstain"}},
        ),
    ],
    "election": [  # write-ins allowed, nobody wrote in
        (
            Choice.stances(["for", "against", "against"]),
            {"marks": {"c1": "for", "c2": "against", "c3": "against"}},
        ),
        (
            Choice.stances(["for", "for", "abstain"]),
            {"marks": {"c1": "for", "c2": "for", "c3": "abstain"}},
        ),
        (
            Choice.stances(["abstain", "for", "for"]),
            {"marks": {"c1": "abstain", "c2": "for", "c3": "for"}},
        ),
        (
            Choice.stances(["for", "abstain", "abstain"]),
            {"marks": {"c1": "for", "c2": "abstain", "c3": "abstain"}},
        ),
    ],
    "choose": [
        (Choice((1, 1, 0)), {"chosen": ["p1", "p2"]}),
        (Choice((1, 0, 1)), {"chosen": ["p1", "p3"]}),
        (Choice((0, 0, 1)), {"chosen": ["p3"]}),
        (Choice((0, 0, 0)), {"chosen": []}),
    ],
    "each": [
        (
            Choice.stances(["for", "against", "abstain"]),
            {"marks": {"p1": "for", "p2": "against", "p3": "abstain"}},
        ),
        (Choice.stances(["for", "for", "for"]), {"marks": {"p1": "for", "p2": "for", "p3": "for"}}),
        (
            Choice.stances(["against", "for", "against"]),
            {"marks": {"p1": "against", "p2": "for", "p3": "against"}},
        ),
        (
            Choice.stances(["for", "abstain", "against"]),
            {"marks": {"p1": "for", "p2": "abstain", "p3": "against"}},
        ),
    ],
    "evaluation": [
        (Choice((1, 0, 0, 0, 0, 1)), {"ratings": {"s1": "satisfied", "s2": "dissatisfied"}}),
        (Choice((1, 0, 0, 1, 0, 0)), {"ratings": {"s1": "satisfied", "s2": "satisfied"}}),
        (Choice((0, 1, 0, 0, 0, 0)), {"ratings": {"s1": "basically_satisfied"}}),
        (
            Choice((0, 0, 1, 0, 1, 0)),
            {"ratings": {"s1": "dissatisfied", "s2": "basically_satisfied"}},
        ),
    ],
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_decrypted_result_equals_the_tally_of_the_plaintexts(kind: str) -> None:
    meeting = EncryptedMeeting(4)
    meeting.open(kind)
    for i, (choice, _) in enumerate(CASES[kind], start=1):
        meeting.cast(f"d0{i}", choice)
    aggregate = meeting.close()
    assert len(aggregate["counted"]) == 4
    assert meeting.post_shares(2)[0]["type"] == "decryption_shares"
    assert meeting.state.polls["p1"].result is None
    entries = meeting.post_shares(3)
    assert [e["type"] for e in entries][:3] == ["decryption_shares", "decrypted_totals", "result"]
    assert entries[1]["scrutineers"] == [2, 3]
    poll = meeting.state.polls["p1"]
    expected = ballots.tally(
        {"poll": dict(poll.definition, issued=4), "ballots": [b for _, b in CASES[kind]]}
    )
    assert poll.result == expected


def test_a_motion_aggregates_one_packed_sum_and_splits_its_decryption() -> None:
    meeting = EncryptedMeeting(4)
    meeting.open("motion")
    assert meeting.encryption()["shape"]["packing_base"] == 5  # electorate 4
    for deputy, stance in [("d01", "for"), ("d02", "against"), ("d03", "against")]:
        meeting.cast(deputy, Choice.stances([stance]))  # type: ignore[list-item]
    meeting.cast("d04", Choice.stances(["abstain"]))
    aggregate = meeting.close()
    assert len(aggregate["sums"]) == 1
    meeting.post_shares(1)
    entries = meeting.post_shares(2)
    assert entries[1]["type"] == "decrypted_totals"
    assert entries[1]["totals"] == [1, 2]  # 1 + 5·2 = 11 decrypted, split
    assert entries[2]["result"]["counts"] == {"for": 1, "against": 2, "abstain": 1, "not_voted": 0}


def test_under_last_the_last_ballot_counts_under_first_the_first() -> None:
    meeting = EncryptedMeeting()
    meeting.open(policy="last")
    meeting.cast("d01", Choice.stances(["for"])).cast("d02", Choice.stances(["for"]))
    meeting.cast("d01", Choice.stances(["against"]))
    aggregate = meeting.close()
    cast = meeting.state.polls["p1"].encrypted.cast  # type: ignore[union-attr]
    assert aggregate["counted"] == [cast[1].seq, cast[2].seq]
    meeting.post_shares(1)
    meeting.post_shares(2)
    result = meeting.state.polls["p1"].result
    assert result is not None
    assert result["counts"] == {"for": 1, "against": 1, "abstain": 0, "not_voted": 1}
    assert meeting.state.polls["p1"].issued == 2


def test_a_write_in_leaves_the_result_to_the_write_in_mix() -> None:
    meeting = EncryptedMeeting()
    meeting.open("election")
    meeting.cast("d01", Choice.stances(["for", "against", "abstain"], ["赵六"]))
    meeting.cast("d02", Choice.stances(["for", "for", "abstain"]))
    aggregate = meeting.close()
    assert "write_in_sum" in aggregate
    meeting.post_shares(1)
    entries = meeting.post_shares(3)
    assert [e["type"] for e in entries] == ["decryption_shares", "decrypted_totals"]
    assert entries[1]["write_ins_made"] == 1
    assert entries[1]["awaiting"] == "write-in-mix"
    assert entries[1]["totals"] == [2, 0, 1, 1, 0, 0]
    poll = meeting.state.polls["p1"]
    assert poll.result is None
    assert views.poll_view(meeting.state, poll)["decryption"] == {
        "aggregate": aggregate["hash"],
        "shares": [1, 3],
        "needed": 2,
        "decrypted": True,
        "awaiting": "write-in-mix",
    }
    refused("result-pending", core.announce, meeting.state, poll="p1", by="chair")


def test_a_poll_without_ballots_has_its_result_at_close() -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    change = core.close_poll(meeting.state, poll="p1", by="chair")
    assert [e["type"] for e in change.entries] == [
        "poll_closed",
        "aggregate",
        "decrypted_totals",
        "result",
    ]
    assert change.entries[3]["result"]["counts"] == {
        "for": 0,
        "against": 0,
        "abstain": 0,
        "not_voted": 3,
    }


def _closed() -> EncryptedMeeting:
    meeting = EncryptedMeeting()
    meeting.open()
    meeting.cast("d01", Choice.stances(["for"]))
    meeting.close()
    return meeting


def _post(meeting: EncryptedMeeting, **changes: Any) -> Callable[[], Any]:
    aggregate = meeting.state.polls["p1"].encrypted.aggregate  # type: ignore[union-attr]
    assert aggregate is not None
    checkpoint = changes.pop("checkpoint", meeting.checkpoint())
    j = changes.pop("scrutineer", 1)
    arguments = {
        "poll": "p1",
        "scrutineer": j,
        "checkpoint": checkpoint,
        "aggregate": aggregate["hash"],
        "shares": meeting.scrutineers.share_set(min(j, 3), aggregate, checkpoint),
        **changes,
    }
    return lambda: record_decryption_shares(meeting.state, **arguments)


def _forged(meeting: EncryptedMeeting) -> Callable[[], Any]:
    aggregate = meeting.state.polls["p1"].encrypted.aggregate  # type: ignore[union-attr]
    assert aggregate is not None
    shares = meeting.scrutineers.share_set(
        1, aggregate, meeting.checkpoint(), secret=Scalar.of(12345)
    )
    return _post(meeting, shares=shares)


def _twice(meeting: EncryptedMeeting) -> Callable[[], Any]:
    meeting.post_shares(1)
    return _post(meeting)


def _other_scrutineers_shares(meeting: EncryptedMeeting) -> Callable[[], Any]:
    aggregate = meeting.state.polls["p1"].encrypted.aggregate  # type: ignore[union-attr]
    assert aggregate is not None
    return _post(meeting, shares=meeting.scrutineers.share_set(2, aggregate, meeting.checkpoint()))


SHARE_REFUSALS: list[tuple[str, Callable[[EncryptedMeeting], Callable[[], Any]]]] = [
    ("bad-proof", _forged),
    ("bad-layout", _other_scrutineers_shares),
    ("shares-exist", _twice),
    ("wrong-aggregate", lambda m: _post(m, aggregate="ab" * 32)),
    ("unknown-scrutineer", lambda m: _post(m, scrutineer=4)),
    ("bad-checkpoint", lambda m: _post(m, checkpoint=checkpoint_text(m.state.origin, 3))),
    ("bad-checkpoint", lambda m: _post(m, checkpoint=checkpoint_text("elsewhere", 99))),
    ("bad-layout", lambda m: _post(m, shares=[])),
    ("bad-point", lambda m: _post(m, shares=["A" + "_" * 129])),
]


@pytest.mark.parametrize(("code", "make"), SHARE_REFUSALS)
def test_bad_decryption_shares_are_refused_with_their_code(
    code: str, make: Callable[[EncryptedMeeting], Callable[[], Any]]
) -> None:
    meeting = _closed()
    attempt = make(meeting)
    size = meeting.state.size
    refused(code, attempt)
    assert meeting.state.size == size


def test_shares_before_the_close_and_after_the_result_are_refused() -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    refused(
        "poll-not-closed",
        record_decryption_shares,
        meeting.state,
        poll="p1",
        scrutineer=1,
        checkpoint=meeting.checkpoint(),
        aggregate="00" * 32,
        shares=[],
    )
    meeting.cast("d01", Choice.stances(["for"]))
    meeting.close()
    meeting.post_shares(1)
    meeting.post_shares(2)
    refused("already-decrypted", _post(meeting, scrutineer=3))
