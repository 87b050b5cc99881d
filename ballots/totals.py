"""What every kind of poll shares when counting ballots: the totals, and opening one ballot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ballots.errors import InputError
from ballots.values import describe, key_path, reject_unknown


@dataclass(frozen=True)
class Totals:
    """The totals of one poll's ballots: what :func:`ballots.decide` takes.

    ``counts`` has the shape of the result's ``counts`` (for motions without ``not_voted``);
    ``write_ins`` maps written names to votes and ``write_ins_ignored`` counts the write-ins
    on valid ballots that the rules ignore (elections only).
    """

    cast: int
    void: int
    counts: dict[str, Any]
    write_ins: dict[str, int] = field(default_factory=dict)
    write_ins_ignored: int = 0

    @property
    def valid(self) -> int:
        return self.cast - self.void


def open_ballot(ballot: object, path: str, fields: frozenset[str]) -> Mapping[str, Any] | None:
    """The ballot object, or ``None`` for a ballot the tellers declared void (``{"void": true}``).

    Raises :class:`InputError` for anything but an object whose fields are among ``fields``.
    """
    if not isinstance(ballot, Mapping):
        raise InputError(path, f"expected an object, got {describe(ballot)}")
    if "void" in ballot:
        check_declared_void(ballot, path)
        return None
    if not ballot.keys() <= fields:
        reject_unknown(ballot, fields, path)
    return ballot


def check_declared_void(ballot: Mapping[str, Any], path: str) -> None:
    """A void ballot is exactly ``{"void": true}``: it carries nothing that could be counted."""
    if ballot["void"] is not True:
        raise InputError(key_path(path, "void"), f"expected true, got {describe(ballot['void'])}")
    for key in ballot:
        if key != "void":
            raise InputError(key_path(path, key), "a void ballot has no other fields")
