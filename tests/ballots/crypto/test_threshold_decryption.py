"""Decrypting totals: any t shares give the total, fewer do not, a wrong share is named."""

from __future__ import annotations

import dataclasses
from functools import cache
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.errors import ProofError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    decrypt_total,
    decryption_context,
    interpolate,
    make_decryption_share,
    verify_decryption_share,
)
from ballots.crypto.threshold.dlog import (
    DiscreteLogTable,
    baby_step_giant_step,
    discrete_log,
)
from ballots.crypto.threshold.errors import (
    CeremonyMessageError,
    DiscreteLogError,
    NotEnoughSharesError,
)
from ballots.crypto.threshold.polynomial import lagrange_coefficient
from tests.ballots.crypto.threshold_fixtures import Run, full_ceremony, seeded


@cache
def ceremony(t: int, n: int) -> Run:
    return full_ceremony(t, n)


def encrypt(run: Run, total: int, seed: str) -> Ciphertext:
    """Exponential ElGamal under the joint key, written out here: (r·G, m·G + r·H)."""
    r = seeded(seed).scalar()
    key = run.ceremony.joint_key().public_key
    return Ciphertext(Point.base_mul(r), Point.base_mul(Scalar.of(total)) + key.mul(r))


def context(run: Run) -> Scalar:
    return decryption_context(
        key=run.ceremony.joint_key().key_id,
        poll_id="poll-7",
        checkpoint=b"checkpoint 42",
        aggregate_hash=bytes(range(32)),
    )


def shares_for(run: Run, ciphertext: Ciphertext, indices: list[int]) -> list[DecryptionShare]:
    return [
        make_decryption_share(context(run), j, run.shares[j], ciphertext, seeded(f"d/{j}"))
        for j in indices
    ]


@pytest.mark.parametrize(("t", "n"), [(2, 3), (3, 5)])
def test_every_subset_of_t_scrutineers_decrypts_the_same_total(t: int, n: int) -> None:
    run = ceremony(t, n)
    ciphertext = encrypt(run, 1234, "subsets")
    keys = run.ceremony.joint_key().verification_keys
    totals = {
        subset: decrypt_total(
            context(run),
            keys,
            ciphertext,
            shares_for(run, ciphertext, list(subset)),
            t=t,
            limit=3000,
            where="result.totals[0]",
        )
        for subset in combinations(range(1, n + 1), t)
    }
    assert set(totals.values()) == {1234}
    assert len(totals) == {(2, 3): 3, (3, 5): 10}[(t, n)]


@pytest.mark.parametrize(("t", "n"), [(2, 3), (3, 5)])
def test_t_minus_one_shares_do_not_give_the_total(t: int, n: int) -> None:
    run = ceremony(t, n)
    ciphertext = encrypt(run, 5, "fewer")
    for subset in combinations(range(1, n + 1), t - 1):
        shares = shares_for(run, ciphertext, list(subset))
        with pytest.raises(NotEnoughSharesError) as caught:
            combine(ciphertext, shares, t, "result.totals[0]")
        assert str(caught.value) == (
            f"result.totals[0]: {t - 1} decryption shares, at least {t} are needed"
        )
        # Interpolating anyway over the shares present does not give 5·G, nor any small count.
        forced = interpolate(ciphertext[1], {s.scrutineer: s.share for s in shares})
        assert forced != Point.base_mul(Scalar.of(5))
        with pytest.raises(DiscreteLogError):
            discrete_log(forced, 3000, "forced")


def test_more_than_t_shares_give_the_same_total() -> None:
    run = ceremony(3, 5)
    ciphertext = encrypt(run, 77, "all")
    shares = shares_for(run, ciphertext, [1, 2, 3, 4, 5])
    assert combine(ciphertext, shares, 3, "r") == Point.base_mul(Scalar.of(77))


def test_a_wrong_share_is_caught_by_its_proof_and_named() -> None:
    run = ceremony(2, 3)
    ciphertext = encrypt(run, 9, "wrong")
    shares = shares_for(run, ciphertext, [1, 3])
    shares[1] = dataclasses.replace(shares[1], share=shares[1].share + Point.generator())
    with pytest.raises(ProofError) as caught:
        decrypt_total(
            context(run),
            run.ceremony.joint_key().verification_keys,
            ciphertext,
            shares,
            t=2,
            limit=100,
            where="result.totals[2]",
        )
    assert str(caught.value) == (
        "result.totals[2].shares[1] (scrutineer 3): "
        "the proof of equal discrete logarithms (decrypt) does not verify"
    )


