"""Exponential ElGamal: encryption, homomorphic sums, re-encryption."""

from __future__ import annotations

from ballots.crypto.elgamal import (
    Ciphertext,
    add,
    encrypt,
    encrypt_point,
    reencrypt,
    subtract,
    total,
)
from ballots.crypto.group import Point, Scalar

SECRET = Scalar.of(0x1234567890ABCDEF)
KEY = Point.base_mul(SECRET)


def decrypt(ciphertext: Ciphertext) -> Point:
    return ciphertext.b - ciphertext.a.mul(SECRET)


def test_encryption_is_r_g_and_m_g_plus_r_h() -> None:
    r = Scalar.of(987654321)
    ciphertext = encrypt(3, r, KEY)
    assert ciphertext.a == Point.base_mul(r)
    assert ciphertext.b == Point.base_mul(Scalar.of(3)) + KEY.mul(r)
    assert decrypt(ciphertext) == Point.base_mul(Scalar.of(3))
    assert ciphertext.encode() == ciphertext.a.encode() + ciphertext.b.encode()


def test_known_answer() -> None:
    assert (
        encrypt(1, Scalar.of(7), KEY).encode().hex()
        == "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176dda251f13085aa94463238b09b6474bab37a6fe3366aa5797d690610011113233"
    )


def test_sums_add_plaintexts() -> None:
    parts = [encrypt(m, Scalar.of(100 + m), KEY) for m in (0, 1, 1, 0, 1)]
    assert decrypt(total(parts)) == Point.base_mul(Scalar.of(3))
    assert decrypt(add(parts[1], parts[2])) == Point.base_mul(Scalar.of(2))
    assert decrypt(subtract(parts[0], parts[1])) == Point.base_mul(Scalar.of(-1))
    assert total([]) == Ciphertext(Point.identity(), Point.identity())


def test_reencryption_keeps_the_plaintext_and_changes_both_components() -> None:
    name = Point.from_uniform_bytes(bytes(range(64)))
    original = encrypt_point(name, Scalar.of(5), KEY)
    again = reencrypt(original, Scalar.of(11), KEY)
    assert decrypt(again) == name
    assert again.a != original.a and again.b != original.b
    assert again == encrypt_point(name, Scalar.of(16), KEY)
