"""Each edit of vectors/shuffle-tampering.json, applied to the known-answer chain, is refused.

A case is a list of edits on the JSON of ``vectors/shuffle.json`` (``set`` a path to a value,
``copy`` one path onto another, ``swap`` two paths, ``delete`` a path) and the exact error code
and message that decoding and verifying the chain must give. Adding an attack means adding a case.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.chain import ChainKey, verify_chain
from ballots.crypto.shuffle.encoding import shuffle_from_json

VECTORS = Path(__file__).parent / "vectors"
CHAIN: dict[str, Any] = json.loads((VECTORS / "shuffle.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = json.loads(
    (VECTORS / "shuffle-tampering.json").read_text(encoding="utf-8")
)


def _parent(obj: Any, path: list[Any]) -> tuple[Any, Any]:
    for step in path[:-1]:
        obj = obj[step]
    return obj, path[-1]


def apply(obj: dict[str, Any], edits: list[list[Any]]) -> dict[str, Any]:
    """A deep copy of ``obj`` with ``edits`` applied in order."""
    result = copy.deepcopy(obj)
    for op, *args in edits:
        if op == "set":
            parent, key = _parent(result, args[0])
            parent[key] = args[1]
        elif op == "copy":
            source, key = _parent(result, args[0])
            target, place = _parent(result, args[1])
            target[place] = copy.deepcopy(source[key])
        elif op == "swap":
            first, i = _parent(result, args[0])
            second, j = _parent(result, args[1])
            first[i], second[j] = second[j], first[i]
        elif op == "delete":
            parent, key = _parent(result, args[0])
            del parent[key]
        else:
            raise ValueError(f"unknown edit {op!r}")
    return result


def decode_and_verify(obj: dict[str, Any]) -> None:
    """What a station does with the board: decode the chain and verify it."""
    key = ChainKey(
        Scalar.decode(bytes.fromhex(obj["key_id"]), "key_id"),
        Scalar.decode(bytes.fromhex(obj["poll_context"]), "poll_context"),
        Point.decode(bytes.fromhex(obj["public_key"]), "public_key"),
    )

    def point(text: str, where: str, *, allow_identity: bool = False) -> Point:
        data = base64.urlsafe_b64decode(text + "=")
        return Point.decode(data, where, allow_identity=allow_identity)

    inputs = [
        tuple(
            Ciphertext(point(a, "inputs.a"), point(b, "inputs.b", allow_identity=True))
            for a, b in vector
        )
        for vector in obj["inputs"]
    ]
    count, width = len(inputs), len(inputs[0])
    shuffles = [
        shuffle_from_json(item, count, width, where=f"shuffles[{i}]")
        for i, item in enumerate(obj["shuffles"])
    ]
    verify_chain(inputs, shuffles, key)


def test_the_untouched_chain_verifies() -> None:
    decode_and_verify(CHAIN)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_a_tampered_chain_is_refused_with_its_exact_error(case: dict[str, Any]) -> None:
    with pytest.raises(CryptoError) as raised:
        decode_and_verify(apply(CHAIN, case["edits"]))
    assert (raised.value.code, str(raised.value)) == (case["code"], case["error"])
