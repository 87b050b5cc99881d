"""Encrypted polls in the core: opening under the sitting key, casting, every refusal."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from ballots.crypto.encoding import ballot_bytes, ballot_from_json
from ballots.crypto.shape import Choice
from devices.tablet import ballot_shape
from tests.voting.core.encrypted_meeting import EncryptedMeeting, resigned, sha256_hex
from tests.voting.core.meetings import refused
from voting import core
from voting.core import views
from voting.core.devices import SignedBody
from voting.core.encrypted import cast_encrypted
from voting.core.outcome import AlreadyRecorded, Change

FOR, AGAINST, ABSTAIN = (Choice.stances([s]) for s in ("for", "against", "abstain"))


def test_an_encrypted_poll_needs_the_sitting_key() -> None:
    meeting = EncryptedMeeting(key=False)
    refused("no-sitting-key", meeting.open)
    assert meeting.state.polls == {}


def test_the_opening_binds_the_key_and_the_push_carries_what_a_tablet_needs() -> None:
    meeting = EncryptedMeeting()
    meeting.open("election")
    poll = meeting.state.polls["p1"]
    assert poll.mode == "encrypted"
    assert poll.key_id == meeting.scrutineers.key.key_id
    encryption = meeting.encryption()
    assert encryption["key_id"] == meeting.scrutineers.key.key_id
    key = base64.urlsafe_b64decode(meeting.scrutineers.key.public_key + "=")
    assert encryption["key"] == key.hex()
    assert encryption["shape"] == {
        "kind": "election",
        "entries": 3,
        "seats": 2,
        "levels": 0,
        "slots": 2,
        "name_points": 2,
        "packing_base": 0,
    }
    assert len(bytes.fromhex(encryption["poll_context"])) == 32


def test_a_ballot_is_written_naming_the_deputy_with_ciphertexts_only() -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    message = meeting.message("d01", FOR)
    decided = meeting.decide(message)
    assert isinstance(decided, Change)
    [entry] = decided.entries
    assert entry == {
        "type": "encrypted_ballot",
        "poll": "p1",
        "deputy": "d01",
        "device": "tab-d01",
        "body": message["body"],
        "sig": message["sig"],
        "ballot": message["ballot"],
    }
    assert "for" not in json.dumps(entry["ballot"])
    meeting.commit(decided)
    assert meeting.state.polls["p1"].participants == {"d01"}
    assert views.deputy_view(meeting.state, "d01")["took_part"] is True


def test_every_ballot_message_of_a_poll_has_the_same_length_whatever_the_choice() -> None:
    meeting = EncryptedMeeting()
    meeting.open("election")
    choices = [
        Choice.stances(["for", "for", "against"]),
        Choice.stances(["against", "against", "against"], ["赵六", "钱七"]),
        Choice.stances(["abstain", "abstain", "abstain"]),
        Choice.stances(["against", "for", "abstain"], ["孙"]),
    ]
    sizes = set()
    for choice in choices:
        meeting.tablets["d01"].counter = 10  # the same counter: only the choice differs
        sizes.add(len(json.dumps(meeting.message("d01", choice), ensure_ascii=False)))
    assert len(sizes) == 1


def test_an_identical_resend_is_already_recorded() -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    message = meeting.message("d01", FOR)
    decided = meeting.decide(message)
    assert isinstance(decided, Change)
    meeting.commit(decided)
    again = meeting.decide(message)
    assert isinstance(again, AlreadyRecorded) and again.body == message["body"]


def test_under_last_a_deputy_may_cast_again_under_first_not() -> None:
    meeting = EncryptedMeeting()
    meeting.open(policy="last")
    meeting.cast("d01", FOR).cast("d01", AGAINST)
    assert len(meeting.state.polls["p1"].encrypted.cast) == 2  # type: ignore[union-attr]
    first = EncryptedMeeting()
    first.open(policy="first")
    first.cast("d01", FOR)
    refused("double-vote", first.decide, first.message("d01", AGAINST))


def _tampered_proof(meeting: EncryptedMeeting) -> dict[str, Any]:
    message = meeting.message("d01", FOR)
    ballot = message["ballot"]
    proof = ballot["proofs"][0]
    proof["challenges"][0], proof["challenges"][1] = proof["challenges"][1], proof["challenges"][0]
    data = ballot_bytes(ballot_from_json(ballot_shape(meeting.encryption()), ballot))
    return resigned(meeting.tablets["d01"], "p1", ballot, sha256_hex(data))


def _wrong_hash(meeting: EncryptedMeeting) -> dict[str, Any]:
    message = meeting.message("d01", FOR)
    return resigned(meeting.tablets["d01"], "p1", message["ballot"], "00" * 32)


def _reused(meeting: EncryptedMeeting) -> dict[str, Any]:
    meeting.commit(meeting.decide(meeting.message("d02", FOR, seed="same")))  # type: ignore[arg-type]
    return meeting.message("d01", AGAINST, seed="same")  # the same randomness: the same a


def _copied(meeting: EncryptedMeeting) -> dict[str, Any]:
    other = meeting.message("d02", FOR)
    data = ballot_bytes(ballot_from_json(ballot_shape(meeting.encryption()), other["ballot"]))
    return resigned(meeting.tablets["d01"], "p1", other["ballot"], sha256_hex(data))


def _not_signed_in(meeting: EncryptedMeeting) -> dict[str, Any]:
    meeting.apply({"type": "signed_out", "deputy": "d01", "method": "operator", "by": "op"})
    return meeting.message("d01", FOR)


def _revoked(meeting: EncryptedMeeting) -> dict[str, Any]:
    message = meeting.message("d01", FOR)
    meeting.commit(core.revoke_device(meeting.state, deputy="d01", by="op"))
    return message


def _replayed(meeting: EncryptedMeeting) -> dict[str, Any]:
    meeting.cast("d01", FOR)
    meeting.tablets["d01"].counter -= 1
    return meeting.message("d01", AGAINST)


def _forged_signature(meeting: EncryptedMeeting) -> dict[str, Any]:
    message = meeting.message("d01", FOR)
    message["body"] = dict(message["body"], deputy="d01", n=message["body"]["n"] + 1)
    return message


REFUSALS: list[tuple[str, Callable[[EncryptedMeeting], dict[str, Any]]]] = [
    ("bad-proof", _tampered_proof),
    ("bad-proof", _copied),  # proofs are bound to the deputy and device
    ("ballot-hash-mismatch", _wrong_hash),
    ("reused-component", _reused),
    ("not-signed-in", _not_signed_in),
    ("device-revoked", _revoked),
    ("replayed-message", _replayed),
    ("bad-signature", _forged_signature),
]


@pytest.mark.parametrize(("code", "make"), REFUSALS, ids=[m.__name__ for _, m in REFUSALS])
def test_a_bad_ballot_is_refused_with_its_code_and_changes_nothing(
    code: str, make: Callable[[EncryptedMeeting], dict[str, Any]]
) -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    message = make(meeting)
    size = meeting.state.size
    cast = len(meeting.state.polls["p1"].encrypted.cast)  # type: ignore[union-attr]
    refused(code, meeting.decide, message)
    assert meeting.state.size == size
    assert len(meeting.state.polls["p1"].encrypted.cast) == cast  # type: ignore[union-attr]


def test_a_ballot_for_a_named_poll_is_refused_as_the_wrong_mode() -> None:
    meeting = EncryptedMeeting()
    meeting.poll("p2", mode="named")
    message = resigned(meeting.tablets["d01"], "p2", {}, "00" * 32)
    signed = SignedBody.read(message["body"], message["sig"])
    refused("wrong-mode", cast_encrypted, meeting.state, signed, None, ballot=None)


def test_a_closed_poll_takes_no_more_ballots() -> None:
    meeting = EncryptedMeeting()
    meeting.open()
    message = meeting.message("d01", FOR)
    meeting.close()
    refused("poll-closed", meeting.decide, message)
