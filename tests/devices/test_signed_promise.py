"""What a tablet checks of the acknowledgement of its encrypted ballot: the log key's signature
over the ballot's SHA-256, with the hash and tracking code the tablet kept."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.note import NoteSigner, NoteVerifier
from devices.simulator import SimulationError, check_signed_promise
from devices.tablet import EncryptedVote

LOG = NoteSigner("xinzhou.congress.local/2026-3", Ed25519PrivateKey.from_private_bytes(bytes(32)))
OTHER = NoteSigner("xinzhou.congress.local/2026-3", Ed25519PrivateKey.generate())
DIGEST = hashlib.sha256(b"the ballot's bytes").digest()
CODE = "RSKA-6GQO-UZMV-QH5M"


def acknowledged(signer: NoteSigner = LOG, **changes: Any) -> EncryptedVote:
    ack = {
        "type": "ballot_ack",
        "poll": "p3",
        "tracking_code": CODE,
        "ballot_hash": base64.b64encode(DIGEST).decode(),
        "signature": base64.b64encode(signer.sign_bytes(DIGEST)).decode(),
        **changes,
    }
    return EncryptedVote("p3", CODE, DIGEST.hex(), acknowledgement=ack)


def test_the_log_keys_signature_over_the_kept_hash_is_the_promise() -> None:
    check_signed_promise(acknowledged(), NoteVerifier.from_vkey(LOG.vkey()))


@pytest.mark.parametrize(
    ("vote", "problem"),
    [
        (EncryptedVote("p3", CODE, DIGEST.hex()), "poll p3: no acknowledgement kept"),
        (
            acknowledged(ballot_hash=base64.b64encode(bytes(32)).decode()),
            "poll p3: the acknowledged ballot hash differs",
        ),
        (
            acknowledged(tracking_code="AAAA-AAAA-AAAA-AAAA"),
            "poll p3: the acknowledged tracking code differs",
        ),
        (acknowledged(signature="not base64!"), "poll p3: the acknowledgement is not base64"),
        (
            acknowledged(OTHER),
            "poll p3: acknowledgement: signature does not verify under key "
            + "+".join(LOG.vkey().split("+")[:2]),
        ),
    ],
    ids=["none kept", "another hash", "another tracking code", "not base64", "another key"],
)
def test_an_acknowledgement_that_is_no_promise_is_refused(
    vote: EncryptedVote, problem: str
) -> None:
    with pytest.raises(SimulationError) as caught:
        check_signed_promise(vote, NoteVerifier.from_vkey(LOG.vkey()))
    assert str(caught.value) == problem
