"""Write-in names as points: encoding, and the lenient decoder that never raises."""

from __future__ import annotations

import pytest
import rbcl  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.group import Point
from ballots.crypto.names import DecodedName, decode_name, encode_name


def test_a_name_is_length_byte_utf8_and_zero_padding_in_30_byte_chunks() -> None:
    points = encode_name("  王小明 ", 2)
    utf8 = "王小明".encode()
    data = bytes([len(utf8)]) + utf8 + bytes(60 - 1 - len(utf8))
    for t, point in enumerate(points):
        encoding = point.encode()
        assert encoding[1:31] == data[30 * t : 30 * (t + 1)]
        assert encoding[31] == 0
        counter = encoding[0] // 2
        assert encoding[0] % 2 == 0
        # the first counter that gives a valid encoding wins
        for j in range(counter):
            assert not rbcl.crypto_core_ristretto255_is_valid_point(bytes([2 * j]) + encoding[1:])
    assert points[1] == Point.identity()  # an all-zero chunk is the identity with j = 0


def test_known_answer_of_a_name_point() -> None:
    assert (
        encode_name("王小明", 2)[0].encode().hex()
        == "0009e78e8be5b08fe6988e000000000000000000000000000000000000000000"
    )


def test_decode_gives_back_the_normalised_name() -> None:
    assert decode_name(encode_name(" Ａ\u0041\u030a ", 2)) == DecodedName("name", "ＡÅ")
    assert decode_name(encode_name("d-17", 1)) == DecodedName("name", "d-17")
    assert decode_name([Point.identity()] * 2) == DecodedName("blank")


def test_the_longest_names_fit_and_longer_ones_are_refused() -> None:
    assert decode_name(encode_name("a" * 59, 2)).name == "a" * 59
    assert decode_name(encode_name("a" * 29, 1)).name == "a" * 29
    with pytest.raises(ValueError, match="60 bytes in UTF-8, more than 59"):
        encode_name("a" * 60, 2)
    with pytest.raises(ValueError, match="a write-in name is empty"):
        encode_name("   ", 2)
    with pytest.raises(ValueError, match="control or format character"):
        encode_name("王\u200b明", 2)


def raw_point(chunk: bytes, first: int = 0) -> Point:
    """The first valid point [first + 2j] ‖ chunk ‖ [0], bypassing the encoder's checks."""
    for j in range(128):
        candidate = bytes([first + 2 * j]) + chunk + b"\x00"
        if rbcl.crypto_core_ristretto255_is_valid_point(candidate):
            return Point(candidate)
    raise AssertionError("no valid point")


def chunks(data: bytes) -> list[Point]:
    data += bytes(60 - len(data))
    return [raw_point(data[:30]), raw_point(data[30:])]


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        (chunks(b"\x03\xff\xfe\xfd"), "the name is not UTF-8"),
        (chunks(b"\x03A\xcc\x8a"), "the name is not NFC-normalised and trimmed"),
        (chunks(b"\x02 A"), "the name is not NFC-normalised and trimmed"),
        (chunks(b"\x02A\x07"), "the name has a control or format character"),
        (chunks(b"\x00A"), "the length byte is out of range"),
        (chunks(b"\x02AB\x01"), "the padding is not zero"),
        (chunks(bytes([60]) + b"A" * 59), "the length byte is out of range"),
        ([Point.generator(), Point.identity()], "a point is not a name chunk"),
    ],
)
def test_malformed_names_are_ignored_with_a_reason(points: list[Point], reason: str) -> None:
    assert decode_name(points) == DecodedName("ignored", reason=reason)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=19))
def test_every_encodable_name_decodes_to_its_normal_form(name: str) -> None:
    try:
        points = encode_name(name, 2)
    except ValueError:
        return
    result = decode_name(points)
    assert result.status == "name"
    assert result.name is not None and encode_name(result.name, 2) == points


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=64, max_size=64), min_size=2, max_size=2))
def test_decoding_arbitrary_points_never_raises(uniform: list[bytes]) -> None:
    points = [Point.from_uniform_bytes(u) for u in uniform]
    result = decode_name(points)
    if all(point.is_identity() for point in points):
        assert result.status == "blank"
    elif result.status == "name":
        assert result.name is not None and encode_name(result.name, 2) == points
    else:
        assert result.status == "ignored" and result.reason
