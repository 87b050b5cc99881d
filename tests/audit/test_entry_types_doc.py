"""docs/audit-log.md §4 lists every entry type and its fields exactly as ``audit/entries.py``
defines them, and the server writes no field the table does not name.

A verifier written from the document must accept every bundle the server exports, so the
table cannot lag behind the code, nor name a field the code does not know.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit.entries import ENTRY_TYPES, OPTIONAL_FIELDS, REQUIRED_FIELDS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "audit-log.md"
#: Fields every entry may carry that §1 and the opening of §4 describe, not the table.
COMMON_FIELDS = frozenset({"type", "at"})


@dataclass(frozen=True)
class Row:
    """One row of the §4 table: the fields and optional fields it names."""

    fields: frozenset[str]
    optional: frozenset[str]


def section_4(text: str) -> str:
    start = text.index("\n## 4. Entry types\n")
    return text[start : text.index("\n## 5. ", start)]


def field_names(cell: str) -> frozenset[str]:
    """The backquoted names at the top level of a cell: what stands in (), [] or {} describes
    a field's values or inner structure, not another field."""
    depth, kept = 0, []
    for char in cell:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return frozenset(re.findall(r"`([a-z][a-z0-9_]*)`", "".join(kept)))


def documented() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for line in section_4(DOC.read_text(encoding="utf-8")).splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 4, f"§4 row has {len(cells)} cells, not 4: {line}"
        kind = re.fullmatch(r"`([a-z_]+)`", cells[0])
        assert kind is not None, f"§4 row names no single entry type: {line}"
        assert kind.group(1) not in rows, f"§4 lists {kind.group(1)} twice"
        rows[kind.group(1)] = Row(field_names(cells[1]), field_names(cells[2]))
    return rows


def test_field_names_skip_what_describes_values() -> None:
    cell = "`deputy`, `method` (`tablet` / `operator`), `roster` [{deputy, `seat`}], `by`"
    assert field_names(cell) == {"deputy", "method", "roster", "by"}


def test_the_table_lists_exactly_the_entry_types_of_the_code() -> None:
    types = set(documented())
    assert sorted(ENTRY_TYPES - types) == [], "entry types missing from docs/audit-log.md §4"
    assert sorted(types - ENTRY_TYPES) == [], "§4 lists entry types the code does not define"
    assert len(types) == 53


@pytest.mark.parametrize("kind", sorted(ENTRY_TYPES))
def test_the_table_lists_exactly_the_fields_of_the_code(kind: str) -> None:
    row = documented()[kind]
    assert row.fields | row.optional == REQUIRED_FIELDS[kind] | OPTIONAL_FIELDS[kind]
    # Every required field is in the fields column; the optional column holds optional ones
    # only (a field about to become required may already stand in the fields column).
    assert sorted(REQUIRED_FIELDS[kind] - row.fields) == []
    assert sorted(row.optional - OPTIONAL_FIELDS[kind]) == []


def test_optional_fields_are_defined_for_every_type_and_never_required() -> None:
    assert set(OPTIONAL_FIELDS) == set(REQUIRED_FIELDS)
    assert {kind: REQUIRED_FIELDS[kind] & OPTIONAL_FIELDS[kind] for kind in ENTRY_TYPES} == {
        kind: frozenset() for kind in ENTRY_TYPES
    }


def entries_written_by_the_server() -> list[tuple[str, str, frozenset[str]]]:
    """Every dict literal under ``voting/`` whose ``"type"`` is an entry type, as (where, type,
    keys)."""
    found = []
    for path in sorted((ROOT / "voting").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = [key.value for key in node.keys if isinstance(key, ast.Constant)]
            if "type" not in keys:
                continue
            value = node.values[keys.index("type")]
            if isinstance(value, ast.Constant) and value.value in ENTRY_TYPES:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((where, value.value, frozenset(keys)))
    return found


def test_the_server_writes_every_entry_type_with_documented_fields_only() -> None:
    rows = documented()
    written = entries_written_by_the_server()
    assert {kind for _, kind, _ in written} == ENTRY_TYPES
    undocumented = {
        where: sorted(keys - rows[kind].fields - rows[kind].optional - COMMON_FIELDS)
        for where, kind, keys in written
    }
    assert {where: names for where, names in undocumented.items() if names} == {}
