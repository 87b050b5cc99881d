"""Hash(tag, …) framing and the key / poll / ballot context chain."""

from __future__ import annotations

import hashlib

import pytest

from ballots.crypto.group import ORDER, Point, Scalar
from ballots.crypto.hashing import (
    ballot_context,
    hash_to_scalar,
    key_id,
    poll_context,
    u32,
)


def recompute(tag: bytes, *parts: bytes) -> int:
    """The framing written out byte by byte, as a third party would from the document."""
    data = len(tag).to_bytes(2, "big") + tag
    for part in parts:
        data += len(part).to_bytes(4, "big") + part
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % ORDER


def test_hash_framing_matches_an_independent_recomputation() -> None:
    assert int(hash_to_scalar("cv1/test")) == recompute(b"cv1/test")
    assert int(hash_to_scalar("cv1/test", b"", b"abc")) == recompute(b"cv1/test", b"", b"abc")


def test_hash_known_answer() -> None:
    assert hash_to_scalar("cv1/test", b"abc").encode().hex() == (
        "eb0eae8a4c3b29eed2dafd4d74b3909c52c6f26924981a5f7f5fb8cdaf6a4007"
    )


def test_length_prefixes_separate_inputs() -> None:
    assert hash_to_scalar("t", b"ab", b"c") != hash_to_scalar("t", b"a", b"bc")
    assert hash_to_scalar("t", b"abc") != hash_to_scalar("t", b"ab", b"c")
    assert hash_to_scalar("t1", b"x") != hash_to_scalar("t", b"1x")


def test_u32_is_four_bytes_big_endian() -> None:
    assert u32(0) == b"\x00\x00\x00\x00"
    assert u32(258) == b"\x00\x00\x01\x02"
    with pytest.raises(ValueError, match="does not fit"):
        u32(2**32)
    with pytest.raises(ValueError, match="does not fit"):
        u32(-1)


def test_context_chain_matches_an_independent_recomputation() -> None:
    transcript = b"ceremony transcript"
    h = Point.base_mul(Scalar.of(42))
    kid = key_id(transcript)
    assert int(kid) == recompute(b"cv1/key", transcript)
    poll = poll_context(
        origin="https://congress.example",
        poll_id="p-1",
        poll_definition=b'{"id":"p-1","kind":"motion"}',
        key=kid,
        public_key=h,
    )
    assert int(poll) == recompute(
        b"cv1/poll",
        b"https://congress.example",
        b"p-1",
        b'{"id":"p-1","kind":"motion"}',
        kid.encode(),
        Point.generator().encode(),
        h.encode(),
    )
    a1, b1 = Point.base_mul(Scalar.of(5)), Point.base_mul(Scalar.of(6))
    a2, b2 = Point.base_mul(Scalar.of(7)), Point.identity()
    ballot = ballot_context(
        poll=poll,
        deputy_id="d-17",
        device_key=bytes(range(32)),
        ciphertexts=[(a1, b1), (a2, b2)],
    )
    assert int(ballot) == recompute(
        b"cv1/ballot",
        poll.encode(),
        b"d-17",
        bytes(range(32)),
        a1.encode() + b1.encode(),
        a2.encode() + b2.encode(),
    )
