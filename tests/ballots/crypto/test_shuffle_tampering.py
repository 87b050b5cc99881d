"""Every tampered shuffle or chain is refused with its named error, at its place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from ballots.crypto.elgamal import reencrypt
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle import generators as generators_module
from ballots.crypto.shuffle.chain import verify_chain
from ballots.crypto.shuffle.challenges import ShuffleContext, Vector
from ballots.crypto.shuffle.errors import (
    ChainError,
    GeneratorError,
    ShuffleError,
    ShuffleLayoutError,
    ShuffleProofError,
)
from ballots.crypto.shuffle.generators import Generators, check_generators, generators_for
from ballots.crypto.shuffle.mix import Shuffle, shuffle, verify_shuffle
from tests.ballots.crypto.shuffle_fixtures import (
    chain_key,
    encrypt_vectors,
    name_vector,
    seeded,
)

SECRET = Scalar.of(0xBAD5EED)
KEY = chain_key(Point.base_mul(SECRET))
ROWS: list[list[str | None]] = [["王小明"], ["李四"], [None], ["张三"], ["王小明"]]
MISMATCH = "the proof does not hold for these inputs, outputs and context"
T1 = f"{MISMATCH} (the permutation commitments' sum, Haenni et al. t_1)"


@cache
def honest() -> tuple[tuple[Vector, ...], Shuffle]:
    """Five vectors of width 2 and station 1's honest shuffle of them."""
    random = seeded("tampering")
    inputs = encrypt_vectors([name_vector(row) for row in ROWS], KEY.public_key, random)
    return tuple(inputs), shuffle(inputs, KEY.for_station(1), random)


def with_outputs(change: Callable[[list[Vector]], None]) -> Shuffle:
    _, mixed = honest()
    outputs = list(mixed.outputs)
    change(outputs)
    return replace(mixed, outputs=tuple(outputs))


def with_proof(**fields: Any) -> Shuffle:
    _, mixed = honest()
    return replace(mixed, proof=replace(mixed.proof, **fields))


def swapped(outputs: list[Vector]) -> None:
    outputs[0], outputs[1] = outputs[1], outputs[0]


def reencrypted(outputs: list[Vector]) -> None:
    first, second = outputs[2]
    outputs[2] = (reencrypt(first, Scalar.of(5), KEY.public_key), second)


def duplicated(outputs: list[Vector]) -> None:
    outputs[3] = outputs[0]


def bumped(value: Scalar) -> Scalar:
    return value + Scalar.of(1)


