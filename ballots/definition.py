"""The poll definition: the ``poll`` object of the tally format, validated, defaults applied."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from ballots.errors import InputError
from ballots.names import normal_name
from ballots.quorum import QUORUM_RULES, QuorumRule
from ballots.rounds import FIRST_ROUND, Round, parse_round
from ballots.threshold import DEFAULT_THRESHOLD, Threshold, parse_threshold
from ballots.values import (
    expect_bool,
    expect_choice,
    expect_int,
    expect_list,
    expect_object,
    expect_str,
    index_path,
    key_path,
    quote,
    reject_unknown,
    require,
)

Kind = Literal["motion", "election", "selection", "evaluation"]
Form = Literal["choose", "each"]

KINDS: tuple[Kind, ...] = get_args(Kind)
FORMS: tuple[Form, ...] = get_args(Form)
DEFAULT_LEVELS = ("satisfied", "basically_satisfied", "dissatisfied")

# Fields of an entry (candidate, project or subject). Only ``id`` matters to counting; the others
# are carried for display.
ENTRY_FIELDS = ("id", "name", "budget_wan", "unit", "description")

_COMMON_FIELDS = ("kind", "title", "electorate", "present", "issued", "threshold", "quorum")
_KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    # ``documents``: the SHA-256 (hex) of each document the motion approves, for display and
    # the record; counting never reads them.
    "motion": ("documents",),
    "election": (
        "seats",
        "candidates",
        "write_ins",
        "write_in_eligible",
        "write_in_roster",
        "round",
    ),
    "selection": ("seats", "candidates", "form"),
    "evaluation": ("subjects", "levels"),
}
# ``write_in_roster`` (the deputies of ``write_in_eligible`` as id + name pairs, filled by the
# meeting server) is carried for encrypted ballots, which write in an id: counting never reads it.
_ALL_FIELDS = frozenset(_COMMON_FIELDS).union(*_KIND_FIELDS.values())


@dataclass(frozen=True)
class Entry:
    """A listed candidate, project or evaluation subject."""

    id: str
    name: str | None = None
    budget_wan: int | None = None
    unit: str | None = None
    description: str | None = None

    @property
    def label(self) -> str:
        """The name to show: ``name``, else ``id``."""
        return self.name if self.name is not None else self.id


@dataclass(frozen=True)
class PollDefinition:
    """One poll, every default applied.

    ``issued`` defaults to ``present``, else ``electorate``. Fields that a kind does not use keep
    their empty values: ``seats`` is ``None`` outside elections and selections, ``form`` is
    ``None`` outside selections, ``write_ins`` is false outside elections (where it defaults to
    true, and to false in a runoff), ``levels`` is empty outside evaluations (where it defaults
    to :data:`DEFAULT_LEVELS`). ``write_in_eligible`` holds the normalised names that may be
    written in (``None``: anyone); ``round`` is the election round (the first round outside
    elections); ``quorum`` is the body's quorum rule (``two_thirds`` for the plenary).
    """

    kind: Kind
    electorate: int
    present: int | None
    issued: int
    threshold: Threshold = DEFAULT_THRESHOLD
    title: str | None = None
    seats: int | None = None
    candidates: tuple[Entry, ...] = ()
    write_ins: bool = False
    form: Form | None = None
    subjects: tuple[Entry, ...] = ()
    levels: tuple[str, ...] = ()
    write_in_eligible: frozenset[str] | None = None
    round: Round = FIRST_ROUND
    quorum: QuorumRule = "two_thirds"

    def threshold_base(self, valid: int) -> int:
        """What the threshold's base counts, given the number of valid ballots."""
        if self.threshold.base == "electorate":
            return self.electorate
        if self.threshold.base == "present":
            if self.present is None:
                raise ValueError('threshold base "present" without present deputies')
            return self.present
        return valid

    @property
    def seat_count(self) -> int:
        """``seats`` of an election or selection."""
        if self.seats is None:
            raise ValueError(f"a {self.kind} poll has no seats")
        return self.seats


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _check_document_hashes(value: Any, path: str) -> None:
    """``documents``: a non-empty list of distinct SHA-256 values in lower-case hex."""
    if not isinstance(value, list) or not value:
        raise InputError(path, "expected a non-empty list of SHA-256 hashes")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _SHA256_HEX.fullmatch(item):
            raise InputError(f"{path}[{index}]", "expected a SHA-256 in lower-case hex")
        if item in value[:index]:
            raise InputError(f"{path}[{index}]", "repeats an earlier document")


