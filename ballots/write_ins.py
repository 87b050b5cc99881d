"""Write-ins (另选他人): names written on an election ballot in place of a listed candidate.

- Only elections allow them, and only when the poll's ``write_ins`` is true (the default).
- A write-in is a name that is not empty once surrounding whitespace is stripped; the stripped
  name is what counts, so ``" 王五"`` and ``"王五"`` are one person.
- A write-in naming a listed candidate, by id or by name, is ignored: not counted, not chosen,
  not an error.
- The same name written twice on one ballot counts once.
- Write-in votes are ``for`` votes. A written name that meets the threshold competes for the
  seats with the listed candidates by its total; on equal votes listed candidates come first,
  then written names in code point order. This order only decides who is listed first in
  ``elected`` and ``runoff``: a tie at the cut-off still goes to a runoff.
"""

from __future__ import annotations

from typing import Any

from ballots.errors import InputError
from ballots.values import expect_int, expect_list, expect_object, expect_str, index_path, key_path

NOT_ALLOWED = "write-ins are not allowed in this poll"


def read_write_ins(value: object, path: str, listed: frozenset[str], *, allowed: bool) -> list[str]:
    """The names one ballot's ``write_ins`` counts: stripped, deduplicated, listed ones dropped."""
    if not allowed:
        raise InputError(path, NOT_ALLOWED)
    names: list[str] = []
    for index, item in enumerate(expect_list(value, path)):
        name = expect_str(item, index_path(path, index), allow_empty=True).strip()
        if not name:
            raise InputError(index_path(path, index), "empty write-in")
        if name not in listed and name not in names:
            names.append(name)
    return names


def check_write_in_votes(
    value: object, path: str, listed: frozenset[str], *, valid: int, allowed: bool
) -> dict[str, int]:
    """Write-in totals given to ``decide``: ``{name: votes}``, each name as counting keeps it."""
    obj: Any = expect_object(value, path)
    if obj and not allowed:
        raise InputError(path, NOT_ALLOWED)
    checked: dict[str, int] = {}
    for name, votes in obj.items():
        name_path = key_path(path, name)
        if not isinstance(name, str) or not name or name != name.strip():
            raise InputError(name_path, "expected a name without surrounding whitespace")
        if name in listed:
            raise InputError(name_path, "names a listed candidate")
        count = expect_int(votes, name_path, minimum=1)
        if count > valid:
            raise InputError(name_path, f"must not exceed the valid ballots ({valid}), got {count}")
        checked[name] = count
    return dict(sorted(checked.items()))
