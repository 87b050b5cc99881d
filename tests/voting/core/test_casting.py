"""Voting in the pure core: named votes, secret ballots, replacements; attendance by tablet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.casting import token_hash
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded, Change, Replacement, Sealed

RECEIPT = "0123456789abcdef" * 2


def hall(mode: str = "secret", policy: str = "last") -> Meeting:
    """d01 and d02 paired and signed in, d03 paired and not; p1 open on item a."""
    meeting = Meeting().agenda()
    for deputy in ("d01", "d02", "d03"):
        meeting.pair(deputy)
    return meeting.sign_in("d01", "d02").poll(mode=mode, policy=policy)


def ballot(meeting: Meeting, deputy: str, choice: Any = "for", **ballot: Any) -> Any:
    message = meeting.tablets[deputy].secret_ballot("p1", choice)
    message["ballot"].update(ballot)
    signed = SignedBody.read(message["body"], message["sig"])
    return core.cast_secret(
        meeting.state, signed, ballot=message["ballot"], token_hash=message["replace_token_hash"]
    )


def named(meeting: Meeting, deputy: str, choice: Any = "for") -> Any:
    message = meeting.tablets[deputy].named_vote("p1", choice)
    return core.cast_named(meeting.state, SignedBody.read(message["body"], message["sig"]))


def test_a_secret_ballot_logs_the_participation_and_seals_the_choice() -> None:
    meeting = hall()
    change = ballot(meeting, "d01", "against", receipt=RECEIPT)
    assert isinstance(change, Change)
    (entry,) = change.entries
    assert {k: entry[k] for k in ("type", "poll", "deputy", "device")} == {
        "type": "participation",
        "poll": "p1",
        "deputy": "d01",
        "device": "tab-d01",
    }
    assert "against" not in str(entry) and RECEIPT not in str(entry)
    assert change.seal == Sealed("p1", RECEIPT, "against", change.seal.token_hash)


SECRET_REFUSALS: list[tuple[str, Callable[[Meeting], Any], str]] = [
    ("not signed in", lambda m: ballot(m, "d03"), "not-signed-in"),
    ("twice", lambda m: (m.commit(ballot(m, "d01")), ballot(m, "d01"))[1], "double-vote"),
    ("bad choice", lambda m: ballot(m, "d01", "maybe"), "invalid-ballot"),
    ("bad receipt", lambda m: ballot(m, "d01", receipt="XYZ"), "invalid-ballot"),
    ("other poll", lambda m: ballot(m, "d01", poll="p9"), "invalid-ballot"),
    ("a named vote", lambda m: named(m, "d01"), "wrong-mode"),
]


@pytest.mark.parametrize(
    ("cast", "code"), [c[1:] for c in SECRET_REFUSALS], ids=[c[0] for c in SECRET_REFUSALS]
)
def test_a_secret_ballot_is_refused(cast: Callable[[Meeting], Any], code: str) -> None:
    refused(code, cast, hall())


def test_a_named_vote_is_logged_and_first_press_is_final_under_first() -> None:
    meeting = hall("named", "first")
    (entry,) = named(meeting, "d01", "against")
    assert (entry["type"], entry["deputy"], entry["choice"]) == ("vote", "d01", "against")
    meeting.commit([entry])
    refused("double-vote", named, meeting, "d01", "for")
    refused("wrong-mode", ballot, meeting, "d02")


def test_a_resent_ballot_is_already_recorded_with_the_ballot_to_compare() -> None:
    meeting = hall()
    message = meeting.tablets["d01"].secret_ballot("p1", "for")
    signed = SignedBody.read(message["body"], message["sig"])

    def cast() -> Any:
        return core.cast_secret(meeting.state, signed, ballot=message["ballot"], token_hash="t")

    meeting.commit(cast())
    assert cast() == AlreadyRecorded(message["body"], message["ballot"])


def test_a_replacement_is_decided_in_the_core_and_checked_by_the_storage() -> None:
    meeting = hall()
    change = core.replace_ballot(
        meeting.state, poll="p1", receipt=RECEIPT, token="secret-token-0001", choice="abstain"
    )
    assert change == Change(
        replace=Replacement("p1", RECEIPT, token_hash("secret-token-0001"), "abstain")
    )
    refused(
        "invalid-ballot",
        core.replace_ballot,
        meeting.state,
        poll="p1",
        receipt=RECEIPT,
        token="t" * 16,
        choice="maybe",
    )
    refused(
        "unknown-poll",
        core.replace_ballot,
        meeting.state,
        poll="p9",
        receipt=RECEIPT,
        token="t" * 16,
        choice="for",
    )
    first = hall(policy="first")
    error = refused(
        "vote-final",
        core.replace_ballot,
        first.state,
        poll="p1",
        receipt=RECEIPT,
        token="t" * 16,
        choice="for",
    )
    assert error.zh == "按本次表决规则，投票后不能更改"
    named_poll = hall("named")
    refused(
        "wrong-mode",
        core.replace_ballot,
        named_poll.state,
        poll="p1",
        receipt=RECEIPT,
        token="t" * 16,
        choice="for",
    )
    voided = hall()
    voided.commit(core.void_poll(voided.state, poll="p1", reason="故障", by="chair"))
    refused(
        "poll-closed",
        core.replace_ballot,
        voided.state,
        poll="p1",
        receipt=RECEIPT,
        token="t" * 16,
        choice="for",
    )


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
