"""Turn entries given by the server into the exact bytes and leaf hashes a log stores.

:func:`build_entries` is pure: it takes the entries, the log they are appended to (its origin,
key and size) and the time to stamp, and returns each entry's canonical bytes (audit-log.md §1)
and RFC 6962 leaf hash. It reads no clock and touches no database; :class:`audit.transaction.
LogTransaction` calls it and stores the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit.canonical import canonical_bytes
from audit.entries import (
    AT_PATTERN,
    ENTRY_TYPES,
    ENTRY_VERSION,
    REQUIRED_FIELDS,
    RETIRED_TYPES,
    retired_message,
)
from audit.errors import EntryError
from audit.merkle import leaf_hash

__all__ = ["BuiltEntry", "LogPosition", "build_entries", "needs_time"]


@dataclass(frozen=True)
class LogPosition:
    """What the builder needs of the log an entry is appended to."""

    #: The log's origin line, which ``meeting_opened`` must repeat.
    origin: str
    #: The verifier key of the log's signing key, which ``meeting_opened`` must repeat.
    log_key: str
    #: The number of entries before the first one built: the first entry's ``seq``.
    size: int


@dataclass(frozen=True)
class BuiltEntry:
    """One entry as stored: its ``seq``, canonical bytes and leaf hash."""

    seq: int
    data: bytes
    leaf_hash: bytes


def needs_time(entry: object) -> bool:
    """Whether building ``entry`` stamps it with the current time: an entry (every type is
    timed) that has no ``at`` of its own."""
    if not isinstance(entry, Mapping):
        return False
    return "at" not in entry


def build_entries(
    entries: Sequence[Mapping[str, Any]], position: LogPosition, *, at: str | None
) -> list[BuiltEntry]:
    """Check each entry and return it as stored, numbered from ``position.size``.

    Each entry gets ``v`` and ``seq``, and ``at`` unless it already has one.
    ``at`` is the time to stamp (``2026-03-01T09:30:00Z``); it may be ``None`` only if no entry
    :func:`needs_time`. Raises :class:`EntryError` naming the first invalid entry, so that a
    caller stores either all entries or none.
    """
    built = []
    for seq, entry in enumerate(entries, start=position.size):
        data = _entry_bytes(entry, seq, position, at=at)
        built.append(BuiltEntry(seq, data, leaf_hash(data)))
    return built


def _entry_bytes(
    entry: Mapping[str, Any], seq: int, position: LogPosition, *, at: str | None
) -> bytes:
    """Check ``entry`` and return the canonical bytes of it as entry ``seq``."""
    if not isinstance(entry, Mapping):
        raise EntryError(f"entry {seq}: an entry must be a JSON object, not {type(entry)}")
    kind = entry.get("type")
    if kind in RETIRED_TYPES:
        raise EntryError(f"entry {seq}: {retired_message(kind)}")
    if not isinstance(kind, str) or kind not in ENTRY_TYPES:
        raise EntryError(f"entry {seq}: unknown entry type {kind!r}")
    where = f"entry {seq} ({kind})"
    missing = REQUIRED_FIELDS[kind].difference(entry)
    if missing:
        raise EntryError(f"{where}: missing required field {', '.join(sorted(missing))}")
    if "seq" in entry:
        raise EntryError(f"{where}: 'seq' is assigned by the log and must not be given")
    if entry.get("v", ENTRY_VERSION) != ENTRY_VERSION:
        raise EntryError(f"{where}: 'v' must be {ENTRY_VERSION}, not {entry['v']!r}")
    if (seq == 0) != (kind == "meeting_opened"):
        raise EntryError(f"{where}: a log begins with meeting_opened, and only there")
    if kind == "meeting_opened":
        _check_meeting_opened(entry, where, position)
    record = dict(entry)
    record["v"] = ENTRY_VERSION
    record["seq"] = seq
    if "at" in entry:
        given = entry["at"]
        if not isinstance(given, str) or not AT_PATTERN.fullmatch(given):
            raise EntryError(f"{where}: 'at' must look like 2026-03-01T09:30:00Z, not {given!r}")
    elif at is None:
        raise ValueError(f"{where} needs a time, and none was given to the builder")
    else:
        record["at"] = at
    return canonical_bytes(record, name=f"entry {seq}")


def _check_meeting_opened(entry: Mapping[str, Any], where: str, position: LogPosition) -> None:
    if entry["origin"] != position.origin:
        raise EntryError(f"{where}: origin {entry['origin']!r} is not {position.origin!r}")
    if entry["log_key"] != position.log_key:
        raise EntryError(f"{where}: log_key is not the log's key {position.log_key}")
