"""Known-answer ballots: byte for byte, checked by an independent verifier, decrypting right."""

from __future__ import annotations

import json

import pytest

from ballots.crypto.ballot import BallotContext, verify_ballot
from ballots.crypto.encoding import ballot_from_json
from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import decode_name
from tests.ballots.crypto import independent
from tests.ballots.crypto.known_answers import CASES, VECTORS, build


def stored(name: str) -> dict[str, object]:
    return dict(json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_code_reproduces_the_stored_vector_byte_for_byte(name: str) -> None:
    text = json.dumps(build(name), ensure_ascii=False, indent=1) + "\n"
    assert text == (VECTORS / f"{name}.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_stored_vector_verifies(name: str) -> None:
    document = stored(name)
    _, shape, _, _ = CASES[name]
    key = Point.decode(bytes.fromhex(str(document["public_key"])), "public_key")
    poll = Scalar.decode(bytes.fromhex(str(document["poll_ctx"])), "poll_ctx")
    context = BallotContext(poll, "d-17", bytes(range(32)), key)
    verify_ballot(shape, ballot_from_json(shape, document["ballot"]), context=context)


def test_an_independent_verifier_accepts_the_motion_vector() -> None:
    document = stored("motion")
    independent.verify(
        document,
        independent.packed_motion_statements(document["inputs"]["poll_definition"]),  # type: ignore[index]
        bytes.fromhex(str(document["poll_ctx"])),
        bytes.fromhex(str(document["public_key"])),
    )


def test_an_independent_verifier_accepts_the_election_vector() -> None:
    document = stored("election-write-in")
    independent.verify(
        document,
        independent.election_statements(3, 2, 2, 2),
        bytes.fromhex(str(document["poll_ctx"])),
        bytes.fromhex(str(document["public_key"])),
    )


def test_an_independent_verifier_refuses_a_changed_response() -> None:
    document = stored("motion")
    proofs = document["ballot"]["proofs"]  # type: ignore[index]
    response = independent.b64(proofs[0]["responses"][2][0])
    changed = bytes([response[0] ^ 1]) + response[1:]
    proofs[0]["responses"][2][0] = independent.base64.urlsafe_b64encode(changed).decode()[:43]
    with pytest.raises(AssertionError, match="proof 0 does not verify"):
        independent.verify(
            document,
            independent.packed_motion_statements(document["inputs"]["poll_definition"]),  # type: ignore[index]
            bytes.fromhex(str(document["poll_ctx"])),
            bytes.fromhex(str(document["public_key"])),
        )


def decrypt(document: dict[str, object]) -> list[Point]:
    secret = Scalar.decode(bytes.fromhex(str(document["secret_key"])), "secret")
    shape_name = str(document["case"])
    _, shape, _, _ = CASES[shape_name]
    ballot = ballot_from_json(shape, document["ballot"])
    return [c.b - c.a.mul(secret) for c in ballot.ciphertexts]


def test_the_motion_vector_decrypts_to_for() -> None:
    plain = decrypt(stored("motion"))
    assert plain == [Point.generator()]  # X = 1: 赞成


def test_the_election_vector_decrypts_to_its_choice_and_write_in() -> None:
    plain = decrypt(stored("election-write-in"))
    g, zero = Point.generator(), Point.identity()
    # for, against, abstain; slot 1 written (王小明), slot 2 blank.
    assert plain[:6] == [g, zero, zero, g, zero, zero]
    assert plain[6] == g and plain[9] == zero
    assert decode_name(plain[7:9]).name == "王小明"
    assert decode_name(plain[10:12]).status == "blank"
