"""Write-ins (另选他人): names written on an election ballot in place of a listed candidate.

代表法 Art 17: a deputy who marks a candidate 反对 may write in another person; an abstention
allows none, and a write-in stands in place of the crossed-out candidate. So a write-in counts
only in place of a candidate marked ``against`` (domain-rules §3):

- keyed form ``{"c2": "王五"}`` (tablets): counts only if ``c2`` is marked ``against``;
- list form ``["王五"]`` (paper entered without positions): at most as many count as the ballot
  has ``against`` marks, the first ones in the order written that are not ignored otherwise.

Names are compared in their normalised form (:mod:`ballots.names`). A write-in is **ignored**
(not counted, not chosen, never voiding the ballot — 「不按规定填写的部分无效」) when it is blank,
names a listed candidate by id or name, repeats a name already counted on the same ballot, is not
in ``write_in_eligible`` (组织法 Art 18: 主席/副主席 from among the deputies), stands beyond the
ballot's ``against`` marks, or is written in a runoff (组织法 Art 29). Ignored write-ins on valid
ballots are reported in ``write_ins_ignored``.

Write-in votes are ``for`` votes. A written name that meets the threshold competes for the seats
with the listed candidates by its total; on equal votes listed candidates come first, then
written names in code point order. This order only decides who is listed first in ``elected``
and ``runoff``: a tie at the cut-off still goes to a runoff.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import countOf
from typing import Any

from ballots.definition import PollDefinition
from ballots.errors import InputError
from ballots.names import lenient_name, normal_name
from ballots.values import describe, expect_int, expect_object, index_path, key_path, quote

NOT_ALLOWED = "write-ins are not allowed in this poll"


@dataclass(frozen=True)
class WriteInRules:
    """What a poll's definition says about write-ins, prepared once per count."""

    ids: frozenset[str]
    listed: frozenset[str]
    eligible: frozenset[str] | None
    counted: bool
    refused: bool

    @classmethod
    def of(cls, definition: PollDefinition) -> WriteInRules:
        """``counted``: write-ins can count; ``refused``: a ballot carrying any is malformed
        (the poll's ``write_ins`` is false outside a runoff; a runoff ignores them instead)."""
        takes = definition.round.takes_write_ins
        return cls(
            ids=frozenset(candidate.id for candidate in definition.candidates),
            listed=listed_names(definition),
            eligible=definition.write_in_eligible,
            counted=definition.write_ins and takes,
            refused=not definition.write_ins and takes,
        )

    def admits(self, name: str) -> bool:
        """Whether a normalised name may count at all (before the per-ballot rules)."""
        return (
            self.counted
            and bool(name)
            and name not in self.listed
            and (self.eligible is None or name in self.eligible)
        )


@dataclass(frozen=True)
class WriteInTotals:
    """Written name → votes (in code point order), and the number of write-ins ignored."""

    counted: dict[str, int]
    ignored: int


def listed_names(definition: PollDefinition) -> frozenset[str]:
    """Ids and names of the listed candidates, normalised: write-ins naming them are ignored."""
    names = [candidate.id for candidate in definition.candidates]
    names += [c.name for c in definition.candidates if c.name is not None]
    return frozenset(unicodedata.normalize("NFC", name).strip() for name in names)


def read_write_ins(
    value: object, path: str, marks: Mapping[str, str], rules: WriteInRules
) -> tuple[list[str], int]:
    """The names one ballot's ``write_ins`` counts, and how many of its write-ins are ignored.

    Raises :class:`InputError` for a malformed value: not a list or an object, a key that is
    not a candidate id, a name that is not a string, holds a control or format character or
    is too long (:mod:`ballots.names`).
    """
    if rules.refused:
        raise InputError(path, NOT_ALLOWED)
    entries: list[tuple[str, bool]]  # (name, written in place of an ``against`` mark)
    limit: int | None = None
    if isinstance(value, Mapping):
        entries = []
        for key, item in value.items():
            item_path = key_path(path, key)
            if key not in rules.ids:
                raise InputError(item_path, f"unknown candidate {quote(key)}")
            entries.append((normal_name(item, item_path), marks.get(key) == "against"))
    elif isinstance(value, list | tuple):
        entries = [(normal_name(item, index_path(path, i)), True) for i, item in enumerate(value)]
        limit = countOf(marks.values(), "against")
    else:
        raise InputError(
            path,
            f"expected a list of names or an object of candidate id → name, got {describe(value)}",
        )
    counted: list[str] = []
    for name, in_place_of_against in entries:
        if limit is not None and len(counted) >= limit:
            break
        if in_place_of_against and rules.admits(name) and name not in counted:
            counted.append(name)
    return counted, len(entries) - len(counted)


def count_decrypted_write_ins(
    definition: PollDefinition, ballots: Iterable[Sequence[str | bytes]]
) -> WriteInTotals:
    """Count the write-ins decrypted from encrypted ballots, one anonymous list per ballot.

    The lenient counterpart of the tally-file rules (``ballot-secrecy`` §6): a name that is not
    UTF-8, not in NFC form, holds a control or format character or is too long is ignored, never
    an error, so that one modified tablet cannot stop a count. Blank slots are no write-in. The
    per-ballot rules apply as above (listed candidate, eligibility, once per ballot, none in a
    runoff); the ballot proofs already bound each list by its ``against`` marks and the seats.
    """
    rules = WriteInRules.of(definition)
    votes: Counter[str] = Counter()
    ignored = 0
    for written in ballots:
        counted: list[str] = []
        for raw in written:
            name = lenient_name(raw)
            if name == "":
                continue
            if name is not None and rules.admits(name) and name not in counted:
                counted.append(name)
            else:
                ignored += 1
        votes.update(counted)
    return WriteInTotals(dict(sorted(votes.items())), ignored)


def check_write_in_votes(
    value: object, path: str, definition: PollDefinition, *, valid: int
) -> dict[str, int]:
    """Write-in totals given to ``decide``: ``{name: votes}``, each name as counting keeps it."""
    obj: Any = expect_object(value, path)
    if obj and not (definition.write_ins and definition.round.takes_write_ins):
        raise InputError(path, NOT_ALLOWED)
    rules = WriteInRules.of(definition)
    checked: dict[str, int] = {}
    for name, votes in obj.items():
        name_path = key_path(path, name)
        if not isinstance(name, str) or not name or name != name.strip():
            raise InputError(name_path, "expected a name without surrounding whitespace")
        if normal_name(name, name_path) != name:
            raise InputError(name_path, "expected a name in Unicode NFC form")
        if name in rules.listed:
            raise InputError(name_path, "names a listed candidate")
        if not rules.admits(name):
            raise InputError(name_path, "not among the persons who may be written in")
        count = expect_int(votes, name_path, minimum=1)
        if count > valid:
            raise InputError(name_path, f"must not exceed the valid ballots ({valid}), got {count}")
        checked[name] = count
    return dict(sorted(checked.items()))


def check_ignored(value: object, path: str, definition: PollDefinition) -> int:
    """The ``write_ins_ignored`` count given to ``decide``: a non-negative integer."""
    ignored = expect_int(value, path, minimum=0)
    if ignored and definition.kind != "election":
        raise InputError(path, f'a poll of kind "{definition.kind}" has no write-ins')
    return ignored
