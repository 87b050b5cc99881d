"""What the write-in mix of an encrypted election means, for the server that writes its entries,
the stations that shuffle and decrypt, and the verifier (``docs/ballot-secrecy.md`` §6).

- :func:`write_in_vectors`: the mix input — per counted ballot in log order, the name points of
  every write-in slot (width W = S·k), without the write-in flags.
- :func:`list_hash`: the hash of a list of vectors; the write-in decryption shares bind the hash
  of the final list (the last shuffle's outputs).
- :func:`write_in_context`: the context of the Chaum–Pedersen proofs of those shares.
- :func:`decrypted_names`: the decrypted points of one vector read as names, slot by slot.
- :func:`closed_list`: a closed-list election's roster ids → names (``write_in_roster``): its
  ballots write in the picked deputy's id, which is read as that deputy's name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ballots.crypto.elgamal import Ciphertext
from ballots.crypto.encoding import ballot_from_json
from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import decode_name
from ballots.crypto.shape import BallotShape
from ballots.crypto.shuffle.challenges import Vector, vector_bytes
from ballots.crypto.threshold.decryption import decryption_context

__all__ = [
    "WRITE_IN_CHECKPOINT",
    "closed_list",
    "decrypted_names",
    "list_hash",
    "name_positions",
    "write_in_context",
    "write_in_vectors",
]

#: What stands in the decryption context's checkpoint field for write-in shares: the shares
#: bind the final list's hash instead of a checkpoint (the chain is in the log already).
WRITE_IN_CHECKPOINT: Final = b"cv1/write-in-mix"

#: A decrypted point that is not a name: it reads as invalid UTF-8, so counting ignores it.
NOT_A_NAME: Final = b"\xff"


def name_positions(shape: BallotShape) -> list[int]:
    """The layout positions of the name points of every write-in slot, slot by slot."""
    step = 1 + shape.name_points
    return [
        shape.mark_count + slot * step + 1 + point
        for slot in range(shape.slots)
        for point in range(shape.name_points)
    ]


def write_in_vectors(shape: BallotShape, counted: Sequence[Mapping[str, Any]]) -> list[Vector]:
    """The mix input: the write-in vector of each counted ballot (JSON), in the order given."""
    positions = name_positions(shape)
    vectors: list[Vector] = []
    for index, ballot in enumerate(counted):
        ciphertexts = ballot_from_json(shape, ballot, where=f"counted[{index}]").ciphertexts
        vectors.append(tuple(ciphertexts[i] for i in positions))
    return vectors


def list_hash(vectors: Sequence[Sequence[Ciphertext]]) -> str:
    """SHA-256 (hex) of the bytes of every vector in order."""
    digest = hashlib.sha256()
    for vector in vectors:
        digest.update(vector_bytes(vector))
    return digest.hexdigest()


def write_in_context(key_id: Scalar, poll_id: str, final_hash: str) -> Scalar:
    """The decryption context of write-in shares: the key, the poll and the final list."""
    return decryption_context(
        key=key_id,
        poll_id=poll_id,
        checkpoint=WRITE_IN_CHECKPOINT,
        aggregate_hash=bytes.fromhex(final_hash),
    )


def closed_list(definition: Mapping[str, Any]) -> dict[str, str] | None:
    """Roster id → name from a poll definition's ``write_in_roster`` (a list of ``{"id",
    "name"}``), or None when it has none and the ballots write in names. An item that is not
    such a pair is skipped: its id then reads as no name."""
    pairs = definition.get("write_in_roster")
    if not isinstance(pairs, list):
        return None
    roster: dict[str, str] = {}
    for pair in pairs:
        if isinstance(pair, Mapping):
            ident, name = pair.get("id"), pair.get("name")
            if isinstance(ident, str) and isinstance(name, str):
                roster.setdefault(ident, name)
    return roster


def decrypted_names(
    points: Sequence[Point], name_points: int, roster: Mapping[str, str] | None = None
) -> list[str | bytes]:
    """One vector's decrypted points as written names, slot by slot: ``""`` for a blank slot,
    :data:`NOT_A_NAME` for points that do not decode (counted as ignored, never an error).

    With a ``roster`` (:func:`closed_list`) a decoded text is a roster id and stands for its
    name; an id that is not in the roster is :data:`NOT_A_NAME` too (ignored)."""
    names: list[str | bytes] = []
    for start in range(0, len(points), name_points):
        decoded = decode_name(points[start : start + name_points])
        if decoded.status == "blank":
            names.append("")
        elif decoded.status == "name" and decoded.name is not None:
            text = decoded.name
            names.append(text if roster is None else roster.get(text, NOT_A_NAME))
        else:
            names.append(NOT_A_NAME)
    return names
