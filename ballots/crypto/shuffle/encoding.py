"""The bytes and the JSON form of a shuffle (``docs/ballot-crypto-shuffle.md`` §6).

Bytes, every value 32 bytes, for N vectors of width W (the verifier knows N and W from the
input list): ``u32be(station)``, the outputs (vector by vector, ``a ‖ b`` per ciphertext), then
the proof: c_0 … c_{N−1}, ĉ_0 … ĉ_{N−1}, t_1, t_2, t_3, t_4[0].a, t_4[0].b, …, t̂_0 … t̂_{N−1},
s_1, s_2, s_3, s_4[0 … W−1], ŝ_0 … ŝ_{N−1}, s'_0 … s'_{N−1} — 4 + 32·(2NW + 5N + 3W + 6) bytes.

JSON: the same values as unpadded base64url (43 characters each)::

    {"station": 1, "outputs": [[[a, b], …], …],
     "proof": {"permutation_commitments": […], "chain": […], "t1": …, "t2": …, "t3": …,
               "t4": [[a, b], …], "chain_commitments": […], "s1": …, "s2": …, "s3": …,
               "s4": […], "chain_responses": […], "permutation_responses": […]}}

Decoding is strict (exact keys and counts, canonical base64url, strict points — the identity
only as a second component — and scalars below ℓ); errors name the JSON path.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Final

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.errors import EncodingError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.errors import ShuffleLayoutError
from ballots.crypto.shuffle.mix import Shuffle
from ballots.crypto.shuffle.proof import ShuffleProof

__all__ = [
    "shuffle_bytes",
    "shuffle_from_bytes",
    "shuffle_from_json",
    "shuffle_size",
    "shuffle_to_json",
]

_SIZE: Final = 32
_POINT_LISTS: Final = ("permutation_commitments", "chain", "chain_commitments")
_SCALAR_LISTS: Final = ("chain_responses", "permutation_responses")
_PROOF_KEYS: Final = frozenset(
    {*_POINT_LISTS, *_SCALAR_LISTS, "t1", "t2", "t3", "t4", "s1", "s2", "s3", "s4"}
)


def shuffle_size(count: int, width: int) -> int:
    """The length of the bytes of a shuffle of ``count`` vectors of width ``width``."""
    return 4 + _SIZE * (2 * count * width + 5 * count + 3 * width + 6)


def _pair(c: Ciphertext) -> bytes:
    return c.a.encode() + c.b.encode()


def shuffle_bytes(mixed: Shuffle) -> bytes:
    """The bytes of a shuffle: station, outputs, then the proof's values in order."""
    p = mixed.proof
    parts = [mixed.station.to_bytes(4, "big")]
    parts += [_pair(c) for vector in mixed.outputs for c in vector]
    parts += [x.encode() for x in (*p.permutation_commitments, *p.chain, p.t1, p.t2, p.t3)]
    parts += [_pair(c) for c in p.t4]
    parts += [x.encode() for x in p.chain_commitments]
    parts += [x.encode() for x in (p.s1, p.s2, p.s3, *p.s4)]
    parts += [x.encode() for x in (*p.chain_responses, *p.permutation_responses)]
    return b"".join(parts)


class _Reader:
    """Reads 32-byte values in turn, naming each like its JSON path."""

    def __init__(self, data: bytes, where: str) -> None:
        self._data, self._cursor, self._where = data, 0, where

    def _take(self) -> bytes:
        value = self._data[self._cursor : self._cursor + _SIZE]
        self._cursor += _SIZE
        return value

    def point(self, name: str, *, allow_identity: bool = False) -> Point:
        return Point.decode(self._take(), f"{self._where}.{name}", allow_identity=allow_identity)

    def ciphertext(self, name: str) -> Ciphertext:
        return Ciphertext(self.point(f"{name}.a"), self.point(f"{name}.b", allow_identity=True))

    def scalar(self, name: str) -> Scalar:
        return Scalar.decode(self._take(), f"{self._where}.{name}")


def shuffle_from_bytes(data: bytes, count: int, width: int, *, where: str = "shuffle") -> Shuffle:
    """Strictly decode the bytes of a shuffle of ``count`` vectors of width ``width``."""
    if len(data) != shuffle_size(count, width):
        raise ShuffleLayoutError(where, f"{len(data)} bytes, not {shuffle_size(count, width)}")
    station = int.from_bytes(data[:4], "big")
    read = _Reader(data[4:], where)
    outputs = tuple(
        tuple(read.ciphertext(f"outputs[{k}][{w}]") for w in range(width)) for k in range(count)
    )
    proof = ShuffleProof(
        permutation_commitments=tuple(
            read.point(f"proof.permutation_commitments[{k}]") for k in range(count)
        ),
        chain=tuple(read.point(f"proof.chain[{k}]") for k in range(count)),
        t1=read.point("proof.t1"),
        t2=read.point("proof.t2"),
        t3=read.point("proof.t3"),
        t4=tuple(read.ciphertext(f"proof.t4[{w}]") for w in range(width)),
        chain_commitments=tuple(read.point(f"proof.chain_commitments[{k}]") for k in range(count)),
        s1=read.scalar("proof.s1"),
        s2=read.scalar("proof.s2"),
        s3=read.scalar("proof.s3"),
        s4=tuple(read.scalar(f"proof.s4[{w}]") for w in range(width)),
        chain_responses=tuple(read.scalar(f"proof.chain_responses[{k}]") for k in range(count)),
        permutation_responses=tuple(
            read.scalar(f"proof.permutation_responses[{k}]") for k in range(count)
        ),
    )
    return Shuffle(station, outputs, proof)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _pair_json(c: Ciphertext) -> list[str]:
    return [_b64(c.a.encode()), _b64(c.b.encode())]


