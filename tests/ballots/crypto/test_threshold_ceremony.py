"""The key ceremony end to end: honest runs, what the state machine reports, who is at fault."""

from __future__ import annotations

import dataclasses

import pytest

from ballots.crypto.errors import LayoutError, PointEncodingError
from ballots.crypto.group import ORDER, Point, Scalar
from ballots.crypto.threshold.ceremony import (
    TRIAL_VALUE,
    Ceremony,
    Expected,
    Phase,
    trial_ciphertext,
    trial_context,
)
from ballots.crypto.threshold.decryption import DecryptionShare, make_decryption_share
from ballots.crypto.threshold.errors import CeremonyMessageError, ParameterError
from ballots.crypto.threshold.messages import (
    Acceptance,
    Announcement,
    Complaint,
    VerificationKey,
)
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import evaluate
from ballots.crypto.threshold.proofs import Proof
from ballots.crypto.threshold.scrutineer import publish_verification_key
from ballots.crypto.threshold.transport import SealedShare
from tests.ballots.crypto.threshold_fixtures import ORIGIN, deal, finish, full_ceremony, seeded


def independent_interpolation(points: dict[int, int]) -> int:
    """Lagrange at 0 over Python integers modulo ℓ, written apart from the code under test."""
    total = 0
    for j, y in points.items():
        weight = 1
        for m in points:
            if m != j:
                weight = weight * m * pow(m - j, -1, ORDER) % ORDER
        total = (total + weight * y) % ORDER
    return total


@pytest.mark.parametrize(("t", "n"), [(2, 3), (3, 5)])
def test_an_honest_ceremony_completes_and_its_key_is_the_sum_of_the_constant_terms(
    t: int, n: int
) -> None:
    run = full_ceremony(t, n)
    status = run.ceremony.status()
    assert (status.phase, status.missing, status.faults, status.complete) == (
        Phase.COMPLETE,
        (),
        (),
        True,
    )
    key = run.ceremony.joint_key()
    secret = sum(int(run.secrets[i].coefficients[0]) for i in run.params.indices) % ORDER
    assert key.public_key == Point.base_mul(Scalar.of(secret))
    for j in run.params.indices:
        assert key.verification_keys[j] == Point.base_mul(run.shares[j])
    # Every t of the final shares recombine to the same secret, recomputed independently.
    for start in range(1, n - t + 2):
        chosen = {j: int(run.shares[j]) for j in range(start, start + t)}
        assert independent_interpolation(chosen) == secret


def test_the_share_of_a_scrutineer_is_the_sum_of_every_dealer_polynomial_at_its_index() -> None:
    run = full_ceremony(2, 3)
    for j in run.params.indices:
        expected = sum(int(evaluate(run.secrets[i].coefficients, j)) for i in run.params.indices)
        assert int(run.shares[j]) == expected % ORDER


def test_status_lists_the_messages_still_expected_round_by_round() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "status")
    fresh = Ceremony(params)
    assert fresh.status().missing == (Expected(1, 1), Expected(1, 2), Expected(1, 3))
    for message in run.messages[:4]:  # three announcements, then the share from 1 to 2
        fresh.receive(message)
    status = fresh.status()
    assert status.phase is Phase.SHARES
    assert [str(item) for item in status.missing] == [
        "round 2 from 1 to 3",
        "round 2 from 2 to 1",
        "round 2 from 2 to 3",
        "round 2 from 3 to 1",
        "round 2 from 3 to 2",
    ]
    assert status.needed == 5
    finish(run, "status", decrypting=[3])
    status = run.ceremony.status()
    assert (status.phase, status.missing, status.needed) == (
        Phase.TEST_DECRYPTION,
        (Expected(5, 1), Expected(5, 2)),
        1,
    )


def test_any_t_scrutineers_can_do_the_test_decryption() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = finish(deal(params, "subset"), "subset", decrypting=[3, 1])
    assert run.ceremony.status().complete
    key = run.ceremony.joint_key()
    a, b = trial_ciphertext(key)
    secret = sum(int(run.secrets[i].coefficients[0]) for i in params.indices)
    assert b - a.mul(Scalar.of(secret)) == Point.base_mul(Scalar.of(TRIAL_VALUE))


def test_a_message_for_a_later_round_is_refused_and_changes_nothing() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "order")
    ceremony = Ceremony(params)
    ceremony.receive(run.messages[0])
    with pytest.raises(CeremonyMessageError) as caught:
        ceremony.receive(run.messages[3])
    assert str(caught.value) == "round2[1→2]: a round 2 message before round 1 is complete"
    assert caught.value.code == "ceremony-message"
    assert ceremony.sealed == {}
    assert ceremony.status().missing == (Expected(1, 2), Expected(1, 3))


def test_an_unknown_index_is_refused() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "index")
    outsider = dataclasses.replace(run.announcements[1], dealer=4)
    with pytest.raises(ParameterError) as caught:
        Ceremony(params).receive(outsider)
    assert str(caught.value) == "round1[4]: scrutineer index 4 is not between 1 and 3"


