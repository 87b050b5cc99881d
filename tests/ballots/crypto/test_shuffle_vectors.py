"""The known-answer shuffles of vectors/shuffle.json are reproduced byte for byte."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.chain import ChainKey, verify_chain
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_from_json
from tests.ballots.crypto.shuffle_fixtures import decrypted_multiset, plaintext_multiset
from tests.ballots.crypto.shuffle_known_answers import VECTORS, render


def stored() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return result


def point(text: str) -> Point:
    return Point.decode(base64.urlsafe_b64decode(text + "="), "vector", allow_identity=True)


def test_the_code_still_writes_the_stored_file_byte_for_byte() -> None:
    assert render() == VECTORS.read_text(encoding="utf-8")


def test_the_stored_chain_decodes_verifies_and_decrypts_to_the_stored_names() -> None:
    data = stored()
    key = ChainKey(
        Scalar.decode(bytes.fromhex(data["key_id"]), "key_id"),
        Scalar.decode(bytes.fromhex(data["poll_context"]), "poll_context"),
        Point.decode(bytes.fromhex(data["public_key"]), "public_key"),
    )
    inputs: list[Vector] = [
        tuple(Ciphertext(point(a), point(b)) for a, b in vector) for vector in data["inputs"]
    ]
    shuffles = [shuffle_from_json(obj, 3, 2) for obj in data["shuffles"]]
    assert [hashlib.sha256(shuffle_bytes(s)).hexdigest() for s in shuffles] == data[
        "shuffle_bytes_sha256"
    ]
    chain = verify_chain(inputs, shuffles, key)
    assert chain.stations == (1, 3)
    secret = Scalar.decode(bytes.fromhex(data["secret_key"]), "secret_key")
    plaintexts = [[point(p) for p in vector] for vector in data["plaintexts"]]
    assert decrypted_multiset(chain.outputs, secret) == plaintext_multiset(plaintexts)