def shuffle_to_json(mixed: Shuffle) -> dict[str, Any]:
    """The JSON object of a shuffle."""
    p = mixed.proof
    proof: dict[str, Any] = {
        name: [_b64(x.encode()) for x in getattr(p, name)] for name in _POINT_LISTS + _SCALAR_LISTS
    }
    proof |= {
        name: _b64(getattr(p, name).encode()) for name in ("t1", "t2", "t3", "s1", "s2", "s3")
    }
    proof["t4"] = [_pair_json(c) for c in p.t4]
    proof["s4"] = [_b64(s.encode()) for s in p.s4]
    return {
        "station": mixed.station,
        "outputs": [[_pair_json(c) for c in vector] for vector in mixed.outputs],
        "proof": proof,
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
        raise ShuffleLayoutError(where, "expected a list")
    if len(value) != count:
        raise ShuffleLayoutError(where, f"{len(value)} items, not {count}")
    return value


def _point(value: object, where: str, *, allow_identity: bool = False) -> Point:
    return Point.decode(_unb64(value, where), where, allow_identity=allow_identity)


def _scalar(value: object, where: str) -> Scalar:
    return Scalar.decode(_unb64(value, where), where)


def _ciphertext_json(value: object, where: str) -> Ciphertext:
    a, b = _list(value, 2, where)
    return Ciphertext(_point(a, f"{where}.a"), _point(b, f"{where}.b", allow_identity=True))


def _vector(value: object, width: int, where: str) -> Vector:
    items = _list(value, width, where)
    return tuple(_ciphertext_json(item, f"{where}[{w}]") for w, item in enumerate(items))


def shuffle_from_json(obj: object, count: int, width: int, *, where: str = "shuffle") -> Shuffle:
    """Strictly decode a shuffle of ``count`` vectors of width ``width`` from its JSON."""
    if not isinstance(obj, dict) or set(obj) != {"station", "outputs", "proof"}:
        raise ShuffleLayoutError(where, 'expected "station", "outputs" and "proof" only')
    station = obj["station"]
    if type(station) is not int or not 0 <= station <= 0xFFFF_FFFF:
        raise ShuffleLayoutError(f"{where}.station", "expected an unsigned 32-bit integer")
    items = _list(obj["outputs"], count, f"{where}.outputs")
    outputs = tuple(_vector(item, width, f"{where}.outputs[{k}]") for k, item in enumerate(items))
    p = obj["proof"]
    path = f"{where}.proof"
    if not isinstance(p, dict) or set(p) != _PROOF_KEYS:
        raise ShuffleLayoutError(path, "expected exactly the keys of a proof of shuffle")

    def points(name: str) -> tuple[Point, ...]:
        values = _list(p[name], count, f"{path}.{name}")
        return tuple(_point(v, f"{path}.{name}[{k}]") for k, v in enumerate(values))

    def scalars(name: str, size: int) -> tuple[Scalar, ...]:
        values = _list(p[name], size, f"{path}.{name}")
        return tuple(_scalar(v, f"{path}.{name}[{k}]") for k, v in enumerate(values))

    t4 = _list(p["t4"], width, f"{path}.t4")
    proof = ShuffleProof(
        permutation_commitments=points("permutation_commitments"),
        chain=points("chain"),
        t1=_point(p["t1"], f"{path}.t1"),
        t2=_point(p["t2"], f"{path}.t2"),
        t3=_point(p["t3"], f"{path}.t3"),
        t4=tuple(_ciphertext_json(v, f"{path}.t4[{w}]") for w, v in enumerate(t4)),
        chain_commitments=points("chain_commitments"),
        s1=_scalar(p["s1"], f"{path}.s1"),
        s2=_scalar(p["s2"], f"{path}.s2"),
        s3=_scalar(p["s3"], f"{path}.s3"),
        s4=scalars("s4", width),
        chain_responses=scalars("chain_responses", count),
        permutation_responses=scalars("permutation_responses", count),
    )
    return Shuffle(station, outputs, proof)