def test_a_repeated_message_is_idempotent_and_a_changed_one_is_equivocation() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "repeat")
    run.ceremony.receive(run.messages[0])
    assert run.ceremony.status().faults == ()
    changed = dataclasses.replace(run.sealed[0], ciphertext=bytes(48))
    run.ceremony.receive(changed)
    status = run.ceremony.status()
    assert status.phase is Phase.FAILED
    assert [(f.scrutineer, f.code, str(f)) for f in status.faults] == [
        (1, "equivocation", "scrutineer 1: sent two different round2[1→2]")
    ]
    with pytest.raises(CeremonyMessageError) as caught:
        run.ceremony.receive(run.messages[0])
    assert str(caught.value) == "ceremony: the ceremony has failed; a new ceremony must start"


@pytest.mark.parametrize("field", ["transport_proof", "constant_proof"])
def test_an_announcement_with_a_bad_proof_names_its_dealer(field: str) -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "pok")
    good: Proof = getattr(run.announcements[2], field)
    bad = dataclasses.replace(
        run.announcements[2], **{field: Proof(good.challenge, good.response + Scalar.of(1))}
    )
    ceremony = Ceremony(params)
    ceremony.receive(bad)
    label = "transport" if field == "transport_proof" else "constant"
    assert [(f.scrutineer, f.code, f.reason) for f in ceremony.status().faults] == [
        (2, "bad-proof", f"round1[2].{field}: the proof of knowledge ({label}) does not verify")
    ]


def test_a_constant_term_proof_copied_from_another_dealer_is_refused() -> None:
    # Rogue-key defence: dealer 3 cannot reuse dealer 1's proof for A_{1,0}.
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "copy")
    first = run.announcements[1]
    copied = dataclasses.replace(
        run.announcements[3],
        commitments=(first.commitments[0], *run.announcements[3].commitments[1:]),
        constant_proof=first.constant_proof,
    )
    ceremony = Ceremony(params)
    ceremony.receive(first)
    ceremony.receive(copied)
    assert [(f.scrutineer, f.code) for f in ceremony.status().faults] == [(3, "bad-proof")]


def test_an_acceptance_of_another_transcript_names_its_sender() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = deal(params, "transcript")
    run.ceremony.receive(Acceptance(2, Scalar.of(12345)))
    assert [str(f) for f in run.ceremony.status().faults] == [
        "scrutineer 2: round3[2]: the acceptance carries another dealing hash than the messages"
        " on record"
    ]
    assert run.ceremony.status().faults[0].code == "transcript-mismatch"


def test_a_verification_key_that_does_not_follow_from_the_commitments_names_its_sender() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = finish(deal(params, "vk"), "vk")
    late = Ceremony(params)
    for message in run.messages:
        if isinstance(message, VerificationKey):
            break
        late.receive(message)
    wrong = publish_verification_key(params, 1, run.shares[1] + Scalar.of(1), seeded("x"))
    late.receive(wrong)
    assert [(f.scrutineer, f.code) for f in late.status().faults] == [(1, "bad-verification-key")]


def test_a_wrong_test_decryption_share_names_its_sender() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)
    run = finish(deal(params, "trial"), "trial", decrypting=[])
    key = run.ceremony.joint_key()
    honest = make_decryption_share(
        trial_context(key), 2, run.shares[2], trial_ciphertext(key), seeded("y")
    )
    forged = dataclasses.replace(honest, share=honest.share + Point.generator())
    run.ceremony.receive(forged)
    faults = run.ceremony.status().faults
    assert [(f.scrutineer, f.code) for f in faults] == [(2, "bad-proof")]
    assert faults[0].reason == (
        "round5[2] (scrutineer 2): the proof of equal discrete logarithms (decrypt) does not verify"
    )


@pytest.mark.parametrize(
    ("t", "n", "where"),
    [(1, 3, "ceremony.t"), (2, 4, "ceremony.t"), (4, 3, "ceremony.t"), (1, 0, "ceremony.n")],
)
def test_parameters_need_t_more_than_half_of_n(t: int, n: int, where: str) -> None:
    with pytest.raises(ParameterError) as caught:
        CeremonyParams(ORIGIN, "sitting-1/key", t=t, n=n)
    assert caught.value.where == where


def test_the_default_is_two_of_three() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key")
    assert (params.t, params.n, list(params.indices)) == (2, 3, [1, 2, 3])


def test_every_message_round_trips_through_its_bytes() -> None:
    run = full_ceremony(3, 5)
    kinds = (Announcement, SealedShare, Acceptance, VerificationKey, DecryptionShare)
    for message in run.messages:
        kind = next(k for k in kinds if isinstance(message, k))
        assert kind.decode(message.encode(), "m") == message


def test_a_message_with_a_point_that_has_bit_255_set_is_refused() -> None:
    run = full_ceremony(2, 3)
    data = bytearray(run.announcements[1].encode())
    data[2 + 31] |= 0x80  # the last byte of the transport key
    with pytest.raises(PointEncodingError) as caught:
        Announcement.decode(bytes(data), "round1[1]")
    assert str(caught.value) == "round1[1].transport_key: point has bit 255 set"


def test_a_truncated_complaint_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        Complaint.decode(bytes(97), "round3[2].complaint")
    assert str(caught.value) == "round3[2].complaint: complaint is 97 bytes, not 98"
