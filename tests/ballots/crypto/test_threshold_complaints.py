"""A bad share leads to a complaint that names the dealer, and anyone can check the verdict."""

from __future__ import annotations

import dataclasses

import pytest

from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.ceremony import Ceremony, Phase
from ballots.crypto.threshold.complaints import Fault, judge_complaint, make_complaint
from ballots.crypto.threshold.errors import SealedShareError
from ballots.crypto.threshold.messages import Announcement, Complaint
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import evaluate
from ballots.crypto.threshold.proofs import Proof
from ballots.crypto.threshold.scrutineer import check_received_shares
from ballots.crypto.threshold.transport import SealedShare, open_share, seal_share
from tests.ballots.crypto.threshold_fixtures import ORIGIN, Run, deal, finish, seeded

PARAMS = CeremonyParams(ORIGIN, "sitting-1/key", t=2, n=3)


def cheating_run(share_to_3: Scalar) -> Run:
    """Dealer 1 sends scrutineer 3 ``share_to_3`` instead of ``f_1(3)``; the rest is honest."""
    run = deal(PARAMS, "cheat")
    bad = seal_share(
        PARAMS, 1, 3, run.announcements[3].transport_key, share_to_3, seeded("cheat/1/bad")
    )
    run.sealed = [bad if (s.dealer, s.recipient) == (1, 3) else s for s in run.sealed]
    run.ceremony = Ceremony(PARAMS)
    for message in [*run.announcements.values(), *run.sealed]:
        run.ceremony.receive(message)
    return run


def sealed(run: Run, dealer: int, recipient: int) -> SealedShare:
    return next(s for s in run.sealed if (s.dealer, s.recipient) == (dealer, recipient))


def test_a_share_off_the_commitments_gets_a_complaint_that_names_the_dealer() -> None:
    run = cheating_run(evaluate(deal(PARAMS, "cheat").secrets[1].coefficients, 3) + Scalar.of(1))
    check = check_received_shares(
        PARAMS, run.secrets[3], run.announcements, run.sealed, seeded("cheat/3/late")
    )
    assert (check.acceptance, check.secret_share) == (None, None)
    [complaint] = check.complaints
    assert (complaint.scrutineer, complaint.dealer) == (3, 1)
    run.ceremony.receive(complaint)
    status = run.ceremony.status()
    assert status.phase is Phase.FAILED
    assert status.faults == (
        Fault(
            1,
            "bad-share",
            "dealt a bad share to 3 (the share from 1 to 3 does not match dealer 1's commitments)",
        ),
    )


def test_anyone_can_check_the_verdict_from_the_public_messages_alone() -> None:
    run = cheating_run(Scalar.of(99))
    [complaint] = check_received_shares(
        PARAMS, run.secrets[3], run.announcements, run.sealed, seeded("judge")
    ).complaints
    # A verifier with no secret: decoded copies of the public bytes only.
    verdict = judge_complaint(
        PARAMS,
        Announcement.decode(run.announcements[1].encode(), "a1"),
        Announcement.decode(run.announcements[3].encode(), "a3"),
        SealedShare.decode(sealed(run, 1, 3).encode(), "s13"),
        Complaint.decode(complaint.encode(), "c"),
    )
    assert (verdict.scrutineer, verdict.code) == (1, "bad-share")
    # The revealed point opens that share and shows the value the dealer sent.
    opened = open_share(
        PARAMS, sealed(run, 1, 3), run.announcements[3].transport_key, complaint.shared, "s13"
    )
    assert opened == Scalar.of(99)


def test_a_share_that_does_not_decrypt_names_the_dealer() -> None:
    run = deal(PARAMS, "garbled")
    original = sealed(run, 2, 1)
    garbled = dataclasses.replace(original, ciphertext=bytes(48))
    complaint = make_complaint(PARAMS, run.secrets[1].transport_secret, garbled, seeded("g"))
    verdict = judge_complaint(
        PARAMS, run.announcements[2], run.announcements[1], garbled, complaint
    )
    assert verdict == Fault(
        2, "bad-share", "dealt a bad share to 1 (the share from 2 to 1 does not decrypt)"
    )


def test_a_complaint_against_a_valid_share_names_the_complainer() -> None:
    run = deal(PARAMS, "false")
    honest = sealed(run, 2, 1)
    complaint = make_complaint(PARAMS, run.secrets[1].transport_secret, honest, seeded("f"))
    run.ceremony.receive(complaint)
    assert run.ceremony.status().faults == (
        Fault(1, "false-complaint", "complained against 2 whose share to 1 is valid"),
    )


