"""Encrypted ballots of every poll kind: valid choices verify, tampering is refused by name."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.crypto.ballot import (
    BallotContext,
    EncryptedBallot,
    check_not_reused,
    first_components,
    make_ballot,
    verify_ballot,
)
from ballots.crypto.elgamal import encrypt, encrypt_point, reencrypt
from ballots.crypto.encoding import ballot_bytes, ballot_to_json
from ballots.crypto.errors import IdentityError, LayoutError, ProofError, ReusedComponentError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.names import decode_name, encode_name
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.shape import BallotShape, Choice, shape_of
from ballots.crypto.statements import Membership, plan
from ballots.definition import parse_poll
from tests.ballots.crypto.dishonest import forge

SECRET = Scalar.of(0xC0FFEE)
KEY = Point.base_mul(SECRET)
CONTEXT = BallotContext(Scalar.of(2026), "d-17", bytes(32), KEY)
MOTION = BallotShape.motion(40)  # B = 41
FAST = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])

stances = st.sampled_from(["for", "against", "abstain"])


def seal(shape: BallotShape, choice: Choice, seed: bytes = b"t") -> EncryptedBallot:
    ballot = make_ballot(shape, choice, context=CONTEXT, random=DeterministicRandom(seed))
    verify_ballot(shape, ballot, context=CONTEXT)
    return ballot


def decrypt_marks(ballot: EncryptedBallot, count: int) -> list[int]:
    plain = [c.b - c.a.mul(SECRET) for c in ballot.ciphertexts[:count]]
    assert all(p in (Point.identity(), Point.generator()) for p in plain)
    return [int(p == Point.generator()) for p in plain]


@FAST
@given(stance=stances)
def test_every_motion_choice_verifies_and_decrypts_to_its_packed_value(stance: str) -> None:
    choice = Choice.stances([stance])  # type: ignore[list-item]
    ballot = seal(MOTION, choice)
    assert len(ballot.ciphertexts) == 1
    assert len(ballot.proofs) == 1
    (x,) = ballot.ciphertexts
    packed = {"for": 1, "against": 41, "abstain": 0}[stance]
    assert x.b - x.a.mul(SECRET) == Point.base_mul(Scalar.of(packed))


def test_a_motion_proves_one_three_branch_statement() -> None:
    assert MOTION.packing_base == 41
    assert MOTION.mark_count == 1
    assert MOTION.choice_length == 2
    (statement,) = plan(MOTION)
    assert statement == Membership(((1, 0),), (0, 1, 41), "IN(stance, {0,1,41})")


@FAST
@given(chosen=st.sets(st.integers(0, 5), max_size=3))
def test_every_choose_n_selection_verifies(chosen: set[int]) -> None:
    shape = BallotShape.selection_choose(6, 3)
    choice = Choice.chosen(shape, sorted(chosen))
    assert decrypt_marks(seal(shape, choice), 6) == list(choice.marks)


@FAST
@given(choice=st.lists(stances, min_size=3, max_size=3))
def test_every_selection_each_verifies(choice: list[str]) -> None:
    shape = BallotShape.selection_each(3)
    plain = Choice.stances(choice)  # type: ignore[arg-type]
    assert decrypt_marks(seal(shape, plain), 6) == list(plain.marks)


@FAST
@given(levels=st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=2, max_size=2))
def test_every_evaluation_verifies(levels: list[int | None]) -> None:
    shape = BallotShape.evaluation(2, 3)
    choice = Choice.levels(shape, levels)
    assert decrypt_marks(seal(shape, choice), 6) == list(choice.marks)


@st.composite
def election_choices(draw: st.DrawFn) -> Choice:
    marks = draw(st.lists(stances, min_size=3, max_size=3))
    fors = marks.count("for")
    if fors > 2:
        marks[marks.index("for")] = "against"
        fors -= 1
    room = min(marks.count("against"), 2 - fors)
    names = draw(st.lists(st.sampled_from(["王小明", "李四", "Zhang San"]), max_size=room))
    return Choice.stances(marks, names)  # type: ignore[arg-type]


@FAST
@given(choice=election_choices())
def test_every_election_choice_with_write_ins_verifies(choice: Choice) -> None:
    shape = BallotShape.election(3, 2, write_ins=True)
    ballot = seal(shape, choice)
    assert decrypt_marks(ballot, 6) == list(choice.marks)
    assert len(ballot.ciphertexts) == 6 + 2 * 3


@pytest.mark.parametrize(
    ("shape", "choices"),
    [
        (MOTION, [Choice.stances([s]) for s in ("for", "against", "abstain")]),
        (
            BallotShape.election(3, 2, write_ins=True),
            [
                Choice.stances(["abstain", "abstain", "abstain"]),
                Choice.stances(["for", "against", "against"], ["王小明"]),
                Choice.stances(["against", "against", "abstain"], ["李四", "一个很长的名字" * 2]),
            ],
        ),
    ],
)
def test_every_choice_of_a_poll_gives_the_same_size(
    shape: BallotShape, choices: list[Choice]
) -> None:
    ballots = [seal(shape, choice, seed=bytes([i])) for i, choice in enumerate(choices)]
    assert len({len(ballot_bytes(b)) for b in ballots}) == 1
    assert len({len(str(ballot_to_json(b))) for b in ballots}) == 1


def test_a_choice_the_rules_forbid_is_refused_before_proving() -> None:
    election = BallotShape.election(3, 2, write_ins=True)
    cases = [
        (MOTION, Choice((1, 1)), "choice.entries[0]: both 赞成 and 反对"),
        (MOTION, Choice((41,)), "choice: 1 marks, not 2"),
        (
            BallotShape.selection_choose(4, 2),
            Choice((1, 1, 1, 0)),
            "choice: more than 2 projects chosen",
        ),
        (election, Choice.stances(["for", "for", "for"]), "choice: more than 2 people elected"),
        (
            election,
            Choice.stances(["for", "abstain", "abstain"], ["李四"]),
            "choice.write_ins: more write-ins than 反对 marks",
        ),
    ]
    for shape, choice, message in cases:
        with pytest.raises(LayoutError) as caught:
            make_ballot(shape, choice, context=CONTEXT, random=DeterministicRandom(b"x"))
        assert str(caught.value) == message


def test_shape_of_a_parsed_poll() -> None:
    poll = parse_poll(
        {
            "kind": "election",
            "electorate": 30,
            "issued": 30,
            "seats": 2,
            "candidates": [{"id": "c1"}, {"id": "c2"}, {"id": "c3"}],
            "write_ins": True,
        }
    )
    assert shape_of(poll) == BallotShape("election", 3, 2, 0, 2, 2)
    assert shape_of(poll, runoff=True) == BallotShape("election", 3, 2, 0, 0, 0)
    assert shape_of(poll, closed_list=True).name_points == 1
    motion = parse_poll({"kind": "motion", "electorate": 30, "present": 25})
    assert shape_of(motion) == BallotShape("motion", packing_base=31)


# Tampering by a dishonest prover


def test_over_the_seat_limit_is_refused() -> None:
    shape = BallotShape.election(3, 2, write_ins=False)
    numbers = [1, 0, 1, 0, 1, 0]  # three 赞成 for two seats
    rs = [Scalar.of(500 + i) for i in range(6)]
    cts = [encrypt(m, r, KEY) for m, r in zip(numbers, rs, strict=True)]
    ballot = forge(shape, cts, numbers, [Point.identity()] * 6, rs, CONTEXT)
    with pytest.raises(ProofError) as caught:
        verify_ballot(shape, ballot, context=CONTEXT)
    assert str(caught.value) == (
        f"ballot.proofs[{len(plan(shape)) - 1}] (IN(Σ for + Σ write-ins, {{0..2}})): "
        "the challenges do not sum to the hash of the proof"
    )


def test_a_write_in_without_against_is_refused() -> None:
    shape = BallotShape.election(3, 2, write_ins=True)
    name = encode_name("李四", 2)
    numbers = [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]  # no 反对, one write-in
    points = [Point.identity()] * 7 + name + [Point.identity()] * 3
    rs = [Scalar.of(600 + i) for i in range(12)]
    cts = [
        encrypt_point(p, r, KEY) if i in (7, 8) else encrypt(m, r, KEY)
        for i, (m, p, r) in enumerate(zip(numbers, points, rs, strict=True))
    ]
    ballot = forge(shape, cts, numbers, points, rs, CONTEXT)
    with pytest.raises(ProofError) as caught:
        verify_ballot(shape, ballot, context=CONTEXT)
    # proofs: 9 per-candidate, 2 slots, then IN(ΣA − ΣU, {0..3}) at index 11
    assert str(caught.value) == (
        "ballot.proofs[11] (IN(Σ against − Σ write-ins, {0..3}))"
        ": the challenges do not sum to the hash of the proof"
    )


def test_a_re_randomised_name_without_proof_of_knowledge_is_refused() -> None:
    shape = BallotShape.election(3, 2, write_ins=True)
    victim = seal(shape, Choice.stances(["against", "abstain", "abstain"], ["王小明"]), b"v")
    copied = [reencrypt(victim.ciphertexts[p], Scalar.of(70 + p), KEY) for p in (7, 8)]
    numbers = [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    rs = [Scalar.of(700 + i) for i in range(12)]
    rs[7], rs[8] = Scalar.of(77), Scalar.of(78)  # only the re-randomisation is known
    cts = [encrypt(m, r, KEY) for m, r in zip(numbers, rs, strict=True)]
    cts[7], cts[8] = copied
    ballot = forge(shape, cts, numbers, [Point.identity()] * 12, rs, CONTEXT)
    with pytest.raises(ProofError) as caught:
        verify_ballot(shape, ballot, context=CONTEXT)
    assert str(caught.value) == (
        "ballot.proofs[9] (write_ins[0] blank or written)"
        ": the challenges do not sum to the hash of the proof"
    )


@pytest.mark.parametrize("packed", [2, 40, 42, 82, -1])
def test_a_motion_outside_0_1_b_is_refused(packed: int) -> None:
    r = Scalar.of(900)
    x = encrypt(packed, r, KEY)
    ballot = forge(MOTION, [x], [packed], [Point.identity()], [r], CONTEXT)
    with pytest.raises(ProofError) as caught:
        verify_ballot(MOTION, ballot, context=CONTEXT)
    assert str(caught.value) == (
        "ballot.proofs[0] (IN(stance, {0,1,41})): the challenges do not sum to the hash of the proof"
    )


def test_a_motion_proof_under_another_packing_base_is_refused() -> None:
    ballot = seal(MOTION, Choice.stances(["against"]))
    with pytest.raises(ProofError) as caught:
        verify_ballot(BallotShape.motion(41), ballot, context=CONTEXT)
    assert str(caught.value) == (
        "ballot.proofs[0] (IN(stance, {0,1,42})): the challenges do not sum to the hash of the proof"
    )


def test_swapped_ciphertexts_are_refused() -> None:
    shape = BallotShape.selection_each(1)
    ballot = seal(shape, Choice.stances(["for"]))
    swapped = EncryptedBallot(ballot.ciphertexts[::-1], ballot.proofs)
    with pytest.raises(ProofError) as caught:
        verify_ballot(shape, swapped, context=CONTEXT)
    assert str(caught.value) == (
        "ballot.proofs[0] (IN(projects[0].for, {0,1})): the challenges do not sum to the hash of "
        "the proof"
    )


def test_a_ballot_for_another_deputy_is_refused() -> None:
    shape = MOTION
    ballot = seal(shape, Choice.stances(["against"]))
    other = BallotContext(CONTEXT.poll, "d-18", CONTEXT.device_key, KEY)
    with pytest.raises(ProofError):
        verify_ballot(shape, ballot, context=other)


def test_wrong_counts_are_layout_errors() -> None:
    shape = MOTION
    ballot = seal(shape, Choice.stances(["for"]))
    with pytest.raises(LayoutError) as caught:
        verify_ballot(
            shape, EncryptedBallot(ballot.ciphertexts * 2, ballot.proofs), context=CONTEXT
        )
    assert str(caught.value) == "ballot.ciphertexts: 2 ciphertexts, not 1"
    with pytest.raises(LayoutError) as caught:
        verify_ballot(
            shape, EncryptedBallot(ballot.ciphertexts, ballot.proofs * 2), context=CONTEXT
        )
    assert str(caught.value) == "ballot.proofs: 2 proofs, not 1"


# Weeding


def test_weeding_refuses_a_reused_first_component() -> None:
    shape = MOTION
    first = seal(shape, Choice.stances(["for"]), b"1")
    second = seal(shape, Choice.stances(["for"]), b"2")
    seen = set(first_components(first))
    assert first_components(first) == {c.a.encode() for c in first.ciphertexts}
    check_not_reused(second, seen)
    with pytest.raises(ReusedComponentError) as caught:
        check_not_reused(first, seen)
    assert str(caught.value) == (
        "ballot.ciphertexts[0].a: this first component is already in another ballot"
    )


def test_a_first_component_used_twice_inside_a_ballot_is_refused() -> None:
    shape = BallotShape.selection_each(1)
    ballot = seal(shape, Choice.stances(["for"]))
    a = ballot.ciphertexts[0].a
    twice = EncryptedBallot(
        (ballot.ciphertexts[0], ballot.ciphertexts[1]._replace(a=a)), ballot.proofs
    )
    with pytest.raises(ReusedComponentError) as caught:
        verify_ballot(shape, twice, context=CONTEXT)
    assert str(caught.value) == (
        "ballot.ciphertexts[1].a (projects[0].against): the same first component as ciphertexts[0]"
    )


def test_write_ins_fill_the_lowest_slots_sorted_by_their_normalised_bytes() -> None:
    shape = BallotShape.election(3, 2, write_ins=True)
    choice = Choice.stances(["against", "against", "abstain"], ["王五", " Zhang "])
    ballot = seal(shape, choice)
    plain = [c.b - c.a.mul(SECRET) for c in ballot.ciphertexts]
    assert decode_name(plain[7:9]).name == "Zhang"  # "Z" (0x5a) sorts before "王" (0xe7)
    assert decode_name(plain[10:12]).name == "王五"


def test_a_write_in_with_a_format_character_is_refused_as_a_choice() -> None:
    shape = BallotShape.election(3, 2, write_ins=True)
    choice = Choice.stances(["against", "abstain", "abstain"], ["王\u200b五"])
    with pytest.raises(LayoutError) as caught:
        make_ballot(shape, choice, context=CONTEXT, random=DeterministicRandom(b"x"))
    assert str(caught.value) == (
        "choice.write_ins[0]: a write-in name has a control or format character"
    )


def test_the_identity_is_refused_as_the_joint_key() -> None:
    with pytest.raises(IdentityError) as caught:
        BallotContext(Scalar.of(1), "d-17", bytes(32), Point.identity())
    assert str(caught.value) == "key: the identity is not allowed here"
