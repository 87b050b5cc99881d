"""Known answers for what the log carries around encrypted ballots (``docs/ballot-crypto.md``
§12): the body a tablet signs, the server's acknowledgement, the ``aggregate`` of two ballots
and the context that binds decryption shares to a checkpoint.

Everything follows from fixed inputs: the ballots are those of ``known_answers.build`` (the
election case) plus a second ballot of the same poll; the Ed25519 keys are made from fixed
32-byte seeds, whose signatures are deterministic.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.canonical import canonical_bytes
from audit.encrypted import aggregate_hash
from audit.tablet import signing_payload
from ballots.crypto.ballot import BallotContext, make_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json
from ballots.crypto.group import Point
from ballots.crypto.hashing import key_id, poll_context
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import Choice
from ballots.crypto.threshold.decryption import decryption_context
from tests.ballots.crypto.known_answers import (
    CASES,
    DEPUTY,
    ORIGIN,
    SEED,
    TRANSCRIPT,
    build,
    poll_definition,
)
from voting.core.encrypted_tally import aggregated

#: Seeds of the Ed25519 keys: the tablet's device key and the log key.
DEVICE_SEED: Final = bytes(range(0x20, 0x40))
LOG_SEED: Final = bytes(range(0x40, 0x60))
#: The second ballot of the aggregate: another deputy and device key, its own randomness.
SECOND_SEED: Final = SEED + b"/election-second"
SECOND_DEPUTY: Final = "d-18"
SECOND_DEVICE_KEY: Final = bytes(range(0x60, 0x80))
SECOND_CHOICE: Final = Choice.stances(["against", "for", "abstain"], ["李四"])
#: The checkpoint text the decryption shares of the aggregate are bound to (as an example).
CHECKPOINT: Final = "congress.example/kat\n9\n" + base64.b64encode(bytes(32)).decode() + "\n"


def signed_body() -> dict[str, Any]:
    """The ``encrypted_ballot`` body the tablet signs for the motion known-answer ballot."""
    return {
        "type": "encrypted_ballot",
        "origin": ORIGIN,
        "deputy": DEPUTY,
        "device": "tab-17",
        "n": 5,
        "poll": CASES["motion"][0],
        "ballot_hash": build("motion")["ballot_bytes_sha256"],
    }


def aggregate_ballots() -> list[dict[str, Any]]:
    """The ballot JSON of the two counted ballots of the election known answer, in log order."""
    first = build("election-write-in")
    poll_id, shape, _, description = CASES["election-write-in"]
    key = Point.decode(bytes.fromhex(first["public_key"]), "public_key")
    poll = poll_context(
        origin=ORIGIN,
        poll_id=poll_id,
        poll_definition=poll_definition(poll_id, description),
        key=key_id(TRANSCRIPT),
        public_key=key,
    )
    context = BallotContext(poll, SECOND_DEPUTY, SECOND_DEVICE_KEY, key)
    second = make_ballot(
        shape, SECOND_CHOICE, context=context, random=DeterministicRandom(SECOND_SEED)
    )
    return [first["ballot"], ballot_to_json(second)]


def _hex_pair(pair: Any) -> str:
    return str(pair.encode().hex())


def computed() -> dict[str, str]:
    """Every known answer of §12, by name."""
    device = Ed25519PrivateKey.from_private_bytes(DEVICE_SEED)
    log = Ed25519PrivateKey.from_private_bytes(LOG_SEED)
    body = signed_body()
    payload = signing_payload(body)
    shape = CASES["election-write-in"][1]
    motion = ballot_from_json(CASES["motion"][1], build("motion")["ballot"])
    digest = hashlib.sha256(ballot_bytes(motion)).digest()
    sums, write_in_sum = aggregated(shape, aggregate_ballots())
    assert write_in_sum is not None
    total_hash = aggregate_hash(sums, write_in_sum)
    context = decryption_context(
        key=key_id(TRANSCRIPT),
        poll_id=CASES["election-write-in"][0],
        checkpoint=CHECKPOINT.encode(),
        aggregate_hash=bytes.fromhex(total_hash),
    )
    raw = Encoding.Raw, PublicFormat.Raw
    return {
        "device public key": base64.b64encode(device.public_key().public_bytes(*raw)).decode(),
        "signed body": canonical_bytes(body).decode(),
        "signed payload sha256": hashlib.sha256(payload).hexdigest(),
        "signed body signature": base64.b64encode(device.sign(payload)).decode(),
        "log public key": log.public_key().public_bytes(*raw).hex(),
        "ack ballot_hash": base64.b64encode(digest).decode(),
        "ack signature": base64.b64encode(log.sign(digest)).decode(),
        "aggregate sums[0]": _hex_pair(sums[0]),
        "aggregate sums[5]": _hex_pair(sums[5]),
        "aggregate write_in_sum": _hex_pair(write_in_sum),
        "aggregate hash": total_hash,
        "aggregate decrypt_ctx": context.encode().hex(),
    }
