"""Checking counts entered by hand (show of hands, paper tallies) before a verdict is drawn.

Counts come in the shape of the result's ``counts``; every entry and every field must be there,
each a non-negative integer, so that a typing slip is caught rather than read as a zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballots.definition import Entry
from ballots.errors import InputError
from ballots.values import expect_int, expect_object, key_path, quote, reject_unknown, require


def check_entry_counts(
    counts: object, path: str, entries: Sequence[Entry], fields: Sequence[str], *, noun: str
) -> dict[str, dict[str, int]]:
    """An object with, for every entry and nothing else, an object of ``fields`` → count."""
    obj = expect_object(counts, path)
    ids = {entry.id for entry in entries}
    for key in obj:
        if key not in ids:
            raise InputError(key_path(path, key), f"unknown {noun} {quote(key)}")
    checked: dict[str, dict[str, int]] = {}
    for entry in entries:
        entry_path = key_path(path, entry.id)
        if entry.id not in obj:
            raise InputError(entry_path, f"missing counts of {noun} {quote(entry.id)}")
        inner = expect_object(obj[entry.id], entry_path)
        checked[entry.id] = check_fields(inner, entry_path, fields)
    return checked


def check_fields(obj: Mapping[str, Any], path: str, fields: Sequence[str]) -> dict[str, int]:
    """Exactly ``fields``, each a non-negative integer."""
    reject_unknown(obj, fields, path)
    return {
        name: expect_int(require(obj, name, path), key_path(path, name), minimum=0)
        for name in fields
    }
