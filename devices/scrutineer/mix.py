"""A station's part in the write-in mix (``docs/ballot-secrecy.md`` §6).

The station reads the poll's mix board, recomputes the mix input from the counted ballots
(:func:`audit.mix.write_in_vectors`) and verifies every shuffle so far. It then either
shuffles the current list once with its proof, or — when at least t shuffles are in the chain
and its own is among them (:func:`station_has_shuffled`) — posts one Chaum–Pedersen
decryption share per point of the final list. Both are signed bodies like ceremony messages.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from audit.mix import list_hash, write_in_context, write_in_vectors
from ballots.crypto.group import Point, Scalar
from ballots.crypto.randomness import RandomSource
from ballots.crypto.shape import BallotShape
from ballots.crypto.shuffle.chain import ChainKey, VerifiedChain, verify_chain
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.encoding import shuffle_bytes, shuffle_from_bytes
from ballots.crypto.shuffle.mix import shuffle
from ballots.crypto.threshold.decryption import make_decryption_share
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing

__all__ = ["MixBoard", "mix_step", "shares_fields", "shuffle_fields"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MixBoard:
    """The server's mix board of one poll, read and checked by the station itself."""

    def __init__(self, board: Mapping[str, Any]) -> None:
        self.poll: str = board["poll"]
        self.t: int = board["t"]
        self.stations: list[int] = list(board["stations"])
        self.shares_from: list[int] = list(board["shares_from"])
        encryption = board["encryption"]
        self.shape = BallotShape(**encryption["shape"])
        self.key = ChainKey(
            Scalar.decode(bytes.fromhex(encryption["key_id"]), "key_id"),
            Scalar.decode(bytes.fromhex(encryption["poll_context"]), "poll_context"),
            Point.decode(bytes.fromhex(encryption["key"]), "key"),
        )
        self.inputs: list[Vector] = write_in_vectors(self.shape, board["counted"])
        width = self.shape.slots * self.shape.name_points
        self.shuffles = [
            shuffle_from_bytes(_unb64(text), len(self.inputs), width, where=f"shuffles[{i}]")
            for i, text in enumerate(board["shuffles"])
        ]

    def verified(self) -> VerifiedChain | None:
        """The verified chain so far (None before the first shuffle); raises if it is bad."""
        if not self.shuffles:
            return None
        return verify_chain(self.inputs, self.shuffles, self.key)

    def current(self) -> list[Vector]:
        """The list the next shuffle mixes, after verifying the chain."""
        chain = self.verified()
        return list(self.inputs) if chain is None else list(chain.outputs)


def shuffle_fields(board: MixBoard, index: int, random: RandomSource) -> dict[str, Any]:
    """The fields of this station's ``shuffle`` body: the poll and its shuffle's bytes."""
    mixed = shuffle(board.current(), board.key.for_station(index), random)
    return {"poll": board.poll, "shuffle": _b64(shuffle_bytes(mixed))}


def shares_fields(
    board: MixBoard, index: int, secret_share: Scalar, random: RandomSource
) -> dict[str, Any]:
    """The fields of this station's ``write_in_shares`` body: one share per point of the final
    list, bound to its hash. Only for a station whose shuffle is in the verified chain."""
    chain = board.verified()
    if chain is None or index not in chain.stations:
        raise ValueError(f"station {index} has no shuffle in the chain: it may not decrypt")
    final = list(chain.outputs)
    final_hash = list_hash(final)
    context = write_in_context(board.key.key_id, board.poll, final_hash)
    shares = [
        _b64(make_decryption_share(context, index, secret_share, ciphertext, random).encode())
        for vector in final
        for ciphertext in vector
    ]
    return {"poll": board.poll, "final": final_hash, "shares": shares}


def mix_step(station: Station, poll: str) -> str | None:
    """Read the poll's mix board and post what this station owes: its shuffle while decrypting
    has not begun, then its shares once t shuffles (its own among them) are in. Returns what
    was posted (``"shuffles"`` or ``"write-in-shares"``) or None."""
    state = station.state
    if state.index is None or state.secret_share is None:
        return None
    client = station.client
    status, answer = client.transport.request("GET", f"{client.base}/polls/{poll}/mix")
    if status != 200:
        return None
    board = MixBoard(answer)
    index = state.index
    if index not in board.stations and not board.shares_from:
        endpoint, fields = "shuffles", shuffle_fields(board, index, station.random)
    elif len(board.stations) >= board.t and index in board.stations:
        if index in board.shares_from:
            return None
        secret = Scalar.decode(bytes.fromhex(state.secret_share), "secret_share")
        endpoint, fields = "write-in-shares", shares_fields(board, index, secret, station.random)
    else:
        return None
    signed = station.sign(Outgoing(endpoint, fields, f"{endpoint} {poll}"))
    station.save()
    client._call("POST", f"/polls/{poll}/{endpoint}", signed)
    return endpoint
