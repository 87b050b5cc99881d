"""The libsodium group operations agree with a plain-Python RFC 9496 recomputation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.errors import EncodingError
from ballots.crypto.group import ORDER, Point, Scalar
from tests.ballots.crypto import reference
from tests.ballots.crypto.test_group import RFC9496_A1_MULTIPLES, RFC9496_A3_FROM_UNIFORM_BYTES

assert reference.GENERATOR is not None
G = reference.GENERATOR
scalars = st.integers(min_value=0, max_value=ORDER - 1)


def test_the_reference_reproduces_the_rfc_vectors() -> None:
    for k, expected in enumerate(RFC9496_A1_MULTIPLES):
        assert reference.encode(reference.multiply(k, G)).hex() == expected
    for uniform, expected in RFC9496_A3_FROM_UNIFORM_BYTES:
        point = reference.from_uniform_bytes(bytes.fromhex(uniform))
        assert reference.encode(point).hex() == expected


@settings(max_examples=25, deadline=None)
@given(k=scalars, j=scalars)
def test_multiples_sums_and_differences_agree(k: int, j: int) -> None:
    pk, pj = reference.multiply(k, G), reference.multiply(j, G)
    sk, sj = Point.base_mul(Scalar.of(k)), Point.base_mul(Scalar.of(j))
    assert sk.encode() == reference.encode(pk)
    assert (sk + sj).encode() == reference.encode(reference.add(pk, pj))
    assert (sk - sj).encode() == reference.encode(reference.add(pk, reference.negate(pj)))
    assert sk.mul(Scalar.of(j)).encode() == reference.encode(reference.multiply(j, pk))


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=64, max_size=64))
def test_from_uniform_bytes_agrees(data: bytes) -> None:
    expected = reference.encode(reference.from_uniform_bytes(data))
    assert Point.from_uniform_bytes(data).encode() == expected


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(min_size=32, max_size=32),
        st.builds(
            lambda k, top: (
                bytes(bytearray(reference.encode(reference.multiply(k, G)))[:31])
                + bytes([reference.encode(reference.multiply(k, G))[31] | (0x80 if top else 0)])
            ),
            st.integers(1, 2**64),
            st.booleans(),
        ),
    )
)
def test_strict_decoding_accepts_exactly_what_the_rfc_decodes(data: bytes) -> None:
    decoded = reference.decode(data)
    try:
        point = Point.decode(data, "p", allow_identity=True)
    except EncodingError:
        assert decoded is None
    else:
        assert decoded is not None and reference.encode(decoded) == point.encode() == data
