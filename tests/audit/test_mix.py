"""The meaning of the write-in mix shared by server, stations and verifier (``audit.mix``):
which ciphertexts are mixed, how decrypted points read as names, and that points which do not
decode are ignored by the count, never an error."""

from __future__ import annotations

import hashlib

import ballots
from audit.mix import NOT_A_NAME, decrypted_names, list_hash, name_positions, write_in_vectors
from ballots.crypto.ballot import BallotContext, make_ballot
from ballots.crypto.encoding import ballot_to_json
from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import CHUNK, _embed, blank, encode_name
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import BallotShape, Choice
from ballots.crypto.shuffle.challenges import vector_bytes
from tests.ballots.crypto.shuffle_fixtures import decrypt

SHAPE = BallotShape.election(3, 2, write_ins=True)
DEFINITION = ballots.parse_poll(
    {
        "kind": "election",
        "electorate": 5,
        "present": 5,
        "issued": 2,
        "seats": 2,
        "candidates": [{"id": "c1", "name": "王建国"}, {"id": "c2"}, {"id": "c3"}],
    }
)


def raw_name(data: bytes) -> list[Point]:
    """Two points holding ``len ‖ data`` as given, without the checks of ``encode_name``."""
    padded = bytes([len(data)]) + data
    padded += bytes(2 * CHUNK - len(padded))
    return [_embed(padded[:CHUNK]), _embed(padded[CHUNK:])]


def test_the_mix_takes_the_name_points_of_every_slot_without_the_flags() -> None:
    assert (SHAPE.mark_count, SHAPE.slots, SHAPE.name_points) == (6, 2, 2)
    assert name_positions(SHAPE) == [7, 8, 10, 11]


def test_the_write_in_vector_of_a_ballot_decrypts_to_its_names() -> None:
    secret = Scalar.of(1234567)
    key = Point.base_mul(secret)
    context = BallotContext(Scalar.of(7), "d01", b"\x01" * 32, key)
    choice = Choice.stances(["for", "against", "abstain"], ["赵六"])
    ballot = make_ballot(SHAPE, choice, context=context, random=DeterministicRandom(b"mix"))
    (vector,) = write_in_vectors(SHAPE, [ballot_to_json(ballot)])
    assert vector == tuple(ballot.ciphertexts[i] for i in (7, 8, 10, 11))
    points = [decrypt(c, secret) for c in vector]
    assert decrypted_names(points, 2) == ["赵六", ""]
    assert list_hash([vector]) == hashlib.sha256(vector_bytes(vector)).hexdigest()


def test_points_that_are_not_names_are_ignored_by_the_count_never_an_error() -> None:
    not_utf8 = raw_name(b"\xff\xfe")
    not_nfc = raw_name("e\u0301".encode())
    control = raw_name("赵\u200b六".encode())
    not_a_chunk = [Point.base_mul(Scalar.of(5)), Point.base_mul(Scalar.of(6))]
    rows = [
        [*encode_name("赵六", 2), *not_utf8],
        [*not_nfc, *control],
        [*not_a_chunk, *blank(2)],
        [*encode_name("王建国", 2), *encode_name("赵六", 2)],
    ]
    written = [decrypted_names(points, 2) for points in rows]
    assert written == [
        ["赵六", NOT_A_NAME],
        [NOT_A_NAME, NOT_A_NAME],
        [NOT_A_NAME, ""],
        ["王建国", "赵六"],
    ]
    counted = ballots.count_decrypted_write_ins(DEFINITION, written)
    # 5 ignored: four points that are no name, and 王建国 who is a listed candidate.
    assert (counted.counted, counted.ignored) == ({"赵六": 2}, 5)
