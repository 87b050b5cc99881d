"""Tablet signatures: Ed25519 and WebCrypto-style P-256 (raw r||s), over the context and the
body's canonical JSON."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from audit.tablet import (
    TABLET_CONTEXT,
    TabletSignatureError,
    sign_tablet_body,
    signing_payload,
    verify_tablet_signature,
)

BODY: dict[str, Any] = {
    "type": "vote",
    "choice": "for",
    "deputy": "d-07",
    "device": "t-07",
    "poll": "p-3",
    "n": 12,
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def ed25519_key() -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, b64(raw)


def p256_key(curve: ec.EllipticCurve | None = None) -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = ec.derive_private_key(123456789, curve or ec.SECP256R1())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, b64(spki)


def webcrypto_sign(key: ec.EllipticCurvePrivateKey, body: dict[str, Any]) -> str:
    """What WebCrypto returns: a random-nonce ECDSA signature as raw r || s."""
    r, s = decode_dss_signature(key.sign(signing_payload(body), ec.ECDSA(hashes.SHA256())))
    return b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def test_payload_is_context_then_canonical_body() -> None:
    assert signing_payload(BODY) == (
        b'congress-vote/v1\n{"choice":"for","deputy":"d-07","device":"t-07","n":12,"poll":"p-3",'
        b'"type":"vote"}'
    )
    assert TABLET_CONTEXT == b"congress-vote/v1\n"


def test_payload_rejects_a_float() -> None:
    with pytest.raises(TabletSignatureError, match=r"body\.n: floats are not allowed"):
        signing_payload({**BODY, "n": 1.5})


def test_ed25519_signature_verifies() -> None:
    key, public = ed25519_key()
    sig = sign_tablet_body(key, BODY)
    assert base64.b64decode(sig) == key.sign(signing_payload(BODY))
    verify_tablet_signature("ed25519", public, BODY, sig)


def test_p256_webcrypto_signature_verifies() -> None:
    key, public = p256_key()
    verify_tablet_signature("p256", public, BODY, webcrypto_sign(key, BODY))


def test_p256_helper_signs_deterministically_as_raw_r_s() -> None:
    key, public = p256_key()
    sig = sign_tablet_body(key, BODY)
    assert len(base64.b64decode(sig)) == 64
    assert sig == sign_tablet_body(key, BODY)
    verify_tablet_signature("p256", public, BODY, sig)


@pytest.mark.parametrize("alg", ["ed25519", "p256"])
def test_tampered_body_fails(alg: str) -> None:
    key, public = ed25519_key() if alg == "ed25519" else p256_key()
    sig = sign_tablet_body(key, BODY)
    with pytest.raises(TabletSignatureError) as caught:
        verify_tablet_signature(alg, public, {**BODY, "poll": "p-4"}, sig)
    assert caught.value.message == f"{alg} signature does not verify"


def test_signature_from_another_key_fails() -> None:
    _, public = ed25519_key()
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    with pytest.raises(TabletSignatureError, match="ed25519 signature does not verify"):
        verify_tablet_signature("ed25519", public, BODY, sign_tablet_body(other, BODY))


def test_der_signature_is_not_raw_r_s() -> None:
    key, public = p256_key()
    der = key.sign(signing_payload(BODY), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(TabletSignatureError, match=r"p256 signature is \d+ bytes, expected raw"):
        verify_tablet_signature("p256", public, BODY, b64(der))


@pytest.mark.parametrize(
    ("alg", "public_key", "sig", "message"),
    [
        ("ed25519", b64(bytes(31)), b64(bytes(64)), "ed25519 public key is 31 bytes, expected 32"),
        ("ed25519", "not base64!", b64(bytes(64)), "public key is not valid base64"),
        ("rsa", b64(bytes(32)), b64(bytes(64)), 'unknown device key algorithm "rsa"'),
        (
            "p256",
            b64(bytes(65)),
            b64(bytes(64)),
            "p256 public key is not a DER SubjectPublicKeyInfo",
        ),
        ("ed25519", None, "***", "signature is not valid base64"),
        ("ed25519", None, b64(bytes(63)), "ed25519 signature is 63 bytes, expected 64"),
    ],
)
def test_malformed_key_or_signature(
    alg: str, public_key: str | None, sig: str, message: str
) -> None:
    if public_key is None:
        public_key = ed25519_key()[1]
    with pytest.raises(TabletSignatureError) as caught:
        verify_tablet_signature(alg, public_key, BODY, sig)
    assert caught.value.message == message


def test_p256_key_on_another_curve() -> None:
    key, public = p256_key(ec.SECP384R1())
    with pytest.raises(TabletSignatureError, match="not a key on the P-256 curve"):
        verify_tablet_signature("p256", public, BODY, b64(bytes(64)))
    with pytest.raises(ValueError, match="P-256"):
        sign_tablet_body(key, BODY)
