"""Two implementations of Ed25519 checks: OpenSSL (the verifier's) and libsodium (the meeting
server's). Both accept RFC 8032's known answers and every genuine signature; libsodium is the
stricter one, so whatever the server accepts, the verifier accepts."""

from __future__ import annotations

import base64
from typing import get_args

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.tablet import DeviceKey, Ed25519Library, TabletSignatureError

LIBRARIES = get_args(Ed25519Library)
#: The order of the prime subgroup (RFC 8032 §5.1): a signature's S must be below it.
L = 2**252 + 27742317777372353535851937790883648493

# RFC 8032 §7.1, TEST 1 and TEST 2: public key, message, signature.
RFC_8032 = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
        "f9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
        "f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def verdict(library: Ed25519Library, key: bytes, message: bytes, signature: bytes) -> str | None:
    """None if ``library`` accepts the signature, else its reason."""
    try:
        DeviceKey.parse("ed25519", b64(key), ed25519=library).verify_payload(
            message, b64(signature)
        )
    except TabletSignatureError as error:
        return error.message
    return None


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("key", "message", "signature"), RFC_8032)
def test_both_accept_rfc_8032s_known_answers(
    library: Ed25519Library, key: str, message: str, signature: str
) -> None:
    raw_key, raw_message, raw_signature = (bytes.fromhex(v) for v in (key, message, signature))
    assert verdict(library, raw_key, raw_message, raw_signature) is None
    tampered = raw_message + b"\x00"
    assert verdict(library, raw_key, tampered, raw_signature) == "ed25519 signature does not verify"


@pytest.mark.parametrize("library", LIBRARIES)
def test_both_refuse_a_scalar_not_below_the_group_order(library: Ed25519Library) -> None:
    key, message, signature = (bytes.fromhex(v) for v in RFC_8032[1])
    s = int.from_bytes(signature[32:], "little") + L  # the same point equation, S ≥ L
    malleated = signature[:32] + s.to_bytes(32, "little")
    assert verdict(library, key, message, malleated) == "ed25519 signature does not verify"


def test_only_openssl_accepts_the_identity_key_signing_anything() -> None:
    """The identity point as public key and as R, with S = 0, satisfies the cofactorless
    equation for every message: OpenSSL accepts it, libsodium refuses keys and R of small
    order. The server (libsodium) never logs what the verifier (OpenSSL) would refuse."""
    identity = bytes([1]) + bytes(31)
    signature = identity + bytes(32)
    assert verdict("openssl", identity, b"any message", signature) is None
    assert verdict("libsodium", identity, b"any message", signature) == (
        "ed25519 signature does not verify"
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32),
    message=st.binary(max_size=300),
    flip=st.one_of(st.none(), st.integers(min_value=0, max_value=64 * 8 - 1)),
)
def test_the_two_agree_on_genuine_and_altered_signatures(
    seed: bytes, message: bytes, flip: int | None
) -> None:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    key = private.public_key().public_bytes_raw()
    signature = bytearray(private.sign(message))
    if flip is not None:
        signature[flip // 8] ^= 1 << (flip % 8)
    found = {library: verdict(library, key, message, bytes(signature)) for library in LIBRARIES}
    expected = None if flip is None else "ed25519 signature does not verify"
    assert found == {"openssl": expected, "libsodium": expected}
