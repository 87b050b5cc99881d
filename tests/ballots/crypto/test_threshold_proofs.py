"""Schnorr and Chaum–Pedersen proofs: sound for their statement, bound to everything hashed."""

from __future__ import annotations

import pytest

from ballots.crypto.errors import ProofError, ScalarEncodingError
from ballots.crypto.group import ORDER, Point, Scalar
from ballots.crypto.hashing import hash_to_scalar, u32
from ballots.crypto.threshold.proofs import (
    Proof,
    prove_equality,
    prove_knowledge,
    verify_equality,
    verify_knowledge,
)
from tests.ballots.crypto.threshold_fixtures import seeded

CONTEXT = Scalar.of(2026)
SECRET = Scalar.of(123456789)
BASE = Point.base_mul(Scalar.of(31337))


def test_a_knowledge_proof_has_the_documented_challenge() -> None:
    proof = prove_knowledge(CONTEXT, "constant", 2, SECRET, seeded("pok"))
    statement = Point.base_mul(SECRET)
    nonce = seeded("pok").scalar()
    commitment = Point.base_mul(nonce)
    expected = hash_to_scalar(
        "cv1/thr/pok",
        CONTEXT.encode(),
        b"constant",
        u32(2),
        statement.encode(),
        commitment.encode(),
    )
    assert proof == Proof(expected, Scalar.of(int(nonce) + int(expected) * int(SECRET) % ORDER))
    verify_knowledge(CONTEXT, "constant", 2, statement, proof, "p")


@pytest.mark.parametrize(
    ("context", "label", "index"),
    [(Scalar.of(2027), "constant", 2), (CONTEXT, "transport", 2), (CONTEXT, "constant", 3)],
)
def test_a_knowledge_proof_is_bound_to_context_label_and_index(
    context: Scalar, label: str, index: int
) -> None:
    proof = prove_knowledge(CONTEXT, "constant", 2, SECRET, seeded("pok"))
    with pytest.raises(ProofError) as caught:
        verify_knowledge(context, label, index, Point.base_mul(SECRET), proof, "round1[2]")
    assert str(caught.value) == f"round1[2]: the proof of knowledge ({label}) does not verify"


def test_a_knowledge_proof_does_not_prove_another_statement() -> None:
    proof = prove_knowledge(CONTEXT, "constant", 2, SECRET, seeded("pok"))
    with pytest.raises(ProofError):
        verify_knowledge(CONTEXT, "constant", 2, Point.base_mul(SECRET + Scalar.of(1)), proof, "p")


def test_an_equality_proof_has_the_documented_challenge_and_verifies() -> None:
    proof = prove_equality(CONTEXT, "decrypt", 1, SECRET, BASE, seeded("dleq"))
    nonce = seeded("dleq").scalar()
    statement = (BASE, Point.base_mul(SECRET), BASE.mul(SECRET))
    expected = hash_to_scalar(
        "cv1/thr/dleq",
        CONTEXT.encode(),
        b"decrypt",
        u32(1),
        *(point.encode() for point in statement),
        Point.base_mul(nonce).encode(),
        BASE.mul(nonce).encode(),
    )
    assert proof.challenge == expected
    verify_equality(CONTEXT, "decrypt", 1, statement, proof, "d")


def test_an_equality_proof_fails_when_the_logarithms_differ() -> None:
    # D = (x+1)·B with a proof for x: the second commitment no longer matches.
    proof = prove_equality(CONTEXT, "decrypt", 1, SECRET, BASE, seeded("dleq"))
    statement = (BASE, Point.base_mul(SECRET), BASE.mul(SECRET + Scalar.of(1)))
    with pytest.raises(ProofError) as caught:
        verify_equality(CONTEXT, "decrypt", 1, statement, proof, "share[1]")
    assert str(caught.value) == (
        "share[1]: the proof of equal discrete logarithms (decrypt) does not verify"
    )


def test_a_proof_decodes_strictly() -> None:
    proof = prove_knowledge(CONTEXT, "constant", 2, SECRET, seeded("pok"))
    assert Proof.decode(proof.encode(), "p") == proof
    with pytest.raises(ProofError) as caught:
        Proof.decode(proof.encode()[:63], "round1[2].constant_proof")
    assert str(caught.value) == "round1[2].constant_proof: proof is 63 bytes, not 64"
    too_big = proof.encode()[:32] + (ORDER).to_bytes(32, "little")
    with pytest.raises(ScalarEncodingError) as refused:
        Proof.decode(too_big, "round1[2].constant_proof")
    assert str(refused.value) == ("round1[2].constant_proof.s: scalar is not below the group order")
