"""The shape of an encrypted ballot per poll kind, and the choices a deputy may make.

A :class:`BallotShape` fixes how many ciphertexts a ballot holds and in which order
(``docs/ballot-crypto.md`` §7); every ballot of a poll has the same shape whatever the choice.
A :class:`Choice` is the plaintext: one mark (0 or 1) per mark ciphertext in layout order — for
a motion the two stance marks (F, A), packed into its one ciphertext
(:mod:`ballots.crypto.packing`) — and the write-in names. :func:`check_choice` refuses a choice
the rules do not allow, so the prover never tries to prove a false statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ballots.crypto.errors import LayoutError
from ballots.crypto.names import K_CLOSED, K_OPEN, name_problem, normalise
from ballots.crypto.packing import packed_base, packed_limit, split_packed
from ballots.definition import PollDefinition

__all__ = ["BallotShape", "Choice", "ShapeKind", "check_choice", "shape_of"]

ShapeKind = Literal["motion", "selection-choose", "selection-each", "evaluation", "election"]
Stance = Literal["for", "against", "abstain"]

_STANCE_MARKS: dict[str, tuple[int, int]] = {
    "for": (1, 0),
    "against": (0, 1),
    "abstain": (0, 0),
}


@dataclass(frozen=True)
class BallotShape:
    """How many ciphertexts of each role a ballot of a poll holds.

    ``entries`` counts the candidates, projects or subjects (1 for a motion); ``seats`` is N of
    a choose-N selection or the seats of an election; ``levels`` the levels of an evaluation;
    ``slots`` the write-in slots S and ``name_points`` the points per name k;
    ``packing_base`` is B of a motion's packed ciphertext X ∈ {0, 1, B} (0 for other kinds).
    """

    kind: ShapeKind
    entries: int = 1
    seats: int = 0
    levels: int = 0
    slots: int = 0
    name_points: int = 0
    packing_base: int = 0

    @classmethod
    def motion(cls, electorate: int) -> BallotShape:
        """X = F + B·A, one ciphertext, with B = ``electorate`` + 1."""
        return cls("motion", packing_base=packed_base(electorate))

    @classmethod
    def selection_choose(cls, projects: int, choose: int) -> BallotShape:
        """C_p per project, at most ``choose`` marked."""
        return cls("selection-choose", entries=projects, seats=choose)

    @classmethod
    def selection_each(cls, projects: int) -> BallotShape:
        """F_p, A_p per project."""
        return cls("selection-each", entries=projects)

    @classmethod
    def evaluation(cls, subjects: int, levels: int) -> BallotShape:
        """C_{s,l} per subject and level, at most one level per subject."""
        return cls("evaluation", entries=subjects, levels=levels)

    @classmethod
    def election(
        cls, candidates: int, seats: int, *, write_ins: bool, closed_list: bool = False
    ) -> BallotShape:
        """F_j, A_j per candidate, then S = min(seats, C) write-in slots (none without write-ins)."""
        slots = min(seats, candidates) if write_ins else 0
        k = (K_CLOSED if closed_list else K_OPEN) if slots else 0
        return cls("election", entries=candidates, seats=seats, slots=slots, name_points=k)

    @property
    def mark_count(self) -> int:
        """The number of mark ciphertexts (everything but write-in slots)."""
        if self.kind == "motion":
            return 1
        if self.kind == "selection-choose":
            return self.entries
        if self.kind == "evaluation":
            return self.entries * self.levels
        return 2 * self.entries

    @property
    def choice_length(self) -> int:
        """The marks of a :class:`Choice` and the totals of a decryption: F and A for a
        motion, else one per mark ciphertext."""
        return 2 if self.kind == "motion" else self.mark_count

    @property
    def ciphertext_count(self) -> int:
        """Mark ciphertexts, then per slot a flag U and k name points."""
        return self.mark_count + self.slots * (1 + self.name_points)

    def role(self, position: int) -> str:
        """What the ciphertext at ``position`` stands for: ``candidates[2].against``, …"""
        if position >= self.mark_count:
            slot, offset = divmod(position - self.mark_count, 1 + self.name_points)
            return (
                f"write_ins[{slot}].flag"
                if offset == 0
                else f"write_ins[{slot}].name[{offset - 1}]"
            )
        if self.kind == "motion":
            return "stance"
        if self.kind == "selection-choose":
            return f"projects[{position}]"
        if self.kind == "evaluation":
            subject, level = divmod(position, self.levels)
            return f"subjects[{subject}].levels[{level}]"
        entry, against = divmod(position, 2)
        stance = "against" if against else "for"
        return f"{'projects' if self.kind == 'selection-each' else 'candidates'}[{entry}].{stance}"

    def sum_limit(self, counted: int) -> int:
        """The largest value a mark ciphertext summed over ``counted`` ballots decrypts to."""
        return packed_limit(counted, self.packing_base) if self.kind == "motion" else counted

    def totals(self, values: Sequence[int], counted: int, where: str = "totals") -> list[int]:
        """The totals in :class:`Choice` order from the decrypted mark sums: a motion's sum
        split into 赞成 and 反对 (:func:`~ballots.crypto.packing.split_packed`)."""
        if self.kind != "motion":
            return list(values)
        (total,) = values
        return split_packed(total, counted, self.packing_base, where)


def shape_of(
    poll: PollDefinition, *, runoff: bool = False, closed_list: bool = False
) -> BallotShape:
    """The ballot shape of a parsed poll definition (no write-in slots in a runoff)."""
    if poll.kind == "motion":
        return BallotShape.motion(poll.electorate)
    if poll.kind == "selection":
        if poll.form == "each":
            return BallotShape.selection_each(len(poll.candidates))
        return BallotShape.selection_choose(len(poll.candidates), poll.seats or 0)
    if poll.kind == "evaluation":
        return BallotShape.evaluation(len(poll.subjects), len(poll.levels))
    return BallotShape.election(
        len(poll.candidates),
        poll.seats or 0,
        write_ins=poll.write_ins and not runoff,
        closed_list=closed_list,
    )


@dataclass(frozen=True)
class Choice:
    """A plaintext ballot: marks in layout order and the write-in names (or roster ids)."""

    marks: tuple[int, ...]
    write_ins: tuple[str, ...] = ()

    @classmethod
    def stances(cls, stances: Sequence[Stance], write_ins: Sequence[str] = ()) -> Choice:
        """赞成/反对/弃权 per motion, project or candidate: F = 1 for, A = 1 against."""
        marks = tuple(mark for stance in stances for mark in _STANCE_MARKS[stance])
        return cls(marks, tuple(write_ins))

    @classmethod
    def chosen(cls, shape: BallotShape, chosen: Sequence[int]) -> Choice:
        """The projects marked in a choose-N selection, by position."""
        return cls(tuple(int(p in chosen) for p in range(shape.entries)))

    @classmethod
    def levels(cls, shape: BallotShape, levels: Sequence[int | None]) -> Choice:
        """The level chosen per subject of an evaluation, by position (None: no mark)."""
        return cls(tuple(int(level == lv) for level in levels for lv in range(shape.levels)))


def check_choice(shape: BallotShape, choice: Choice) -> None:
    """Raise :class:`LayoutError` at ``choice`` if the rules do not allow it."""
    marks = choice.marks
    if len(marks) != shape.choice_length:
        raise LayoutError("choice", f"{len(marks)} marks, not {shape.choice_length}")
    if any(mark not in (0, 1) for mark in marks):
        raise LayoutError("choice", "every mark is 0 or 1")
    if shape.kind == "selection-choose" and sum(marks) > shape.seats:
        raise LayoutError("choice", f"more than {shape.seats} projects chosen")
    if shape.kind == "evaluation":
        for s in range(shape.entries):
            if sum(marks[s * shape.levels : (s + 1) * shape.levels]) > 1:
                raise LayoutError(f"choice.subjects[{s}]", "more than one level")
    if shape.kind in ("motion", "selection-each", "election"):
        for j in range(shape.entries):
            if marks[2 * j] and marks[2 * j + 1]:
                raise LayoutError(f"choice.entries[{j}]", "both 赞成 and 反对")
    _check_write_ins(shape, choice)


def _check_write_ins(shape: BallotShape, choice: Choice) -> None:
    written = len(choice.write_ins)
    if written > shape.slots:
        raise LayoutError("choice.write_ins", f"{written} write-ins, at most {shape.slots}")
    for i, name in enumerate(choice.write_ins):
        problem = name_problem(normalise(name), shape.name_points)
        if problem is not None:
            raise LayoutError(f"choice.write_ins[{i}]", problem)
    if shape.kind != "election":
        return
    against = sum(choice.marks[1::2])
    if written > against:
        raise LayoutError("choice.write_ins", "more write-ins than 反对 marks")
    if sum(choice.marks[0::2]) + written > shape.seats:
        raise LayoutError("choice", f"more than {shape.seats} people elected")
