"""Check 2: every entry is canonical JSON, ``seq`` is its line number, its type is known, and
it carries its required fields with values of the right kind (see :mod:`audit.verify.fields`).
An entry of the retired sealed-ballot protocol (``participation``, ``ballot``) fails here,
named as such.
"""

from __future__ import annotations

from typing import Any

from audit.canonical import parse_canonical, parse_canonical_quick
from audit.entries import (
    ENTRY_TYPES,
    ENTRY_VERSION,
    REQUIRED_FIELDS,
    RETIRED_TYPES,
    retired_message,
)
from audit.errors import CanonicalError
from audit.verify.base import Check, Entry, show
from audit.verify.fields import field_problems

__all__ = ["EncodingCheck"]


class EncodingCheck(Check):
    """Parses each line once, checks it, and hands the entry on (``None`` if it failed)."""

    number = 2

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._offset = 0
        self.entries = 0

    def parse(self, seq: int, data: bytes, text: str) -> Entry | None:
        self.entries += 1
        entry = self._canonical(seq, data, text)
        if entry is None:
            return None
        found = entry.get("seq")
        if type(found) is not int:
            self.fail(seq, f"entry {seq}: seq is {show(found)}, not an integer")
            return None
        offset = found - seq
        if offset and offset != self._offset:
            self.fail(
                seq,
                f"entry {seq}: seq is {found}, expected {seq} (an entry is missing, inserted or "
                "out of place here)",
            )
        self._offset = offset
        if offset:
            return None
        kind = entry.get("type")
        if kind in RETIRED_TYPES:
            self.fail(seq, f"entry {seq}: {retired_message(kind)}")
            return None
        if type(kind) is not str or kind not in ENTRY_TYPES:
            self.fail(seq, f"entry {seq}: unknown entry type {show(kind)}")
            return None
        version = entry.get("v")
        if version != ENTRY_VERSION or type(version) is not int:
            self.fail(seq, f"entry {seq}: v is {show(version)}, expected {ENTRY_VERSION}")
            return None
        missing = sorted(REQUIRED_FIELDS[kind] - entry.keys())
        if missing:
            names = ", ".join(f'"{name}"' for name in missing)
            self.fail(seq, f"entry {seq}: {kind} lacks required field(s) {names}")
            return None
        problems = field_problems(kind, entry)
        if problems:
            for problem in problems:
                self.fail(seq, f"entry {seq}: {kind} {problem}")
            return None
        return entry

    def _canonical(self, seq: int, data: bytes, text: str) -> Entry | None:
        """Parse a line, accepting only canonical JSON. Plain-ASCII lines, almost every line,
        take :func:`audit.canonical.parse_canonical_quick`, with the same outcome as
        :func:`audit.canonical.parse_canonical`; others, and every failure, go through it."""
        obj = parse_canonical_quick(data)
        if obj is not None:
            return obj
        try:
            return parse_canonical(data)
        except CanonicalError as exc:
            self.fail(seq, f"entry {seq}: {exc.message}")
            return None

    def detail(self) -> str:
        return f"{self.entries:,} entries"
