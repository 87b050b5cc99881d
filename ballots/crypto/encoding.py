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


def _unb64(value: object, where: str, role: str | None = None) -> bytes:
    if not isinstance(value, str) or len(value) != 43:
        raise EncodingError(where, "expected 43 characters of base64url (32 bytes)", role=role)
    try:
        data = base64.urlsafe_b64decode(value + "=")
    except (binascii.Error, ValueError):
        raise EncodingError(where, "not base64url", role=role) from None
    if _b64(data) != value:
        raise EncodingError(where, "not canonical base64url", role=role)
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
        role = shape.role(i)
        pair = (_unb64(a, path + ".a", role), _unb64(b, path + ".b", role))
        ciphertexts.append(_ciphertext(*pair, path, role))
    sizes = proof_sizes(shape)
    labels = [statement.label for statement in plan(shape)]
    items = _list(obj["proofs"], len(sizes), f"{where}.proofs")
    proofs = [
        _proof_from_json(item, size, f"{where}.proofs[{i}]", label)
        for i, (item, size, label) in enumerate(zip(items, sizes, labels, strict=True))
    ]
    return EncryptedBallot(tuple(ciphertexts), tuple(proofs))


def _proof_from_json(item: object, size: list[int], path: str, role: str) -> Proof:
    if not isinstance(item, dict) or set(item) != {"challenges", "responses"}:
        raise LayoutError(path, 'expected an object with "challenges" and "responses" only')
    challenges: list[Scalar] = []
    for j, text in enumerate(_list(item["challenges"], len(size), f"{path}.challenges")):
        value = f"{path}.challenges[{j}]"
        challenges.append(_scalar(_unb64(text, value, role), value, role))
    responses: list[tuple[Scalar, ...]] = []
    branches = _list(item["responses"], len(size), f"{path}.responses")
    for j, (branch, count) in enumerate(zip(branches, size, strict=True)):
        texts = _list(branch, count, f"{path}.responses[{j}]")
        values = [f"{path}.responses[{j}][{k}]" for k in range(count)]
        responses.append(
            tuple(
                _scalar(_unb64(text, value, role), value, role)
                for text, value in zip(texts, values, strict=True)
            )
        )
    return Proof(tuple(challenges), tuple(responses))


def _ciphertext(a: bytes, b: bytes, where: str, role: str) -> Ciphertext:
    try:
        return Ciphertext(
            Point.decode(a, f"{where}.a"), Point.decode(b, f"{where}.b", allow_identity=True)
        )
    except EncodingError as error:
        raise type(error)(error.where, error.problem, role=role) from None


def _scalar(data: bytes, where: str, role: str | None = None) -> Scalar:
    try:
        return Scalar.decode(data, where)
    except EncodingError as error:
        raise type(error)(error.where, error.problem, role=role) from None


def ballot_from_bytes(shape: BallotShape, data: bytes, *, where: str = "ballot") -> EncryptedBallot:
    """Strictly decode ballot bytes of ``shape``; errors name the value as in the JSON form."""
    sizes = proof_sizes(shape)
    expected = 2 * shape.ciphertext_count + sum(len(s) + sum(s) for s in sizes)
    if len(data) != expected * _SIZE:
        raise LayoutError(where, f"{len(data)} bytes, not {expected * _SIZE}")
    values = [data[i : i + _SIZE] for i in range(0, len(data), _SIZE)]
    ciphertexts = tuple(
        _ciphertext(values[2 * i], values[2 * i + 1], f"{where}.ciphertexts[{i}]", shape.role(i))
        for i in range(shape.ciphertext_count)
    )
    cursor = 2 * shape.ciphertext_count
    proofs: list[Proof] = []
    for i, (size, statement) in enumerate(zip(sizes, plan(shape), strict=True)):
        path, role = f"{where}.proofs[{i}]", statement.label
        challenges = _scalars(values[cursor : cursor + len(size)], f"{path}.challenges", role)
        cursor += len(size)
        responses: list[tuple[Scalar, ...]] = []
        for j, n in enumerate(size):
            part = values[cursor : cursor + n]
            responses.append(_scalars(part, f"{path}.responses[{j}]", role))
            cursor += n
        proofs.append(Proof(challenges, tuple(responses)))
    return EncryptedBallot(ciphertexts, tuple(proofs))


def _scalars(values: Sequence[bytes], where: str, role: str) -> tuple[Scalar, ...]:
    return tuple(_scalar(value, f"{where}[{k}]", role) for k, value in enumerate(values))
