"""A tablet's side of the protocol, sans I/O: its key, its counter, and the messages it sends.

The browser page does exactly this in JavaScript with WebCrypto; the tablet simulator and the
tests use this class, so that they speak to the server exactly as a real tablet does.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.cosign import cosign, tablet_cosigner
from audit.tablet import sign_tablet_body
from ballots.crypto.ballot import BallotContext, make_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_to_json, tracking_code
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource, SystemRandom
from ballots.crypto.shape import BallotShape, Choice


@dataclass
class EncryptedVote:
    """What a tablet keeps of an encrypted ballot: its tracking code and SHA-256, and the
    server's signed acknowledgement once it arrives."""

    poll: str
    tracking_code: str
    ballot_hash: str
    acknowledgement: dict[str, Any] | None = None


def ballot_shape(encryption: dict[str, Any]) -> BallotShape:
    """The ballot shape of a poll push's ``encryption`` object."""
    return BallotShape(**encryption["shape"])


@dataclass
class Tablet:
    """One paired tablet of one deputy in one meeting."""

    origin: str
    device: str
    deputy: str = ""
    key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey = field(
        default_factory=Ed25519PrivateKey.generate
    )
    counter: int = 0
    encrypted: dict[str, EncryptedVote] = field(default_factory=dict)

    @property
    def alg(self) -> str:
        return "ed25519" if isinstance(self.key, Ed25519PrivateKey) else "p256"

    @property
    def public_key(self) -> str:
        """Base64: the raw 32-byte key for Ed25519, the SubjectPublicKeyInfo DER for P-256."""
        public = self.key.public_key()
        if isinstance(self.key, Ed25519PrivateKey):
            raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        else:
            raw = public.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        return base64.b64encode(raw).decode()

    def pair_request(self, code: str) -> dict[str, Any]:
        return {"code": code, "device": self.device, "alg": self.alg, "public_key": self.public_key}

    def hello(self, nonce: str, seq: int | None = None) -> dict[str, Any]:
        """The answer to the server's ``challenge``: this device's signature over the hello body
        binding the meeting's origin, the device and ``nonce``."""
        body = {"type": "hello", "origin": self.origin, "device": self.device, "nonce": nonce}
        message: dict[str, Any] = {
            "type": "hello",
            "device": self.device,
            "sig": sign_tablet_body(self.key, body),
        }
        if seq is not None:
            message["seq"] = seq
        return message

    def _signed(self, kind: str, /, **fields: Any) -> tuple[dict[str, Any], str]:
        self.counter += 1
        body = {
            "type": kind,
            "origin": self.origin,
            "deputy": self.deputy,
            "device": self.device,
            "n": self.counter,
            **fields,
        }
        return body, sign_tablet_body(self.key, body)

    def sign_in(self, ref: str | None = None) -> dict[str, Any]:
        body, sig = self._signed("sign_in")
        return {"id": ref, "type": "sign_in", "body": body, "sig": sig}

    def speak_request(self, ref: str | None = None) -> dict[str, Any]:
        """申请发言: ask for the floor."""
        body, sig = self._signed("speak_request")
        return {"id": ref, "type": "speak_request", "body": body, "sig": sig}

    def speak_withdraw(self, ref: str | None = None) -> dict[str, Any]:
        """撤回申请: withdraw the request to speak."""
        body, sig = self._signed("speak_withdraw")
        return {"id": ref, "type": "speak_withdraw", "body": body, "sig": sig}

    def named_vote(self, poll: str, choice: Any, ref: str | None = None) -> dict[str, Any]:
        body, sig = self._signed("vote", poll=poll, choice=choice)
        return {"id": ref, "type": "vote", "body": body, "sig": sig}

    def proposal_message(self, message_type: str, /, **fields: Any) -> dict[str, Any]:
        """A signed proposal message (``proposal_draft``, ``proposal_sign``,
        ``proposal_submit``, ``suggestion_rate``) with the body's own ``fields``."""
        body, sig = self._signed(message_type, **fields)
        return {"id": None, "type": message_type, "body": body, "sig": sig}

    def checkpoint_cosign(
        self, checkpoint_text: str, size: int, previous: int | None, timestamp: int
    ) -> dict[str, Any]:
        """Cosign a checkpoint this tablet verified (C2SP ``cosignature/v1``, Ed25519 keys
        only) and wrap the line in a signed ``checkpoint_cosign`` body."""
        if not isinstance(self.key, Ed25519PrivateKey):
            raise ValueError("cosignature/v1 needs an Ed25519 device key")
        name = tablet_cosigner(self.origin, self.device)
        line = cosign(self.key, name, checkpoint_text, timestamp).line()
        body, sig = self._signed(
            "checkpoint_cosign", size=size, previous=previous, cosignature=line
        )
        return {"id": None, "type": "checkpoint_cosign", "body": body, "sig": sig}

    def split_view_alarm(self, trusted: str, shown: str) -> dict[str, Any]:
        """日志不一致: report the checkpoint note it had verified and the inconsistent one."""
        body, sig = self._signed("split_view_alarm", trusted=trusted, shown=shown)
        return {"id": None, "type": "split_view_alarm", "body": body, "sig": sig}

    def encrypted_ballot(
        self,
        poll: str,
        encryption: dict[str, Any],
        choice: Choice,
        ref: str | None = None,
        *,
        random: RandomSource | None = None,
    ) -> dict[str, Any]:
        """Encrypt and prove ``choice`` with the poll push's ``encryption`` object (shape, poll
        context, key), and sign poll, deputy, device, counter and the ballot's SHA-256."""
        context = BallotContext(
            poll=Scalar.decode(bytes.fromhex(encryption["poll_context"]), "poll_context"),
            deputy_id=self.deputy,
            device_key=base64.b64decode(self.public_key),
            key=Point.decode(bytes.fromhex(encryption["key"]), "key"),
        )
        ballot = make_ballot(
            ballot_shape(encryption),
            choice,
            context=context,
            random=random if random is not None else SystemRandom(),
        )
        digest = hashlib.sha256(ballot_bytes(ballot)).hexdigest()
        self.encrypted[poll] = EncryptedVote(poll, tracking_code(ballot), digest)
        body, sig = self._signed("encrypted_ballot", poll=poll, ballot_hash=digest)
        return {
            "id": ref,
            "type": "encrypted_ballot",
            "body": body,
            "sig": sig,
            "ballot": ballot_to_json(ballot),
        }
