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


@dataclass(frozen=True)
class WriteInSlot:
    """A write-in slot: flag U at ``flag``, name points at ``names``."""

    flag: int
    names: tuple[int, ...]


Statement = Membership | WriteInSlot


def _bit(position: int) -> Membership:
    return Membership(((1, position),), (0, 1))


def _at_most(positions: Sequence[int], limit: int, sign: int = 1) -> Membership:
    return Membership(tuple((sign, p) for p in positions), tuple(range(limit + 1)))


def _stances(first: int, count: int) -> list[Statement]:
    """As a motion, per entry: IN(F,{0,1}), IN(A,{0,1}), IN(F⊕A,{0,1})."""
    result: list[Statement] = []
    for j in range(count):
        f, a = first + 2 * j, first + 2 * j + 1
        result += [_bit(f), _bit(a), _at_most([f, a], 1)]
    return result


def plan(shape: BallotShape) -> list[Statement]:
    """The statements a ballot of ``shape`` proves, in proof order."""
    if shape.kind == "selection-choose":
        positions = list(range(shape.entries))
        return [*map(_bit, positions), _at_most(positions, shape.seats)]
    if shape.kind == "evaluation":
        result: list[Statement] = []
        for s in range(shape.entries):
            row = list(range(s * shape.levels, (s + 1) * shape.levels))
            result += [*map(_bit, row), _at_most(row, 1)]
        return result
    result = _stances(0, shape.entries)
    if shape.kind != "election":
        return result
    slot_size = 1 + shape.name_points
    flags = [shape.mark_count + i * slot_size for i in range(shape.slots)]
    for flag in flags:
        result.append(WriteInSlot(flag, tuple(range(flag + 1, flag + slot_size))))
    fors = [2 * j for j in range(shape.entries)]
    againsts = [2 * j + 1 for j in range(shape.entries)]
    if shape.slots:
        terms = tuple((1, p) for p in againsts) + tuple((-1, p) for p in flags)
        result.append(Membership(terms, tuple(range(shape.entries + 1))))
    terms = tuple((1, p) for p in fors + flags)
    result.append(Membership(terms, tuple(range(shape.seats + 1))))
    return result


def combine(terms: Sequence[tuple[int, int]], ciphertexts: Sequence[Ciphertext]) -> Ciphertext:
    """``Σ sign·C_position`` over ``terms``."""
    total: Ciphertext | None = None
    for sign, position in terms:
        term = ciphertexts[position]
        if total is None:
            total = (
                term if sign > 0 else subtract(Ciphertext(Point.identity(), Point.identity()), term)
            )
        else:
            total = add(total, term) if sign > 0 else subtract(total, term)
    assert total is not None, "a membership statement has at least one term"
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