def parse_poll(poll: Mapping[str, Any], path: str = "poll") -> PollDefinition:
    """Validate a ``poll`` object of the tally format; raise :class:`InputError` naming the path."""
    poll = expect_object(poll, path)
    kind = cast(Kind, expect_choice(require(poll, "kind", path), key_path(path, "kind"), KINDS))
    for field in poll:
        if field not in _ALL_FIELDS:
            raise InputError(key_path(path, field), "unknown field")
        if field not in _COMMON_FIELDS and field not in _KIND_FIELDS[kind]:
            raise InputError(key_path(path, field), f'not a field of kind "{kind}"')

    if "documents" in poll:
        _check_document_hashes(poll["documents"], key_path(path, "documents"))
    title = None
    if "title" in poll:
        title = expect_str(poll["title"], key_path(path, "title"))
    electorate = expect_int(
        require(poll, "electorate", path), key_path(path, "electorate"), minimum=1
    )
    present = _optional_count(poll, "present", path, electorate)
    issued = _optional_count(poll, "issued", path, electorate)
    if issued is None:
        issued = present if present is not None else electorate
    threshold = DEFAULT_THRESHOLD
    if "threshold" in poll:
        threshold = parse_threshold(poll["threshold"], key_path(path, "threshold"))
        if threshold.base == "present" and present is None:
            raise InputError(
                key_path(key_path(path, "threshold"), "base"), 'base "present" needs poll.present'
            )
    quorum: QuorumRule = "two_thirds"
    if "quorum" in poll:
        quorum = cast(
            QuorumRule, expect_choice(poll["quorum"], key_path(path, "quorum"), QUORUM_RULES)
        )

    seats: int | None = None
    candidates: tuple[Entry, ...] = ()
    write_ins = False
    form: Form | None = None
    subjects: tuple[Entry, ...] = ()
    levels: tuple[str, ...] = ()
    write_in_eligible: frozenset[str] | None = None
    election_round = FIRST_ROUND
    if kind in ("election", "selection"):
        noun = "candidate" if kind == "election" else "project"
        candidates = _parse_entries(poll, "candidates", path, noun)
        seats = expect_int(require(poll, "seats", path), key_path(path, "seats"), minimum=1)
        if kind == "selection" and seats > len(candidates):
            raise InputError(
                key_path(path, "seats"),
                f"must not exceed the number of projects ({len(candidates)}), got {seats}",
            )
        if kind == "election":
            if "round" in poll:
                election_round = parse_round(poll["round"], key_path(path, "round"))
            write_ins = _parse_write_ins(poll, path, election_round)
            if poll.get("write_in_eligible") is not None:
                write_in_eligible = _parse_eligible(
                    poll["write_in_eligible"], key_path(path, "write_in_eligible")
                )
            if election_round.plurality and "threshold" in poll:
                raise InputError(
                    key_path(path, "threshold"),
                    "a plurality runoff has no threshold: the most votes win (组织法 Art 29);"
                    ' set round.threshold to "majority" to apply one',
                )
        else:
            form = "choose"
            if "form" in poll:
                form = cast(Form, expect_choice(poll["form"], key_path(path, "form"), FORMS))
    elif kind == "evaluation":
        subjects = _parse_entries(poll, "subjects", path, "subject")
        levels = DEFAULT_LEVELS
        if "levels" in poll:
            levels = _parse_levels(poll["levels"], key_path(path, "levels"))

    return PollDefinition(
        kind=kind,
        electorate=electorate,
        present=present,
        issued=issued,
        threshold=threshold,
        title=title,
        seats=seats,
        candidates=candidates,
        write_ins=write_ins,
        form=form,
        subjects=subjects,
        levels=levels,
        write_in_eligible=write_in_eligible,
        round=election_round,
        quorum=quorum,
    )


