"""Known-answer ballots from fixed randomness, as stored in ``vectors/*.json``.

``python -m tests.ballots.crypto.known_answers`` rewrites the files; the tests check that the
code still produces them byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ballots.crypto.ballot import BallotContext, make_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_to_json, tracking_code
from ballots.crypto.group import Point
from ballots.crypto.hashing import key_id, poll_context
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import BallotShape, Choice

VECTORS = Path(__file__).parent / "vectors"

SEED = b"congress-vote known answers"
ORIGIN = "https://congress.example"
TRANSCRIPT = b"key ceremony transcript"
DEPUTY = "d-17"
DEVICE_KEY = bytes(range(32))

CASES: dict[str, tuple[str, BallotShape, Choice, dict[str, Any]]] = {
    "motion": (
        "poll-motion",
        BallotShape.motion(40),
        Choice.stances(["for"]),
        {"kind": "motion", "electorate": 40, "choice": "for"},
    ),
    "election-write-in": (
        "poll-election",
        BallotShape.election(3, 2, write_ins=True),
        Choice.stances(["for", "against", "abstain"], ["王小明"]),
        {
            "kind": "election",
            "candidates": 3,
            "seats": 2,
            "write_ins": True,
            "choice": ["for", "against", "abstain"],
            "write_in_names": ["王小明"],
        },
    ),
}


def poll_definition(poll_id: str, description: dict[str, Any]) -> bytes:
    """The canonical JSON bytes standing for the poll definition in the known answers (with
    the electorate that fixes a motion's packing base B)."""
    obj = {"id": poll_id, "kind": description["kind"]}
    if "electorate" in description:
        obj["electorate"] = description["electorate"]
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def build(name: str) -> dict[str, Any]:
    """The known-answer document of case ``name``, recomputed from its fixed inputs."""
    poll_id, shape, choice, description = CASES[name]
    random = DeterministicRandom(SEED + b"/" + name.encode())
    secret = random.scalar()
    key = Point.base_mul(secret)
    kid = key_id(TRANSCRIPT)
    definition = poll_definition(poll_id, description)
    poll = poll_context(
        origin=ORIGIN, poll_id=poll_id, poll_definition=definition, key=kid, public_key=key
    )
    context = BallotContext(poll=poll, deputy_id=DEPUTY, device_key=DEVICE_KEY, key=key)
    ballot = make_ballot(shape, choice, context=context, random=random)
    data = ballot_bytes(ballot)
    return {
        "case": name,
        "inputs": {
            "seed": (SEED + b"/" + name.encode()).decode(),
            "origin": ORIGIN,
            "poll_id": poll_id,
            "poll_definition": definition.decode(),
            "key_transcript": TRANSCRIPT.decode(),
            "deputy_id": DEPUTY,
            "device_key": DEVICE_KEY.hex(),
            "ballot": description,
        },
        "secret_key": secret.encode().hex(),
        "public_key": key.encode().hex(),
        "key_id": kid.encode().hex(),
        "poll_ctx": poll.encode().hex(),
        "ballot_ctx": context.of(ballot.ciphertexts).encode().hex(),
        "ballot_bytes_length": len(data),
        "ballot_bytes_sha256": hashlib.sha256(data).hexdigest(),
        "tracking_code": tracking_code(ballot),
        "ballot": ballot_to_json(ballot),
    }


def write_all() -> None:
    """Rewrite every vector file from the code."""
    for name in CASES:
        text = json.dumps(build(name), ensure_ascii=False, indent=1) + "\n"
        (VECTORS / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_all()
