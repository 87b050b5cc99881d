"""Signed messages from tablets (audit-log.md §5).

A tablet signs ``b"congress-vote/v1\\n" || canonical(body)`` with its device key, made at pairing:
Ed25519 (raw 32-byte public key, base64) or, where a browser lacks Ed25519, ECDSA P-256 with
SHA-256 (SubjectPublicKeyInfo DER public key, base64; signatures raw ``r || s``, 64 bytes, as
WebCrypto gives them). The log keeps the body and the signature unchanged, so anyone can check
them again with the key from the ``device_paired`` entry.

Two implementations check Ed25519 signatures (:data:`Ed25519Library`). The verifier uses
OpenSSL (``cryptography``), the reference; the meeting server uses libsodium (PyNaCl), which
checks a signature in less than half the time on the machines measured (``docs/performance.md``)
— with a whole hall voting in the same second that is the server's largest single cost. So
the server's checks and the auditor's are two independent implementations, and libsodium's
rules are the stricter ones: besides what both refuse (a scalar S ≥ L, a point that does not
decode, an equation that does not hold), it refuses public keys and R of small order and public
keys that are not canonically encoded. Every signature the server accepts, the verifier accepts
(``tests/audit/test_tablet_libraries.py``).

Body types (every body carries ``type``, ``deputy``, ``device`` and ``n``, the device's counter,
which increases with every message):

``sign_in``, ``sign_out``   attendance by tablet
``vote``                    named polls; carries ``poll`` and ``choice``
``encrypted_ballot``        encrypted polls; carries ``poll`` and ``ballot_hash``
``speak_request``           asks to speak (申请发言); ``speak_withdraw`` withdraws the request

Errors::

    AuditError
    └── TabletSignatureError   a device key or a signature is malformed, or does not verify
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from audit.canonical import canonical_bytes
from audit.errors import AuditError, CanonicalError

__all__ = [
    "BODY_TYPES",
    "TABLET_CONTEXT",
    "DeviceKey",
    "Ed25519Library",
    "TabletSignatureError",
    "sign_tablet_body",
    "signing_payload",
    "verify_tablet_signature",
]

#: Domain separation: a tablet signature can never be mistaken for any other signature.
TABLET_CONTEXT: Final = b"congress-vote/v1\n"

#: Body ``type`` per log entry type that carries a signed body.
BODY_TYPES: Final[Mapping[str, str]] = {
    "signed_in": "sign_in",
    "signed_out": "sign_out",
    "vote": "vote",
    "encrypted_ballot": "encrypted_ballot",
    "speech_requested": "speak_request",
    "speech_withdrawn": "speak_withdraw",
    "proposal_drafted": "proposal_draft",
    "proposal_signed": "proposal_sign",
    "proposal_tabled": "proposal_submit",
    "suggestion_rated": "suggestion_rate",
    "split_view_alarm": "split_view_alarm",
}

_ED25519_KEY_SIZE: Final = 32
_ED25519_SIG_SIZE: Final = 64
_P256_COORDINATE_SIZE: Final = 32
_ECDSA_SHA256: Final = ec.ECDSA(hashes.SHA256())

#: Which implementation checks Ed25519 signatures: OpenSSL through ``cryptography`` (the
#: verifier's) or libsodium through PyNaCl (the meeting server's).
Ed25519Library = Literal["openssl", "libsodium"]


class TabletSignatureError(AuditError):
    """A device public key or a tablet signature is malformed, or the signature does not verify
    over the body."""


def signing_payload(body: Mapping[str, Any]) -> bytes:
    """The bytes a tablet signs: the context line followed by the body's canonical JSON."""
    try:
        return TABLET_CONTEXT + canonical_bytes(dict(body), name="body")
    except CanonicalError as exc:
        raise TabletSignatureError(f"the body is not canonical JSON: {exc.message}") from None