def _parse_write_ins(poll: Mapping[str, Any], path: str, election_round: Round) -> bool:
    """The ``write_ins`` setting: true by default, false in a runoff (组织法 Art 29)."""
    if "write_ins" not in poll:
        return election_round.takes_write_ins
    write_ins = expect_bool(poll["write_ins"], key_path(path, "write_ins"))
    if write_ins and not election_round.takes_write_ins:
        raise InputError(
            key_path(path, "write_ins"),
            "a runoff is held among the tied candidates only and takes no write-ins (组织法 Art 29)",
        )
    return write_ins


def _parse_eligible(value: object, path: str) -> frozenset[str]:
    """``write_in_eligible``: a list of distinct names, compared in their normalised form."""
    names: set[str] = set()
    for index, item in enumerate(expect_list(value, path)):
        item_path = index_path(path, index)
        name = normal_name(expect_str(item, item_path), item_path)
        if not name:
            raise InputError(item_path, "expected a name, got a blank string")
        if name in names:
            raise InputError(item_path, f"duplicate name {quote(name)}")
        names.add(name)
    return frozenset(names)


def _optional_count(poll: Mapping[str, Any], field: str, path: str, electorate: int) -> int | None:
    """``present`` or ``issued``: absent or ``null``, else a count of at most ``electorate``."""
    value = poll.get(field)
    if value is None:
        return None
    count = expect_int(value, key_path(path, field), minimum=0)
    if count > electorate:
        raise InputError(
            key_path(path, field), f"must not exceed electorate ({electorate}), got {count}"
        )
    return count


def _parse_entries(poll: Mapping[str, Any], field: str, path: str, noun: str) -> tuple[Entry, ...]:
    """A non-empty list of entries with unique, non-empty string ids."""
    list_path = key_path(path, field)
    items = expect_list(require(poll, field, path), list_path)
    if not items:
        raise InputError(list_path, f"expected at least one {noun}")
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_path = index_path(list_path, index)
        obj = expect_object(item, item_path)
        reject_unknown(obj, ENTRY_FIELDS, item_path)
        entry_id = expect_str(require(obj, "id", item_path), key_path(item_path, "id"))
        if entry_id in seen:
            raise InputError(key_path(item_path, "id"), f"duplicate {noun} id {quote(entry_id)}")
        seen.add(entry_id)
        entries.append(
            Entry(
                id=entry_id,
                name=_optional_str(obj, "name", item_path),
                budget_wan=(
                    expect_int(obj["budget_wan"], key_path(item_path, "budget_wan"), minimum=0)
                    if "budget_wan" in obj
                    else None
                ),
                unit=_optional_str(obj, "unit", item_path),
                description=_optional_str(obj, "description", item_path, allow_empty=True),
            )
        )
    return tuple(entries)


def _optional_str(
    obj: Mapping[str, Any], field: str, path: str, *, allow_empty: bool = False
) -> str | None:
    if field not in obj:
        return None
    return expect_str(obj[field], key_path(path, field), allow_empty=allow_empty)


def _parse_levels(value: object, path: str) -> tuple[str, ...]:
    """A non-empty list of unique, non-empty level names, best first."""
    items = expect_list(value, path)
    if not items:
        raise InputError(path, "expected at least one level")
    levels: list[str] = []
    for index, item in enumerate(items):
        level = expect_str(item, index_path(path, index))
        if level in levels:
            raise InputError(index_path(path, index), f"duplicate level {quote(level)}")
        levels.append(level)
    return tuple(levels)
