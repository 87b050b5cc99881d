"""Tampered ceremony messages, one named case per entry of ``vectors/threshold_tampering.json``.

Each case changes the known-answer ceremony's message ``message`` (its index in posting order):
XOR ``xor`` into byte ``offset``, or cut it to ``truncate`` bytes. The message is decoded
strictly and, if it decodes, the whole ceremony is replayed with it. The case states the
outcome: a decoding ``error`` (code and where) or the ``faults`` recorded, each
``[scrutineer, code]``. Adding an attack means adding an entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballots.crypto.errors import CryptoError
from ballots.crypto.threshold.ceremony import Ceremony, CeremonyMessage
from ballots.crypto.threshold.decryption import DecryptionShare
from ballots.crypto.threshold.messages import Acceptance, Announcement, VerificationKey
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.transport import SealedShare

VECTORS = Path(__file__).parent / "vectors"
KNOWN = json.loads((VECTORS / "threshold_2_of_3.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = json.loads(
    (VECTORS / "threshold_tampering.json").read_text(encoding="utf-8")
)

# Posting order of the 2-of-3 known answers: 3 announcements, 6 sealed shares, 3 acceptances,
# 3 verification keys, 2 test decryption shares.
KINDS = [Announcement] * 3 + [SealedShare] * 6 + [Acceptance] * 3 + [VerificationKey] * 3
KINDS += [DecryptionShare] * 2


def decode(index: int, data: bytes) -> CeremonyMessage:
    kind: Any = KINDS[index]
    message: CeremonyMessage = kind.decode(data, f"messages[{index}]")
    return message


def outcome(case: dict[str, Any]) -> dict[str, Any]:
    index = case["message"]
    data = bytearray.fromhex(KNOWN["messages"][index])
    if "truncate" in case:
        data = data[: case["truncate"]]
    else:
        data[case["offset"]] ^= case["xor"]
    try:
        tampered = decode(index, bytes(data))
    except CryptoError as error:
        return {"error": [error.code, error.where]}
    params = CeremonyParams(KNOWN["origin"], KNOWN["ceremony_id"], t=KNOWN["t"], n=KNOWN["n"])
    ceremony = Ceremony(params)
    for position, encoded in enumerate(KNOWN["messages"]):
        message = tampered if position == index else decode(position, bytes.fromhex(encoded))
        if ceremony.status().faults:
            break
        ceremony.receive(message)
    return {"faults": [[f.scrutineer, f.code] for f in ceremony.status().faults]}


def test_the_untampered_known_answers_complete_without_fault() -> None:
    params = CeremonyParams(KNOWN["origin"], KNOWN["ceremony_id"], t=2, n=3)
    ceremony = Ceremony(params)
    for position, encoded in enumerate(KNOWN["messages"]):
        ceremony.receive(decode(position, bytes.fromhex(encoded)))
    assert ceremony.status().complete
    assert ceremony.joint_key().key_id.encode().hex() == KNOWN["key_id"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_a_tampered_message_has_its_stated_outcome(case: dict[str, Any]) -> None:
    assert outcome(case) == case["expect"]


if __name__ == "__main__":
    for case in CASES:
        print(case["name"], outcome(case))