class DeviceKey:
    """A tablet's public key, parsed once from its ``device_paired`` entry."""

    __slots__ = ("_key", "_sodium_key", "alg")

    def __init__(
        self,
        alg: str,
        key: Ed25519PublicKey | ec.EllipticCurvePublicKey,
        sodium_key: bytes | None = None,
    ) -> None:
        self.alg = alg
        self._key = key
        #: The raw Ed25519 key when libsodium checks this key's signatures.
        self._sodium_key = sodium_key

    @classmethod
    def parse(cls, alg: str, public_key: str, *, ed25519: Ed25519Library = "openssl") -> DeviceKey:
        """Parse ``public_key`` (base64) for ``alg``; raises :class:`TabletSignatureError`.
        ``ed25519``: the implementation that checks an Ed25519 key's signatures."""
        raw = _b64decode(public_key, "public key")
        if alg == "ed25519":
            if len(raw) != _ED25519_KEY_SIZE:
                raise TabletSignatureError(
                    f"ed25519 public key is {len(raw)} bytes, expected {_ED25519_KEY_SIZE}"
                )
            parsed = Ed25519PublicKey.from_public_bytes(raw)
            return cls(alg, parsed, raw if ed25519 == "libsodium" else None)
        if alg == "p256":
            try:
                key = serialization.load_der_public_key(raw)
            except (ValueError, UnsupportedAlgorithm):
                raise TabletSignatureError(
                    "p256 public key is not a DER SubjectPublicKeyInfo"
                ) from None
            if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(
                key.curve, ec.SECP256R1
            ):
                raise TabletSignatureError("p256 public key is not a key on the P-256 curve")
            return cls(alg, key)
        raise TabletSignatureError(f'unknown device key algorithm "{alg}"')

    def verify(self, body: Mapping[str, Any], sig: str) -> None:
        """Check ``sig`` over ``body``; raises :class:`TabletSignatureError`."""
        self.verify_payload(signing_payload(body), sig)

    def verify_payload(self, payload: bytes, sig: str) -> None:
        """Check ``sig`` over ready-made ``payload`` bytes; raises
        :class:`TabletSignatureError`."""
        raw = _b64decode(sig, "signature")
        try:
            if isinstance(self._key, Ed25519PublicKey):
                if len(raw) != _ED25519_SIG_SIZE:
                    raise TabletSignatureError(
                        f"ed25519 signature is {len(raw)} bytes, expected {_ED25519_SIG_SIZE}"
                    )
                if self._sodium_key is None:
                    self._key.verify(raw, payload)
                else:
                    _sodium_verify(self._sodium_key, raw, payload)
            else:
                if len(raw) != 2 * _P256_COORDINATE_SIZE:
                    raise TabletSignatureError(
                        f"p256 signature is {len(raw)} bytes, expected raw r||s of "
                        f"{2 * _P256_COORDINATE_SIZE}"
                    )
                r = int.from_bytes(raw[:_P256_COORDINATE_SIZE], "big")
                s = int.from_bytes(raw[_P256_COORDINATE_SIZE:], "big")
                self._key.verify(encode_dss_signature(r, s), payload, _ECDSA_SHA256)
        except InvalidSignature:
            raise TabletSignatureError(f"{self.alg} signature does not verify") from None


def _sodium_verify(public_key: bytes, signature: bytes, payload: bytes) -> None:
    """libsodium's ``crypto_sign_open`` (PyNaCl's binding): the signature, then the message."""
    try:
        crypto_sign_open(signature + payload, public_key)
    except BadSignatureError:
        raise InvalidSignature() from None


def verify_tablet_signature(alg: str, public_key: str, body: Mapping[str, Any], sig: str) -> None:
    """Check a tablet's signature ``sig`` over ``body`` with the device key ``public_key``.

    Raises :class:`TabletSignatureError` with the reason: a malformed key or signature, or a
    signature that does not verify.
    """
    DeviceKey.parse(alg, public_key).verify(body, sig)


def sign_tablet_body(
    private_key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey, body: Mapping[str, Any]
) -> str:
    """Sign ``body`` as a tablet does and return the base64 signature.

    For tablet simulators and tests. P-256 signatures are deterministic (RFC 6979) and returned
    as raw ``r || s``, as WebCrypto returns them.
    """
    payload = signing_payload(body)
    if isinstance(private_key, Ed25519PrivateKey):
        raw = private_key.sign(payload)
    else:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("device keys on curves other than P-256 are not supported")
        der = private_key.sign(payload, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        raw = r.to_bytes(_P256_COORDINATE_SIZE, "big") + s.to_bytes(_P256_COORDINATE_SIZE, "big")
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise TabletSignatureError(f"{what} is not valid base64") from None
