"""Chaum–Pedersen, Schnorr and CDS disjunctive proofs with strong Fiat–Shamir."""

from __future__ import annotations

import pytest

from ballots.crypto.elgamal import Ciphertext, encrypt, encrypt_point
from ballots.crypto.errors import LayoutError, ProofError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.proofs import ZERO_GAP, Gap, Proof, Relation, eq, peq, pok, prove, verify
from ballots.crypto.randomness import DeterministicRandom

KEY = Point.base_mul(Scalar.of(77777))
CONTEXT = Scalar.of(4242)


def prove_in(m: int, values: list[int], r: Scalar, index: int = 0) -> Proof:
    ciphertext = encrypt(m, r, KEY)
    return prove(
        context=CONTEXT,
        index=index,
        key=KEY,
        branches=[[eq(ciphertext, v)] for v in values],
        real=values.index(m),
        witnesses=[r],
        gaps=[[Gap(Scalar.of(m - v))] for v in values],
        random=DeterministicRandom(b"proofs"),
    )


def check_in(proof: Proof, m: int, values: list[int], r: Scalar, index: int = 0) -> None:
    ciphertext = encrypt(m, r, KEY)
    verify(
        proof,
        context=CONTEXT,
        index=index,
        key=KEY,
        branches=[[eq(ciphertext, v)] for v in values],
        where="ballot.proofs[0]",
    )


@pytest.mark.parametrize("m", [0, 1, 2, 3])
def test_in_proves_every_member_of_the_set(m: int) -> None:
    r = Scalar.of(31337 + m)
    proof = prove_in(m, [0, 1, 2, 3], r)
    assert len(proof.challenges) == 4 and [len(b) for b in proof.responses] == [1, 1, 1, 1]
    check_in(proof, m, [0, 1, 2, 3], r)


def test_a_proof_is_bound_to_its_context_index_and_statement() -> None:
    r = Scalar.of(99)
    proof = prove_in(1, [0, 1], r, index=3)
    check_in(proof, 1, [0, 1], r, index=3)
    expected = "ballot.proofs[0]: the challenges do not sum to the hash of the proof"
    with pytest.raises(ProofError) as caught:
        check_in(proof, 1, [0, 1], r, index=4)
    assert str(caught.value) == expected
    with pytest.raises(ProofError):  # another ballot context
        verify(
            proof,
            context=Scalar.of(4243),
            index=3,
            key=KEY,
            branches=[[eq(encrypt(1, r, KEY), v)] for v in (0, 1)],
            where="ballot.proofs[0]",
        )
    # the same proof does not prove a different ciphertext, nor the branches in another order
    with pytest.raises(ProofError):
        check_in(proof, 0, [0, 1], r, index=3)
    with pytest.raises(ProofError):
        verify(
            proof,
            context=CONTEXT,
            index=3,
            key=KEY,
            branches=[[eq(encrypt(1, r, KEY), v)] for v in (1, 0)],
            where="p",
        )


def test_a_wrong_number_of_branches_is_a_layout_error() -> None:
    r = Scalar.of(5)
    proof = prove_in(1, [0, 1], r)
    with pytest.raises(LayoutError) as caught:
        check_in(proof, 1, [0, 1, 2], r)
    assert str(caught.value) == "ballot.proofs[0]: proof has 2 branches, not 3"


def test_a_changed_challenge_or_response_is_refused() -> None:
    r = Scalar.of(5)
    proof = prove_in(0, [0, 1], r)
    one = Scalar.of(1)
    bad_challenge = Proof((proof.challenges[0] + one, proof.challenges[1]), proof.responses)
    bad_response = Proof(proof.challenges, ((proof.responses[0][0] + one,), proof.responses[1]))
    for bad in (bad_challenge, bad_response):
        with pytest.raises(ProofError):
            check_in(bad, 0, [0, 1], r)


def test_a_value_outside_the_set_cannot_be_proven() -> None:
    # A dishonest prover claiming branch 1 for an encryption of 2 produces a proof that fails.
    r = Scalar.of(8)
    ciphertext = encrypt(2, r, KEY)
    proof = prove(
        context=CONTEXT,
        index=0,
        key=KEY,
        branches=[[eq(ciphertext, v)] for v in (0, 1)],
        real=1,
        witnesses=[r],
        gaps=[[Gap(Scalar.of(2 - v))] for v in (0, 1)],
        random=DeterministicRandom(b"dishonest"),
    )
    with pytest.raises(ProofError):
        check_in(proof, 2, [0, 1], r)


def slot_branches(flag_ct: Ciphertext, name_cts: list[Ciphertext]) -> list[list[Relation]]:
    return [
        [eq(flag_ct, 0), *(peq(n, Point.identity()) for n in name_cts)],
        [eq(flag_ct, 1), *(pok(n) for n in name_cts)],
    ]


@pytest.mark.parametrize("written", [0, 1])
def test_a_write_in_slot_conjunction_proves_either_branch(written: int) -> None:
    name = Point.from_uniform_bytes(bytes(64)) if not written else Point.generator()
    names = [name if written else Point.identity(), Point.identity()]
    rs = [Scalar.of(11), Scalar.of(12), Scalar.of(13)]
    flag_ct = encrypt(written, rs[0], KEY)
    name_cts = [encrypt_point(p, r, KEY) for p, r in zip(names, rs[1:], strict=True)]
    gaps = [
        [Gap(Scalar.of(written)), *(Gap(Scalar.of(0), p) for p in names)],
        [Gap(Scalar.of(written - 1)), ZERO_GAP, ZERO_GAP],
    ]
    proof = prove(
        context=CONTEXT,
        index=7,
        key=KEY,
        branches=slot_branches(flag_ct, name_cts),
        real=written,
        witnesses=rs,
        gaps=gaps,
        random=DeterministicRandom(b"slot"),
    )
    assert [len(branch) for branch in proof.responses] == [3, 3]
    verify(
        proof,
        context=CONTEXT,
        index=7,
        key=KEY,
        branches=slot_branches(flag_ct, name_cts),
        where="s",
    )


def test_simulated_branches_multiply_only_fixed_bases(monkeypatch: pytest.MonkeyPatch) -> None:
    multiplied: list[Point] = []
    original = Point.mul

    def recording(self: Point, scalar: Scalar) -> Point:
        multiplied.append(self)
        return original(self, scalar)

    r = Scalar.of(2024)
    ciphertext = encrypt(1, r, KEY)
    monkeypatch.setattr(Point, "mul", recording)
    prove(
        context=CONTEXT,
        index=0,
        key=KEY,
        branches=[[eq(ciphertext, v)] for v in range(5)],
        real=1,
        witnesses=[r],
        gaps=[[Gap(Scalar.of(1 - v))] for v in range(5)],
        random=DeterministicRandom(b"fixed"),
    )
    # one multiplication of H per branch; G goes through base_mul; never a ciphertext point
    assert multiplied == [KEY] * 5
