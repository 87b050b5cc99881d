"""Honest shuffles of write-in vectors verify and decrypt to the same multiset of vectors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import decode_name
from ballots.crypto.shuffle.chain import station_has_shuffled, verify_chain
from ballots.crypto.shuffle.encoding import (
    shuffle_bytes,
    shuffle_from_bytes,
    shuffle_from_json,
    shuffle_size,
    shuffle_to_json,
)
from ballots.crypto.shuffle.errors import ShuffleProofError
from ballots.crypto.shuffle.generators import check_generators, generator, generators_for
from ballots.crypto.shuffle.mix import random_permutation, shuffle, verify_shuffle
from ballots.crypto.threshold.decryption import (
    combine,
    decryption_context,
    make_decryption_share,
    verify_decryption_share,
)
from tests.ballots.crypto.shuffle_fixtures import (
    chain_key,
    decrypted_multiset,
    encrypt_vectors,
    name_vector,
    plaintext_multiset,
    seeded,
)
from tests.ballots.crypto.threshold_fixtures import full_ceremony

SECRET = Scalar.of(0x5EC2E7)
KEY = chain_key(Point.base_mul(SECRET))

WRITTEN: list[list[str | None]] = [
    ["王小明", None, None],
    ["李四", "张三", None],
    [None, None, None],
    ["王小明", "赵六", "Zhou Qi"],
    ["钱八", None, None],
]


def plaintexts_of_width(width: int) -> list[tuple[Point, ...]]:
    """Five write-in vectors of ``width`` points: names with k = 2, 1 slot (2) or 3 (6), k = 1."""
    if width == 2:
        return [name_vector(row[:1]) for row in WRITTEN]
    if width == 6:
        return [name_vector(row) for row in WRITTEN]
    return [name_vector(row[:1], k=1) for row in WRITTEN]


@pytest.mark.parametrize("width", [1, 2, 6])
def test_an_honest_chain_of_two_shuffles_verifies_and_decrypts_to_the_same_vectors(
    width: int,
) -> None:
    random = seeded(f"honest/{width}")
    plaintexts = plaintexts_of_width(width)
    inputs = encrypt_vectors(plaintexts, KEY.public_key, random)
    first = shuffle(inputs, KEY.for_station(1), random)
    second = shuffle(first.outputs, KEY.for_station(2), random)
    verify_shuffle(inputs, first, KEY.for_station(1))
    chain = verify_chain(inputs, [first, second], KEY)
    assert chain.stations == (1, 2)
    assert chain.outputs == second.outputs
    assert len(chain.outputs) == 5 and {len(v) for v in chain.outputs} == {width}
    assert decrypted_multiset(chain.outputs, SECRET) == plaintext_multiset(plaintexts)
    # Every ciphertext was re-encrypted: no first component survives the mix.
    before = {c.a for v in inputs for c in v}
    assert before.isdisjoint({c.a for v in first.outputs for c in v})
    assert before.isdisjoint({c.a for v in second.outputs for c in v})


def test_a_single_vector_shuffles_and_verifies() -> None:
    random = seeded("single")
    inputs = encrypt_vectors([name_vector(["王小明"])], KEY.public_key, random)
    mixed = shuffle(inputs, KEY.for_station(4), random)
    verify_shuffle(inputs, mixed, KEY.for_station(4))
    assert decrypted_multiset(mixed.outputs, SECRET) == plaintext_multiset(
        [name_vector(["王小明"])]
    )


def test_a_station_may_decrypt_only_when_its_shuffle_is_in_the_verified_chain() -> None:
    random = seeded("stations")
    inputs = encrypt_vectors(plaintexts_of_width(2), KEY.public_key, random)
    first = shuffle(inputs, KEY.for_station(1), random)
    third = shuffle(first.outputs, KEY.for_station(3), random)
    assert station_has_shuffled(inputs, [first, third], KEY, 1) is True
    assert station_has_shuffled(inputs, [first, third], KEY, 3) is True
    assert station_has_shuffled(inputs, [first, third], KEY, 2) is False


def test_the_mixed_names_decrypt_with_threshold_shares_of_two_scrutineers() -> None:
    run = full_ceremony(2, 3, seed="shuffle")
    joint = run.ceremony.joint_key()
    key = chain_key(joint.public_key, joint.key_id)
    random = seeded("threshold")
    rows: list[list[str | None]] = [["王小明"], ["李四"], [None], ["王小明"]]
    inputs = encrypt_vectors([name_vector(row) for row in rows], joint.public_key, random)
    first = shuffle(inputs, key.for_station(1), random)
    third = shuffle(first.outputs, key.for_station(3), random)
    final = verify_chain(inputs, [first, third], key).outputs
    context = decryption_context(
        key=joint.key_id, poll_id="p-write-ins", checkpoint=b"", aggregate_hash=b"mix"
    )
    names = []
    for v, vector in enumerate(final):
        points = []
        for w, ciphertext in enumerate(vector):
            shares = [
                make_decryption_share(context, j, run.shares[j], ciphertext, random) for j in (1, 3)
            ]
            for share in shares:
                verify_decryption_share(
                    context, joint.verification_keys[share.scrutineer], ciphertext, share, "mix"
                )
            points.append(combine(ciphertext, shares, 2, f"final[{v}][{w}]"))
        decoded = decode_name(points)
        names.append(decoded.name if decoded.name is not None else decoded.status)
    assert sorted(names) == ["blank", "李四", "王小明", "王小明"]


def test_the_bytes_and_the_json_form_round_trip() -> None:
    random = seeded("encoding")
    inputs = encrypt_vectors(plaintexts_of_width(6), KEY.public_key, random)
    mixed = shuffle(inputs, KEY.for_station(2), random)
    data = shuffle_bytes(mixed)
    assert len(data) == shuffle_size(5, 6) == 4 + 32 * (2 * 5 * 6 + 5 * 5 + 3 * 6 + 6)
    assert shuffle_from_bytes(data, 5, 6) == mixed
    text = json.dumps(shuffle_to_json(mixed))
    assert shuffle_from_json(json.loads(text), 5, 6) == mixed


def test_the_generators_are_distinct_and_differ_from_g_and_h() -> None:
    generators = generators_for(50)
    check_generators(generators, KEY.public_key, "generators")
    everything = {generators.chain_start, *generators.permutation}
    assert len(everything) == 51
    assert Point.generator() not in everything and KEY.public_key not in everything
    assert generators.chain_start == generator(0) and generators.permutation[7] == generator(8)


def test_the_permutation_is_a_permutation() -> None:
    assert sorted(random_permutation(40, seeded("perm"))) == list(range(40))
    assert random_permutation(1, seeded("perm")) == [0]


@settings(max_examples=12, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=5),
    width=st.integers(min_value=1, max_value=3),
    values=st.lists(st.integers(min_value=0, max_value=3), min_size=15, max_size=15),
    seed=st.binary(min_size=1, max_size=8),
)
def test_any_small_honest_shuffle_verifies_and_keeps_the_multiset(
    count: int, width: int, values: list[int], seed: bytes
) -> None:
    random = seeded(seed.hex())
    plaintexts = [
        tuple(Point.base_mul(Scalar.of(values[k * width + w])) for w in range(width))
        for k in range(count)
    ]
    inputs = encrypt_vectors(plaintexts, KEY.public_key, random)
    first = shuffle(inputs, KEY.for_station(1), random)
    second = shuffle(first.outputs, KEY.for_station(2), random)
    chain = verify_chain(inputs, [first, second], KEY)
    assert decrypted_multiset(chain.outputs, SECRET) == plaintext_multiset(plaintexts)


@settings(max_examples=10, deadline=None)
@given(
    count=st.integers(min_value=2, max_value=5),
    width=st.integers(min_value=1, max_value=3),
    pair=st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=4)),
    seed=st.binary(min_size=1, max_size=8),
)
def test_any_small_shuffle_with_two_outputs_swapped_is_refused(
    count: int, width: int, pair: tuple[int, int], seed: bytes
) -> None:
    i, j = pair[0] % count, pair[1] % count
    if i == j:
        j = (i + 1) % count
    random = seeded(seed.hex())
    plaintexts = [
        tuple(Point.base_mul(Scalar.of(k * width + w)) for w in range(width)) for k in range(count)
    ]
    inputs = encrypt_vectors(plaintexts, KEY.public_key, random)
    mixed = shuffle(inputs, KEY.for_station(1), random)
    outputs = list(mixed.outputs)
    outputs[i], outputs[j] = outputs[j], outputs[i]
    with pytest.raises(ShuffleProofError) as raised:
        verify_shuffle(inputs, replace(mixed, outputs=tuple(outputs)), KEY.for_station(1))
    assert raised.value.where == "shuffle.proof.t1"
