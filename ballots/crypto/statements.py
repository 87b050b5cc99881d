"""What each ballot shape must prove, in proof order (``docs/ballot-crypto.md`` §7).

A plan is a list of statements over ciphertext positions, fixed by the shape alone:

- :class:`Membership` ``IN(Σ sign·C_i, V)``: a (signed) sum of ciphertexts encrypts a value
  of V, one branch per value in increasing order;
- :class:`WriteInSlot` ``[EQ(U,0) ∧ ∧_t PEQ(N_t, blank)] ∨ [EQ(U,1) ∧ ∧_t PoK(N_t)]``.

:func:`branches` turns a statement and the ballot's ciphertexts into the relations that
:mod:`ballots.crypto.proofs` proves and verifies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballots.crypto.elgamal import Ciphertext, add, subtract
from ballots.crypto.group import Point
from ballots.crypto.proofs import Relation, eq, peq, pok
from ballots.crypto.shape import BallotShape

__all__ = ["Membership", "Statement", "WriteInSlot", "branches", "combine", "plan"]


@dataclass(frozen=True)
class Membership:
    """``IN(Σ sign·C_i, values)`` over the terms ``(sign, position)``."""

    terms: tuple[tuple[int, int], ...]
    values: tuple[int, ...]
    label: str = ""


@dataclass(frozen=True)
class WriteInSlot:
    """A write-in slot: flag U at ``flag``, name points at ``names``."""

    flag: int
    names: tuple[int, ...]
    label: str = ""


Statement = Membership | WriteInSlot


def _values(values: Sequence[int]) -> str:
    return "{0,1}" if len(values) == 2 else f"{{0..{len(values) - 1}}}"


def _bit(shape: BallotShape, position: int) -> Membership:
    return Membership(((1, position),), (0, 1), f"IN({shape.role(position)}, {{0,1}})")


def _at_most(
    shape: BallotShape, positions: Sequence[int], limit: int, sum_label: str
) -> Membership:
    values = tuple(range(limit + 1))
    return Membership(
        tuple((1, p) for p in positions), values, f"IN({sum_label}, {_values(values)})"
    )


def _stances(shape: BallotShape) -> list[Statement]:
    """Per entry: IN(F,{0,1}), IN(A,{0,1}), IN(F⊕A,{0,1})."""
    result: list[Statement] = []
    for j in range(shape.entries):
        f, a = 2 * j, 2 * j + 1
        both = f"{shape.role(f)} + {shape.role(a)}"
        result += [_bit(shape, f), _bit(shape, a), _at_most(shape, [f, a], 1, both)]
    return result


def plan(shape: BallotShape) -> list[Statement]:
    """The statements a ballot of ``shape`` proves, in proof order."""
    if shape.kind == "motion":
        base = shape.packing_base
        return [Membership(((1, 0),), (0, 1, base), f"IN(stance, {{0,1,{base}}})")]
    if shape.kind == "selection-choose":
        positions = list(range(shape.entries))
        bits = [_bit(shape, p) for p in positions]
        return [*bits, _at_most(shape, positions, shape.seats, "Σ projects")]
    if shape.kind == "evaluation":
        result: list[Statement] = []
        for s in range(shape.entries):
            row = list(range(s * shape.levels, (s + 1) * shape.levels))
            result += [_bit(shape, p) for p in row]
            result.append(_at_most(shape, row, 1, f"Σ subjects[{s}].levels"))
        return result
    result = _stances(shape)
    if shape.kind != "election":
        return result
    slot_size = 1 + shape.name_points
    flags = [shape.mark_count + i * slot_size for i in range(shape.slots)]
    for i, flag in enumerate(flags):
        names = tuple(range(flag + 1, flag + slot_size))
        result.append(WriteInSlot(flag, names, f"write_ins[{i}] blank or written"))
    fors = [2 * j for j in range(shape.entries)]
    againsts = [2 * j + 1 for j in range(shape.entries)]
    if shape.slots:
        terms = tuple((1, p) for p in againsts) + tuple((-1, p) for p in flags)
        values = tuple(range(shape.entries + 1))
        label = f"IN(Σ against − Σ write-ins, {_values(values)})"
        result.append(Membership(terms, values, label))
    values = tuple(range(shape.seats + 1))
    label = f"IN(Σ for + Σ write-ins, {_values(values)})"
    result.append(Membership(tuple((1, p) for p in fors + flags), values, label))
    return result


def combine(terms: Sequence[tuple[int, int]], ciphertexts: Sequence[Ciphertext]) -> Ciphertext:
    """``Σ sign·C_position`` over ``terms`` (the identity pair for no terms)."""
    if terms and terms[0][0] > 0:
        total, rest = ciphertexts[terms[0][1]], terms[1:]  # saves adding to the identity
    else:
        total, rest = Ciphertext(Point.identity(), Point.identity()), terms
    for sign, position in rest:
        total = (
            add(total, ciphertexts[position])
            if sign > 0
            else subtract(total, ciphertexts[position])
        )
    return total


def branches(statement: Statement, ciphertexts: Sequence[Ciphertext]) -> list[list[Relation]]:
    """The relations of each branch of ``statement``, in branch order."""
    if isinstance(statement, Membership):
        total = combine(statement.terms, ciphertexts)
        return [[eq(total, v)] for v in statement.values]
    flag = ciphertexts[statement.flag]
    names = [ciphertexts[p] for p in statement.names]
    blank = [eq(flag, 0), *(peq(n, Point.identity()) for n in names)]
    written = [eq(flag, 1), *(pok(n) for n in names)]
    return [blank, written]
