"""docs/ballot-crypto.md §12: the known answers printed are the code's, and the signed ballot
body, its signature, the acknowledgement, the aggregate hash and the shares' context follow
from the section's text alone — recomputed here with ``json``, ``hashlib``, ``cryptography``
and libsodium (through ``independent.py``), never with the project's functions."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.ballots.crypto import independent as ind
from tests.ballots.crypto.log_known_answers import aggregate_ballots, computed

DOC = Path(__file__).parents[3] / "docs" / "ballot-crypto.md"
VECTORS = Path(__file__).parent / "vectors"


def printed() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### 12.6 Known answers", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None, "§12.6 has a text block of known answers"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    return dict(line.split(" = ", 1) for line in lines)  # type: ignore[misc]


def vector(name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    return found


def ballot_bytes(ballot: dict[str, Any]) -> bytes:
    """§8: every ciphertext a ‖ b in layout order, then each proof's challenges and responses."""
    data = b"".join(ind.b64(a) + ind.b64(b) for a, b in ballot["ciphertexts"])
    for proof in ballot["proofs"]:
        data += b"".join(ind.b64(c) for c in proof["challenges"])
        data += b"".join(ind.b64(s) for branch in proof["responses"] for s in branch)
    return data


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_every_known_answer_of_the_log_section_is_the_codes() -> None:
    assert printed() == computed()


def test_the_signed_body_and_its_signature_follow_from_the_text() -> None:
    """§12.1: "congress-vote/v1\\n" ‖ canonical JSON of the seven keys, signed with Ed25519."""
    doc = printed()
    motion = vector("motion")
    digest = hashlib.sha256(ballot_bytes(motion["ballot"])).hexdigest()
    body = {
        "type": "encrypted_ballot",
        "origin": motion["inputs"]["origin"],
        "deputy": motion["inputs"]["deputy_id"],
        "device": "tab-17",
        "n": 5,
        "poll": motion["inputs"]["poll_id"],
        "ballot_hash": digest,
    }
    assert canonical(body).decode() == doc["signed body"]
    payload = b"congress-vote/v1\n" + canonical(body)
    assert hashlib.sha256(payload).hexdigest() == doc["signed payload sha256"]
    device = Ed25519PrivateKey.from_private_bytes(bytes(range(0x20, 0x40)))
    assert base64.b64encode(device.sign(payload)).decode() == doc["signed body signature"]
    public = base64.b64decode(doc["device public key"])
    assert public == device.public_key().public_bytes_raw()


def test_the_acknowledgement_signs_the_raw_digest_with_the_log_key() -> None:
    """§12.2: the log key's Ed25519 signature over the 32 bytes of SHA-256 of the ballot."""
    doc = printed()
    digest = hashlib.sha256(ballot_bytes(vector("motion")["ballot"])).digest()
    assert base64.b64encode(digest).decode() == doc["ack ballot_hash"]
    log = Ed25519PrivateKey.from_private_bytes(bytes(range(0x40, 0x60)))
    assert log.public_key().public_bytes_raw().hex() == doc["log public key"]
    assert base64.b64encode(log.sign(digest)).decode() == doc["ack signature"]


def summed(ballots: list[dict[str, Any]], positions: list[int]) -> bytes:
    a, b = ind.ZERO, ind.ZERO
    for ballot in ballots:
        for position in positions:
            pair = ballot["ciphertexts"][position]
            a, b = ind.add(a, ind.b64(pair[0])), ind.add(b, ind.b64(pair[1]))
    return a + b


def test_the_aggregate_hash_and_the_shares_context_follow_from_the_text() -> None:
    """§12.3, §12.4: election, 3 candidates, 2 seats, k = 2 — marks at 0..5, U at 6 and 9."""
    doc = printed()
    ballots = aggregate_ballots()
    sums = [summed(ballots, [i]) for i in range(6)]
    write_in_sum = summed(ballots, [6, 9])
    assert (sums[0].hex(), sums[5].hex()) == (doc["aggregate sums[0]"], doc["aggregate sums[5]"])
    assert write_in_sum.hex() == doc["aggregate write_in_sum"]
    aggregate = hashlib.sha256(b"".join(sums) + write_in_sum).hexdigest()
    assert aggregate == doc["aggregate hash"]

    election = vector("election-write-in")
    checkpoint = "congress.example/kat\n9\n" + base64.b64encode(bytes(32)).decode() + "\n"
    context = ind.framed(
        b"cv1/thr/decrypt",
        bytes.fromhex(election["key_id"]),
        election["inputs"]["poll_id"].encode(),
        checkpoint.encode(),
        bytes.fromhex(aggregate),
    )
    assert ind.sc(context).hex() == doc["aggregate decrypt_ctx"]

    # The sums decrypt to the totals the section states: 1, 1, 1, 1, 0, 0 and ΣU = 2.
    secret = int.from_bytes(bytes.fromhex(election["secret_key"]), "little")
    values = []
    for pair in [*sums, write_in_sum]:
        point = ind.sub(pair[32:], ind.mul(secret, pair[:32]))
        values.append(next(m for m in range(5) if ind.base(m) == point))
    assert values == [1, 1, 1, 1, 0, 0, 2]