CASES: dict[str, tuple[Callable[[], Shuffle], type[ShuffleError], str, str]] = {
    "swapped output": (lambda: with_outputs(swapped), ShuffleProofError, "shuffle.proof.t1", T1),
    "re-encrypted output not matching the proof": (
        lambda: with_outputs(reencrypted),
        ShuffleProofError,
        "shuffle.proof.t1",
        T1,
    ),
    "duplicated element": (
        lambda: with_outputs(duplicated),
        ShuffleProofError,
        "shuffle.proof.t1",
        T1,
    ),
    "dropped element": (
        lambda: with_outputs(lambda outputs: outputs.__delitem__(4)),
        ShuffleLayoutError,
        "shuffle.outputs",
        "4 vectors, but the input has 5",
    ),
    "appended duplicate": (
        lambda: with_outputs(lambda outputs: outputs.append(outputs[0])),
        ShuffleLayoutError,
        "shuffle.outputs",
        "6 vectors, but the input has 5",
    ),
    "narrowed vector": (
        lambda: with_outputs(lambda outputs: outputs.__setitem__(1, outputs[1][:1])),
        ShuffleLayoutError,
        "shuffle.outputs[1]",
        "vector has 1 ciphertexts, not 2",
    ),
    "response s1": (
        lambda: with_proof(s1=bumped(honest()[1].proof.s1)),
        ShuffleProofError,
        "shuffle.proof.t1",
        T1,
    ),
    "response s2": (
        lambda: with_proof(s2=bumped(honest()[1].proof.s2)),
        ShuffleProofError,
        "shuffle.proof.t2",
        f"{MISMATCH} (the end of the commitment chain, t_2)",
    ),
    "response s3": (
        lambda: with_proof(s3=bumped(honest()[1].proof.s3)),
        ShuffleProofError,
        "shuffle.proof.t3",
        f"{MISMATCH} (the permutation commitments' opening, t_3)",
    ),
    "response s4[1]": (
        lambda: with_proof(s4=(honest()[1].proof.s4[0], bumped(honest()[1].proof.s4[1]))),
        ShuffleProofError,
        "shuffle.proof.t4[1]",
        "the outputs are not a re-encryption of a permutation of the inputs (column 1)",
    ),
    "chain response 3": (
        lambda: with_proof(
            chain_responses=tuple(
                bumped(s) if k == 3 else s for k, s in enumerate(honest()[1].proof.chain_responses)
            )
        ),
        ShuffleProofError,
        "shuffle.proof.chain_commitments[3]",
        "the commitment chain does not verify",
    ),
    "missing chain element": (
        lambda: with_proof(chain=honest()[1].proof.chain[:-1]),
        ShuffleLayoutError,
        "shuffle.proof.chain",
        "4 values, not 5",
    ),
    "shuffle of another station": (
        lambda: replace(honest()[1], station=2),
        ShuffleLayoutError,
        "shuffle.station",
        "shuffle of station 2, not 1",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_tampered_shuffle_is_refused_with_its_named_error(name: str) -> None:
    make, error, where, problem = CASES[name]
    inputs, _ = honest()
    with pytest.raises(error) as raised:
        verify_shuffle(inputs, make(), KEY.for_station(1))
    assert (raised.value.where, raised.value.problem) == (where, problem)
    assert type(raised.value) is error


@pytest.mark.parametrize(
    "context",
    [
        chain_key(KEY.public_key, poll_id="p-other").for_station(1),
        chain_key(KEY.public_key, kid=Scalar.of(99)).for_station(1),
        replace(KEY.for_station(1), public_key=Point.base_mul(Scalar.of(7))),
    ],
    ids=["another poll", "another key id", "another public key"],
)
def test_a_proof_from_another_context_is_refused(context: ShuffleContext) -> None:
    inputs, mixed = honest()
    with pytest.raises(ShuffleProofError) as raised:
        verify_shuffle(inputs, mixed, context)
    assert (raised.value.code, raised.value.where, raised.value.problem) == (
        "shuffle-proof",
        "shuffle.proof.t1",
        T1,
    )


def test_a_proof_with_other_generators_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def shifted(count: int) -> Generators:
        usual = generators_for(count + 1)
        return Generators(usual.chain_start, usual.permutation[1:])

    inputs, _ = honest()
    monkeypatch.setattr(generators_module, "generators_for", shifted)
    cheat = shuffle(inputs, KEY.for_station(1), seeded("other generators"))
    monkeypatch.undo()
    with pytest.raises(ShuffleProofError) as raised:
        verify_shuffle(inputs, cheat, KEY.for_station(1))
    assert (raised.value.where, raised.value.problem) == ("shuffle.proof.t1", T1)


def test_generators_that_repeat_or_equal_g_or_h_are_refused() -> None:
    usual = generators_for(3)
    repeated = Generators(usual.chain_start, (usual.permutation[0], usual.permutation[0]))
    cases = [
        (repeated, KEY.public_key, "generator h[1] equals h[0]"),
        (
            Generators(Point.generator(), usual.permutation),
            KEY.public_key,
            "generator chain start equals G",
        ),
        (usual, usual.permutation[2], "generator h[2] equals H"),
        (
            Generators(Point.identity(), usual.permutation),
            KEY.public_key,
            "generator chain start is the identity",
        ),
    ]
    for generators, key, problem in cases:
        with pytest.raises(GeneratorError) as raised:
            check_generators(generators, key, "generators")
        assert (raised.value.code, str(raised.value)) == (
            "shuffle-generator",
            f"generators: {problem}",
        )


def test_a_chain_is_refused_where_it_breaks() -> None:
    inputs, first = honest()
    random = seeded("chain tampering")
    second = shuffle(first.outputs, KEY.for_station(2), random)
    again = shuffle(second.outputs, KEY.for_station(1), random)
    with pytest.raises(ChainError) as raised:
        verify_chain(inputs, [first, second, again], KEY)
    assert str(raised.value) == "shuffles[2].station: station 1 already shuffled at shuffles[0]"
    with pytest.raises(ChainError) as raised:
        verify_chain(inputs, [], KEY)
    assert str(raised.value) == "shuffles: the chain holds no shuffle"
    # The second shuffle mixes something other than the first one's outputs.
    detour = shuffle(inputs, KEY.for_station(2), random)
    with pytest.raises(ShuffleProofError) as proof_error:
        verify_chain(inputs, [first, detour], KEY)
    assert str(proof_error.value) == f"shuffles[1].proof.t1: {T1}"
    with pytest.raises(ShuffleLayoutError) as layout_error:
        verify_chain([], [first], KEY)
    assert str(layout_error.value) == "inputs: the list is empty: there is nothing to shuffle"
