"""Ballot bytes and JSON: round trips, strict decoding, tracking codes, tampered vectors."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.ballot import BallotContext, verify_ballot
from ballots.crypto.encoding import (
    ballot_bytes,
    ballot_from_bytes,
    ballot_from_json,
    ballot_to_json,
    tracking_code,
)
from ballots.crypto.errors import CryptoError, LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import BallotShape
from tests.ballots.crypto.known_answers import VECTORS

SHAPE = BallotShape.election(3, 2, write_ins=True)
DOCUMENT = json.loads((VECTORS / "election-write-in.json").read_text(encoding="utf-8"))
TAMPERING = json.loads((VECTORS / "tampering.json").read_text(encoding="utf-8"))["cases"]
CONTEXT = BallotContext(
    Scalar.decode(bytes.fromhex(DOCUMENT["poll_ctx"]), "poll_ctx"),
    "d-17",
    bytes(range(32)),
    Point.decode(bytes.fromhex(DOCUMENT["public_key"]), "key"),
)


def test_json_and_bytes_round_trip() -> None:
    ballot = ballot_from_json(SHAPE, DOCUMENT["ballot"])
    assert ballot_to_json(ballot) == DOCUMENT["ballot"]
    data = ballot_bytes(ballot)
    assert len(data) == DOCUMENT["ballot_bytes_length"] == 32 * (2 * 12 + 66)
    assert ballot_from_bytes(SHAPE, data) == ballot
    assert hashlib.sha256(data).hexdigest() == DOCUMENT["ballot_bytes_sha256"]


def test_tracking_code_is_base32_of_the_first_10_bytes_of_sha256() -> None:
    ballot = ballot_from_json(SHAPE, DOCUMENT["ballot"])
    digest = hashlib.sha256(ballot_bytes(ballot)).digest()
    text = base64.b32encode(digest[:10]).decode()
    assert tracking_code(ballot) == f"{text[:4]}-{text[4:8]}-{text[8:12]}-{text[12:]}"
    assert tracking_code(ballot) == DOCUMENT["tracking_code"]


def test_bytes_of_the_wrong_length_are_refused() -> None:
    data = ballot_bytes(ballot_from_json(SHAPE, DOCUMENT["ballot"]))
    with pytest.raises(LayoutError) as caught:
        ballot_from_bytes(SHAPE, data[:-32])
    assert str(caught.value) == "ballot: 2848 bytes, not 2880"


def test_a_bit_255_point_in_bytes_is_refused_by_position() -> None:
    data = bytearray(ballot_bytes(ballot_from_json(SHAPE, DOCUMENT["ballot"])))
    data[3 * 64 + 31] |= 0x80  # ciphertexts[3].a
    with pytest.raises(CryptoError) as caught:
        ballot_from_bytes(SHAPE, bytes(data))
    assert str(caught.value) == (
        "ballot.ciphertexts[3].a (candidates[1].against): point has bit 255 set"
    )


def mutate(ballot: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(ballot)
    # a ciphertext is the pair [a, b]
    *parents, last = [{"a": 0, "b": 1}.get(key, key) for key in case["path"]]
    target: Any = result
    for key in parents:
        target = target[key]
    if case["op"] == "flip_bit":
        raw = bytearray(base64.urlsafe_b64decode(target[last] + "="))
        raw[case["bit"] // 8] ^= 1 << (case["bit"] % 8)
        target[last] = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    elif case["op"] == "set":
        target[last] = case["value"]
    elif case["op"] == "swap":
        items = target[last]
        items[case["i"]], items[case["j"]] = items[case["j"]], items[case["i"]]
    elif case["op"] == "delete":
        del target[last][case["index"]]
    else:
        raise AssertionError(f"unknown op {case['op']}")
    return result


def test_the_untampered_vector_verifies() -> None:
    verify_ballot(SHAPE, ballot_from_json(SHAPE, DOCUMENT["ballot"]), context=CONTEXT)


@pytest.mark.parametrize("case", TAMPERING, ids=[case["name"] for case in TAMPERING])
def test_each_tampered_ballot_is_refused_with_its_named_error(case: dict[str, Any]) -> None:
    tampered = mutate(DOCUMENT["ballot"], case)
    with pytest.raises(CryptoError) as caught:
        verify_ballot(SHAPE, ballot_from_json(SHAPE, tampered), context=CONTEXT)
    assert (caught.value.code, str(caught.value)) == (case["code"], case["message"])


MOTION = json.loads((VECTORS / "motion.json").read_text(encoding="utf-8"))
MOTION_SHAPE = BallotShape.motion(MOTION["inputs"]["ballot"]["electorate"])
MOTION_CONTEXT = BallotContext(
    Scalar.decode(bytes.fromhex(MOTION["poll_ctx"]), "poll_ctx"),
    "d-17",
    bytes(range(32)),
    Point.decode(bytes.fromhex(MOTION["public_key"]), "key"),
)


@settings(max_examples=60, deadline=None)
@given(bit=st.integers(0, 256 * 8 - 1))
def test_every_single_bit_flip_of_a_ballot_is_refused(bit: int) -> None:
    data = bytearray(ballot_bytes(ballot_from_json(MOTION_SHAPE, MOTION["ballot"])))
    data[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(CryptoError) as caught:
        ballot = ballot_from_bytes(MOTION_SHAPE, bytes(data))
        verify_ballot(MOTION_SHAPE, ballot, context=MOTION_CONTEXT)
    value = bit // 256  # the 32-byte value that was changed: a, b, then the proof's 6
    message = str(caught.value)
    if value < 2:
        # refused when decoded, or else the proof's context changed: the proof fails
        assert message.startswith("ballot.ciphertexts[0].") or message == (
            "ballot.proofs[0] (IN(stance, {0,1,41})): the challenges do not sum to the hash of "
            "the proof"
        )
    else:
        assert message.startswith("ballot.proofs[0]")
