"""Encrypted ballots checked in a worker process, and the decision's use of the verdict."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import pytest

from audit.tablet import signing_payload
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json, tracking_code
from ballots.crypto.shape import Choice
from devices.ballot_checks import (
    MAX_BATCH,
    BallotJob,
    BallotQueue,
    BallotSummary,
    BallotVerdict,
    DecodedBallot,
    Problem,
    check_ballot,
    check_ballots,
)
from devices.signatures import SignatureChecker
from tests.voting.core.encrypted_meeting import EncryptedMeeting, resigned, sha256_hex
from tests.voting.core.meetings import refused
from tests.voting.crypto_sitting import b64url, unb64url
from voting.core import encrypted
from voting.core.devices import SignedBody
from voting.core.encrypted import ballot_setup, cast_encrypted
from voting.core.outcome import Change


def job_for(meeting: EncryptedMeeting, message: dict[str, Any]) -> BallotJob:
    """The job the inbound path sends for ``message`` (d01's tablet)."""
    setup = ballot_setup(meeting.state, meeting.state.polls["p1"])
    tablet = meeting.tablets["d01"]
    return BallotJob(
        shape=setup.shape,
        ballot=message["ballot"],
        poll_context=setup.poll_context.encode(),
        deputy="d01",
        device_key=base64.b64decode(tablet.public_key),
        key=setup.key.encode(),
        signature=(tablet.alg, tablet.public_key, signing_payload(message["body"]), message["sig"]),
    )


def tampered(message: dict[str, Any]) -> dict[str, Any]:
    proof = message["ballot"]["proofs"][0]
    proof["responses"][0], proof["responses"][2] = proof["responses"][2], proof["responses"][0]
    return message


@pytest.fixture
def meeting() -> EncryptedMeeting:
    found = EncryptedMeeting()
    found.open()
    return found


def test_the_worker_kernel_checks_signature_and_every_proof(meeting: EncryptedMeeting) -> None:
    good = check_ballot(job_for(meeting, meeting.message("d01", Choice.stances(["for"]))))
    assert (good.signature.valid, good.problem) == (True, None)
    bad = check_ballot(job_for(meeting, tampered(meeting.message("d01", Choice.stances(["for"])))))
    assert bad.signature.valid is True
    assert bad.problem is not None and bad.problem.code == "bad-proof"
    assert bad.problem.message.startswith("ballot.proofs[0]")
    forged = meeting.message("d01", Choice.stances(["for"]))
    forged["sig"] = meeting.message("d01", Choice.stances(["against"]))["sig"]
    assert check_ballot(job_for(meeting, forged)).signature.valid is False


def test_the_worker_decodes_the_ballot_and_returns_what_the_decision_needs(
    meeting: EncryptedMeeting,
) -> None:
    message = meeting.message("d01", Choice.stances(["against"]))
    verdict = check_ballot(job_for(meeting, message))
    shape = ballot_setup(meeting.state, meeting.state.polls["p1"]).shape
    ballot = ballot_from_json(shape, message["ballot"])
    data = ballot_bytes(ballot)
    # The bytes are a ‖ b of the motion's one packed ciphertext, then the proof's scalars.
    assert verdict.summary == BallotSummary(
        sha256=hashlib.sha256(data).digest(),
        first_components=(data[0:32],),
        tracking_code=tracking_code(ballot),
    )
    assert verdict.summary.sha256.hex() == message["body"]["ballot_hash"]
    assert verdict.problem is None


def test_a_ballot_that_does_not_decode_gets_its_code_from_the_worker(
    meeting: EncryptedMeeting,
) -> None:
    message = meeting.message("d01", Choice.stances(["for"]))
    a = bytearray(unb64url(message["ballot"]["ciphertexts"][0][0]))
    a[31] |= 0x80  # bit 255 set: not a strict encoding
    message["ballot"]["ciphertexts"][0][0] = b64url(bytes(a))
    verdict = check_ballot(job_for(meeting, message))
    assert verdict.summary is None
    assert verdict.signature.valid is True
    assert verdict.problem is not None and verdict.problem.code == "bad-point"
    assert verdict.problem.message.startswith("ballot.ciphertexts[0].a")


async def test_a_worker_process_gives_the_same_verdicts(meeting: EncryptedMeeting) -> None:
    jobs = [
        job_for(meeting, meeting.message("d01", Choice.stances(["against"]))),
        job_for(meeting, tampered(meeting.message("d01", Choice.stances(["abstain"])))),
    ]
    checker = SignatureChecker(workers=1)
    await checker.start()
    try:
        verdicts = [await checker.run(check_ballot, job) for job in jobs]
    finally:
        await checker.stop()
    assert verdicts == [check_ballot(job) for job in jobs]
    assert await checker.run(check_ballot, jobs[0]) is None  # no worker: the decision checks


async def test_the_ballots_of_one_turn_go_to_the_worker_in_batches(
    meeting: EncryptedMeeting,
) -> None:
    stances = ["for", "against", "abstain"]
    jobs = [
        job_for(meeting, meeting.message("d01", Choice.stances([stances[i % 3]])))
        for i in range(MAX_BATCH + 2)
    ]
    jobs[1] = job_for(meeting, tampered(meeting.message("d01", Choice.stances(["for"]))))
    checker = SignatureChecker(workers=1)
    batches: list[int] = []
    run = checker.run

    async def counted(work: Any, batch: Any) -> Any:
        batches.append(len(batch))
        return await run(work, batch)

    checker.run = counted  # type: ignore[method-assign]
    queue = BallotQueue.of(checker)
    assert BallotQueue.of(checker) is queue
    assert await queue.check(jobs[0]) is None  # no worker yet: the decision checks
    await checker.start()
    try:
        verdicts = await asyncio.gather(*(queue.check(job) for job in jobs))
    finally:
        await checker.stop()
    assert batches == [MAX_BATCH, 2]
    assert verdicts == check_ballots(jobs)
    assert [v is not None and v.problem is None for v in verdicts] == [True, False] + [True] * (
        MAX_BATCH
    )


def _decide(
    meeting: EncryptedMeeting, message: dict[str, Any], verdict: BallotVerdict | None
) -> Change:
    setup = ballot_setup(meeting.state, meeting.state.polls["p1"])
    ballot = ballot_from_json(setup.shape, message["ballot"])
    signed = SignedBody.read(message["body"], message["sig"])
    decided = cast_encrypted(meeting.state, signed, verdict, ballot=ballot)
    assert isinstance(decided, Change)
    return decided


def test_the_decision_uses_a_verdict_given_for_this_very_ballot(
    meeting: EncryptedMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = meeting.message("d01", Choice.stances(["for"]))
    verdict = check_ballot(job_for(meeting, message))
    checked: list[object] = []
    monkeypatch.setattr(encrypted, "proof_problem", lambda *args: checked.append(args))
    _decide(meeting, message, verdict)
    assert checked == []  # the worker's verdict, not checked a second time
    # A verdict that the worker found the proofs wrong refuses the ballot with its code.
    failing = BallotVerdict(
        **{**verdict.__dict__, "problem": Problem("bad-proof", "ballot.proofs[0]: x")}
    )
    refused("bad-proof", _decide, meeting, message, failing)


def test_the_decision_takes_the_workers_decoding_and_records_the_json_as_received(
    meeting: EncryptedMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = meeting.message("d01", Choice.stances(["abstain"]))
    verdict = check_ballot(job_for(meeting, message))
    assert verdict.summary is not None
    shape = ballot_setup(meeting.state, meeting.state.polls["p1"]).shape
    expected = ballot_to_json(ballot_from_json(shape, message["ballot"]))
    decoded: list[object] = []
    monkeypatch.setattr(encrypted, "ballot_from_json", lambda *args: decoded.append(args))
    monkeypatch.setattr(encrypted, "proof_problem", lambda *args: decoded.append(args))
    signed = SignedBody.read(message["body"], message["sig"])
    ballot = DecodedBallot(message["ballot"], verdict.summary)
    decided = cast_encrypted(meeting.state, signed, verdict, ballot=ballot)
    assert isinstance(decided, Change)
    assert decoded == []  # neither decoded nor checked again on the event loop
    assert decided.entries[0]["ballot"] == expected


def test_with_no_worker_the_ballot_is_decoded_once(
    meeting: EncryptedMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = meeting.message("d01", Choice.stances(["for"]))
    shape = ballot_setup(meeting.state, meeting.state.polls["p1"]).shape
    ballot = DecodedBallot.from_json(shape, message["ballot"])
    assert ballot.whole == ballot_from_json(shape, message["ballot"])
    again: list[object] = []
    monkeypatch.setattr(encrypted, "ballot_from_json", lambda *args: again.append(args))
    signed = SignedBody.read(message["body"], message["sig"])
    decided = cast_encrypted(meeting.state, signed, None, ballot=ballot)
    assert isinstance(decided, Change)
    assert again == []  # the proofs were checked on the ballot decoded by the inbound path


def test_a_verdict_for_another_ballot_is_not_taken(meeting: EncryptedMeeting) -> None:
    other = meeting.message("d01", Choice.stances(["against"]))
    lying = BallotVerdict(**{**check_ballot(job_for(meeting, other)).__dict__})
    ballot = tampered(meeting.message("d01", Choice.stances(["for"])))["ballot"]
    shape = ballot_setup(meeting.state, meeting.state.polls["p1"]).shape
    digest = sha256_hex(ballot_bytes(ballot_from_json(shape, ballot)))
    message = resigned(meeting.tablets["d01"], "p1", ballot, digest)
    # The verdict says "valid" but was given for other bytes: the decision checks for itself.
    refused("bad-proof", _decide, meeting, message, lying)