def test_a_complaint_with_a_made_up_point_names_the_complainer() -> None:
    run = deal(PARAMS, "forged")
    honest = sealed(run, 2, 1)
    complaint = make_complaint(PARAMS, run.secrets[1].transport_secret, honest, seeded("f"))
    forged = dataclasses.replace(complaint, shared=complaint.shared + Point.generator())
    verdict = judge_complaint(PARAMS, run.announcements[2], run.announcements[1], honest, forged)
    assert (verdict.scrutineer, verdict.code) == (1, "bad-complaint-proof")
    assert verdict.reason == (
        "complaint against 2 has no valid proof (complaint[1→2]: "
        "the proof of equal discrete logarithms (complaint) does not verify)"
    )
    # A proof made with another secret does not pass either.
    other = make_complaint(PARAMS, run.secrets[3].transport_secret, honest, seeded("o"))
    stolen = dataclasses.replace(
        complaint, proof=Proof(other.proof.challenge, other.proof.response)
    )
    verdict = judge_complaint(PARAMS, run.announcements[2], run.announcements[1], honest, stolen)
    assert (verdict.scrutineer, verdict.code) == (1, "bad-complaint-proof")


def open_as_recipient(run: Run, item: SealedShare) -> Scalar:
    secret = run.secrets[item.recipient].transport_secret
    key = run.announcements[item.recipient].transport_key
    return open_share(PARAMS, item, key, item.ephemeral.mul(secret), "round2[1→2]")


@pytest.mark.parametrize("position", [0, 1, 17, 31, 32, 40, 47])
def test_a_sealed_share_with_a_flipped_ciphertext_bit_is_refused(position: int) -> None:
    run = deal(PARAMS, "tamper")
    original = sealed(run, 1, 2)
    assert open_as_recipient(run, original) == evaluate(run.secrets[1].coefficients, 2)
    data = bytearray(original.ciphertext)
    data[position] ^= 0x01
    with pytest.raises(SealedShareError) as caught:
        open_as_recipient(run, dataclasses.replace(original, ciphertext=bytes(data)))
    assert str(caught.value) == "round2[1→2]: the share from 1 to 2 does not decrypt"
    assert caught.value.code == "share-not-decryptable"


def test_a_sealed_share_with_another_ephemeral_point_is_refused() -> None:
    run = deal(PARAMS, "tamper")
    original = sealed(run, 1, 2)
    moved = dataclasses.replace(original, ephemeral=original.ephemeral + Point.generator())
    with pytest.raises(SealedShareError):
        open_as_recipient(run, moved)


@pytest.mark.parametrize(
    "change",
    [
        {"ceremony_id": "sitting-1/other"},
        {"origin": "https://other.example"},
        {"t": 3},
    ],
)
def test_a_sealed_share_from_another_ceremony_is_refused(change: dict[str, object]) -> None:
    run = deal(PARAMS, "context")
    original = sealed(run, 1, 2)
    other = dataclasses.replace(PARAMS, **change)
    secret = run.secrets[2].transport_secret
    key = run.announcements[2].transport_key
    with pytest.raises(SealedShareError):
        open_share(other, original, key, original.ephemeral.mul(secret), "s")


def test_a_sealed_share_relabelled_to_another_dealer_is_refused() -> None:
    run = deal(PARAMS, "relabel")
    relabelled = dataclasses.replace(sealed(run, 1, 2), dealer=3)
    with pytest.raises(SealedShareError) as caught:
        open_as_recipient(run, relabelled)
    assert str(caught.value) == "round2[1→2]: the share from 3 to 2 does not decrypt"


def test_every_cheating_dealer_is_named_and_a_new_ceremony_completes() -> None:
    params = CeremonyParams(ORIGIN, "sitting-1/key", t=3, n=5)
    run = deal(params, "two cheats")
    bad = {
        (2, 4): Scalar.of(1),
        (5, 1): evaluate(run.secrets[5].coefficients, 1) + Scalar.of(1),
        (5, 3): Scalar.of(3),
    }
    run.sealed = [
        seal_share(
            params,
            s.dealer,
            s.recipient,
            run.announcements[s.recipient].transport_key,
            bad[(s.dealer, s.recipient)],
            seeded(f"bad/{s.dealer}/{s.recipient}"),
        )
        if (s.dealer, s.recipient) in bad
        else s
        for s in run.sealed
    ]
    ceremony = Ceremony(params)
    for message in [*run.announcements.values(), *run.sealed]:
        ceremony.receive(message)
    complaints = []
    for j in params.indices:
        check = check_received_shares(
            params, run.secrets[j], run.announcements, run.sealed, seeded(f"c/{j}")
        )
        complaints.extend(check.complaints)
    assert [(c.scrutineer, c.dealer) for c in complaints] == [(1, 5), (3, 5), (4, 2)]
    for complaint in complaints:
        ceremony.receive(complaint)
    ceremony.receive(complaints[0])  # a repeat changes nothing
    assert [(f.scrutineer, f.code) for f in ceremony.status().faults] == [
        (5, "bad-share"),
        (5, "bad-share"),
        (2, "bad-share"),
    ]
    # The restart: a new ceremony id, honest dealers, a complete key.
    again = finish(
        deal(dataclasses.replace(params, ceremony_id="sitting-1/key-2"), "again"), "again"
    )
    assert again.ceremony.status().complete
