"""Ballot bytes, ballot JSON and the tracking code (``docs/ballot-crypto.md`` §8).

Ballot bytes: every ciphertext ``a ‖ b`` in layout order, then every proof's challenges and
responses (:meth:`Proof.scalars`) in plan order — 32 bytes each, so the length depends on the
shape only. Ballot JSON: the same values, each as unpadded base64url of its 32 bytes::

    {"ciphertexts": [[a, b], …], "proofs": [{"challenges": [c, …], "responses": [[s, …], …]}, …]}

Decoding is strict: exact counts, canonical base64url, strict points (the identity is refused
as a first component) and scalars below ℓ; errors name the JSON path of the bad value.
The tracking code is the first 10 bytes of SHA-256 of the ballot bytes in RFC 4648 base32,
shown as four groups of four characters (``ABCD-EFGH-IJKL-MNOP``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Any, Final

from ballots.crypto.ballot import EncryptedBallot
from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.errors import EncodingError, LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.proofs import Proof
from ballots.crypto.shape import BallotShape
from ballots.crypto.statements import Membership, plan

__all__ = [
    "TRACKING_BYTES",
    "ballot_bytes",
    "ballot_from_bytes",
    "ballot_from_json",
    "ballot_to_json",
    "proof_sizes",
    "tracking_code",
]

#: Bytes of SHA-256 kept in a tracking code (80 bits, 16 base32 characters).
TRACKING_BYTES: Final = 10
_SIZE: Final = 32


def proof_sizes(shape: BallotShape) -> list[list[int]]:
    """Per proof, per branch, the number of responses (the shape alone fixes it)."""
    return [
        [1] * len(s.values) if isinstance(s, Membership) else [1 + len(s.names)] * 2
        for s in plan(shape)
    ]


def ballot_bytes(ballot: EncryptedBallot) -> bytes:
    """The ballot bytes: ciphertexts ``a ‖ b`` in layout order, then every proof's scalars."""
    parts = [ciphertext.encode() for ciphertext in ballot.ciphertexts]
    parts += [scalar.encode() for proof in ballot.proofs for scalar in proof.scalars()]
    return b"".join(parts)


def tracking_code(ballot: EncryptedBallot) -> str:
    """``XXXX-XXXX-XXXX-XXXX``: base32 of the first 10 bytes of SHA-256 of the ballot bytes."""
    digest = hashlib.sha256(ballot_bytes(ballot)).digest()[:TRACKING_BYTES]
    text = base64.b32encode(digest).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def ballot_to_json(ballot: EncryptedBallot) -> dict[str, Any]:
    """The JSON object of a ballot (base64url of each 32-byte value)."""
    return {
        "ciphertexts": [[_b64(c.a.encode()), _b64(c.b.encode())] for c in ballot.ciphertexts],
        "proofs": [
            {
                "challenges": [_b64(c.encode()) for c in proof.challenges],
                "responses": [[_b64(s.encode()) for s in branch] for branch in proof.responses],
            }
            for proof in ballot.proofs
        ],
    }


def _unb64(value: object, where: str) -> bytes:
    if not isinstance(value, str) or len(value) != 43:
        raise EncodingError(where, "expected 43 characters of base64url (32 bytes)")
    try:
        data = base64.urlsafe_b64decode(value + "=")
    except (binascii.Error, ValueError):
        raise EncodingError(where, "not base64url") from None
    if _b64(data) != value:
        raise EncodingError(where, "not canonical base64url")
    return data


def _list(value: object, count: int, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise LayoutError(where, "expected a list")
    if len(value) != count:
        raise LayoutError(where, f"{len(value)} items, not {count}")
    return value


def ballot_from_json(shape: BallotShape, obj: object, *, where: str = "ballot") -> EncryptedBallot:
    """Strictly decode a ballot of ``shape`` from its JSON object."""
    if not isinstance(obj, dict) or set(obj) != {"ciphertexts", "proofs"}:
        raise LayoutError(where, 'expected an object with "ciphertexts" and "proofs" only')
    ciphertexts: list[Ciphertext] = []
    items = _list(obj["ciphertexts"], shape.ciphertext_count, f"{where}.ciphertexts")
    for i, pair in enumerate(items):
        path = f"{where}.ciphertexts[{i}]"
        a, b = _list(pair, 2, path)
        ciphertexts.append(_ciphertext(_unb64(a, path + ".a"), _unb64(b, path + ".b"), path))
    sizes = proof_sizes(shape)
    proofs: list[Proof] = []
    for i, (item, size) in enumerate(
        zip(_list(obj["proofs"], len(sizes), f"{where}.proofs"), sizes, strict=True)
    ):
        path = f"{where}.proofs[{i}]"
        if not isinstance(item, dict) or set(item) != {"challenges", "responses"}:
            raise LayoutError(path, 'expected an object with "challenges" and "responses" only')
        challenges = _list(item["challenges"], len(size), f"{path}.challenges")
        responses = _list(item["responses"], len(size), f"{path}.responses")
        proofs.append(
            Proof(
                tuple(
                    _scalar(_unb64(c, f"{path}.challenges[{j}]"), f"{path}.challenges[{j}]")
                    for j, c in enumerate(challenges)
                ),
                tuple(
                    tuple(
                        _scalar(
                            _unb64(s, f"{path}.responses[{j}][{k}]"), f"{path}.responses[{j}][{k}]"
                        )
                        for k, s in enumerate(_list(branch, n, f"{path}.responses[{j}]"))
                    )
                    for j, (branch, n) in enumerate(zip(responses, size, strict=True))
                ),
            )
        )
    return EncryptedBallot(tuple(ciphertexts), tuple(proofs))


def _ciphertext(a: bytes, b: bytes, where: str) -> Ciphertext:
    return Ciphertext(
        Point.decode(a, f"{where}.a"), Point.decode(b, f"{where}.b", allow_identity=True)
    )


def _scalar(data: bytes, where: str) -> Scalar:
    return Scalar.decode(data, where)


def ballot_from_bytes(shape: BallotShape, data: bytes, *, where: str = "ballot") -> EncryptedBallot:
    """Strictly decode ballot bytes of ``shape``; errors name the value as in the JSON form."""
    sizes = proof_sizes(shape)
    expected = 2 * shape.ciphertext_count + sum(len(s) + sum(s) for s in sizes)
    if len(data) != expected * _SIZE:
        raise LayoutError(where, f"{len(data)} bytes, not {expected * _SIZE}")
    values = [data[i : i + _SIZE] for i in range(0, len(data), _SIZE)]
    ciphertexts = tuple(
        _ciphertext(values[2 * i], values[2 * i + 1], f"{where}.ciphertexts[{i}]")
        for i in range(shape.ciphertext_count)
    )
    cursor = 2 * shape.ciphertext_count
    proofs: list[Proof] = []
    for i, size in enumerate(sizes):
        path = f"{where}.proofs[{i}]"
        challenges = _scalars(values[cursor : cursor + len(size)], f"{path}.challenges")
        cursor += len(size)
        responses: list[tuple[Scalar, ...]] = []
        for j, n in enumerate(size):
            responses.append(_scalars(values[cursor : cursor + n], f"{path}.responses[{j}]"))
            cursor += n
        proofs.append(Proof(challenges, tuple(responses)))
    return EncryptedBallot(ciphertexts, tuple(proofs))


def _scalars(values: Sequence[bytes], where: str) -> tuple[Scalar, ...]:
    return tuple(_scalar(value, f"{where}[{k}]") for k, value in enumerate(values))
