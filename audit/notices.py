"""Public notices (公告): what a ``notice_issued`` entry publishes and the SHA-256 over it.

The chair issues notices numbered 第1号, 第2号 … per meeting. An entry carries the published
fields (:data:`PUBLISHED_FIELDS`) and ``sha256``, the SHA-256 (lower-case hex) of their RFC 8785
canonical JSON (:func:`notice_digest`). The server writes the hash and the verifier recomputes
it from the same fields, so a notice printed or shown on the public page can be checked against
the log: same fields, same hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from audit.canonical import canonical_bytes

#: What a notice is about: an announced poll's result, the projects a selection poll adopted
#: (民生实事项目), or the proposals the presidium handled (decided bills, answered suggestions).
NOTICE_KINDS: Final = ("result", "projects", "proposals")

#: The fields of a ``notice_issued`` entry that the notice publishes, and that its hash covers:
#: its number, kind, title, what it cites (``sources``: poll ids, or proposal hashes) and
#: its ``text``.
PUBLISHED_FIELDS: Final = ("notice", "kind", "title", "sources", "text")


def published(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The published fields of a ``notice_issued`` entry (or of the fields about to be one)."""
    return {name: entry[name] for name in PUBLISHED_FIELDS}


def notice_digest(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a notice's published fields."""
    return hashlib.sha256(canonical_bytes(published(fields), name="notice")).hexdigest()