def test_a_share_is_bound_to_its_poll_checkpoint_and_aggregate() -> None:
    run = ceremony(2, 3)
    ciphertext = encrypt(run, 9, "bound")
    [share] = shares_for(run, ciphertext, [2])
    key = run.ceremony.joint_key()
    verify_decryption_share(context(run), key.verification_keys[2], ciphertext, share, "s")
    for other in (
        {"poll_id": "poll-8", "checkpoint": b"checkpoint 42", "aggregate_hash": bytes(range(32))},
        {"poll_id": "poll-7", "checkpoint": b"checkpoint 43", "aggregate_hash": bytes(range(32))},
        {"poll_id": "poll-7", "checkpoint": b"checkpoint 42", "aggregate_hash": bytes(32)},
    ):
        with pytest.raises(ProofError):
            verify_decryption_share(
                decryption_context(key=key.key_id, **other),
                key.verification_keys[2],
                ciphertext,
                share,
                "s",
            )
    # Nor does it verify under another scrutineer's key.
    with pytest.raises(ProofError):
        verify_decryption_share(context(run), key.verification_keys[1], ciphertext, share, "s")


def test_two_shares_from_one_scrutineer_are_refused() -> None:
    run = ceremony(2, 3)
    ciphertext = encrypt(run, 1, "twice")
    share = shares_for(run, ciphertext, [1])[0]
    with pytest.raises(CeremonyMessageError) as caught:
        combine(ciphertext, [share, share], 2, "r")
    assert str(caught.value) == "r: two shares from scrutineer 1"


def test_a_share_from_outside_the_key_is_refused() -> None:
    run = ceremony(2, 3)
    ciphertext = encrypt(run, 1, "outside")
    share = dataclasses.replace(shares_for(run, ciphertext, [1])[0], scrutineer=4)
    with pytest.raises(CeremonyMessageError) as caught:
        decrypt_total(
            context(run),
            run.ceremony.joint_key().verification_keys,
            ciphertext,
            [share],
            t=2,
            limit=10,
            where="r",
        )
    assert str(caught.value) == "r.shares[0]: no scrutineer 4 in this key"


@settings(max_examples=25, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=3000),
    subset=st.sampled_from(list(combinations(range(1, 6), 3))),
)
def test_random_totals_decrypt_exactly(total: int, subset: tuple[int, ...]) -> None:
    run = ceremony(3, 5)
    ciphertext = encrypt(run, total, f"h/{total}")
    assert (
        decrypt_total(
            context(run),
            run.ceremony.joint_key().verification_keys,
            ciphertext,
            shares_for(run, ciphertext, list(subset)),
            t=3,
            limit=3000,
            where="r",
        )
        == total
    )


def test_lagrange_coefficients_for_two_of_three() -> None:
    # λ_1 = 2/(2−1) = 2, λ_2 = 1/(1−2) = −1 over {1, 2}; λ_1 = 3/2, λ_3 = −1/2 over {1, 3}.
    assert lagrange_coefficient(1, [1, 2]) == Scalar.of(2)
    assert lagrange_coefficient(2, [1, 2]) == Scalar.of(-1)
    assert lagrange_coefficient(1, [1, 3]) * Scalar.of(2) == Scalar.of(3)
    assert lagrange_coefficient(3, [1, 3]) * Scalar.of(2) == Scalar.of(-1)


@pytest.mark.parametrize("m", [0, 1, 2, 999, 1000])
def test_the_table_finds_every_count_up_to_its_limit(m: int) -> None:
    assert DiscreteLogTable(1000).lookup(Point.base_mul(Scalar.of(m)), "t") == m


@pytest.mark.parametrize("m", [0, 1, 255, 256, 257, 65_536, 1_000_000, 9_999_999, 10_000_000])
def test_baby_step_giant_step_finds_packed_counts(m: int) -> None:
    point = Point.base_mul(Scalar.of(m))
    assert baby_step_giant_step(point, 10_000_000, "packed") == m
    assert discrete_log(point, 10_000_000, "packed") == m


@pytest.mark.parametrize("m", [1001, -1, 2**40])
def test_a_value_beyond_the_limit_is_refused(m: int) -> None:
    point = Point.base_mul(Scalar.of(m))
    with pytest.raises(DiscreteLogError) as caught:
        discrete_log(point, 1000, "result.totals[4]")
    assert str(caught.value) == (
        "result.totals[4]: the decrypted value is not a count between 0 and 1000"
    )
    with pytest.raises(DiscreteLogError):
        baby_step_giant_step(point, 1000, "result.totals[4]")
