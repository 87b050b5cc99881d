"""Part of check 3: the bundle's documents are the bytes the log names.

Each ``document_added`` entry fixes a document's SHA-256 and size; the bundle carries the file
as ``documents/<sha256>.pdf``. The Merkle tree proves the entries unchanged, and this check
extends that proof to the documents: each logged document must be in the bundle with exactly
that hash and size, and the bundle may hold no document the log does not name. A motion's
poll that names documents (``definition.documents``) names only documents logged on its item
before it opened.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from audit.bundle import DOCUMENTS_DIR, document_file_name
from audit.verify.base import Check, Entry, Gate
from audit.verify.report import Failures

__all__ = ["DocumentCheck"]

_CHUNK: Final = 1 << 20


class DocumentCheck(Check):
    """Check 3 for documents; shares check 3's failures with the tree check."""

    number = 3

    def __init__(self, gate: Gate, *, directory: Path, failures: Failures) -> None:
        super().__init__(gate)
        self.directory = directory
        self.failures = failures
        #: sha256 -> (seq of its first entry, size logged)
        self.logged: dict[str, tuple[int, int]] = {}
        #: item -> the documents logged on it so far
        self.on_item: dict[str, set[str]] = {}

    def feed(self, seq: int, entry: Entry) -> None:
        if entry["type"] == "poll_opened":
            self._named_by_poll(seq, entry)
            return
        if entry["type"] != "document_added":
            return
        sha256, size = entry["sha256"], entry["size"]
        self.on_item.setdefault(entry["item"], set()).add(sha256)
        known = self.logged.get(sha256)
        if known is not None and known[1] != size:
            self.fail(
                seq,
                f"entry {seq}: document {sha256} logged with size {size}, entry {known[0]}"
                f" logged {known[1]}",
            )
            return
        self.logged.setdefault(sha256, (seq, size))

    def _named_by_poll(self, seq: int, entry: Entry) -> None:
        named = entry["definition"].get("documents", [])
        listed = self.on_item.get(entry["item"], set())
        for sha256 in named:
            if sha256 not in listed:
                self.fail(
                    seq,
                    f"entry {seq}: poll {entry['poll']} names document {sha256}, which no"
                    f" earlier document_added entry logs on item {entry['item']}",
                )

    def finish(self) -> None:
        """Hash every logged document; name each missing, changed or unlogged file."""
        for sha256, (seq, size) in self.logged.items():
            name = document_file_name(sha256)
            path = self.directory / name
            try:
                found, length = _sha256_of(path)
            except FileNotFoundError:
                self.fail(seq, f"entry {seq}: {name} is missing from the bundle")
                continue
            except OSError as exc:
                self.fail(seq, f"entry {seq}: {name} cannot be read ({exc.strerror})")
                continue
            if found != sha256 or length != size:
                self.fail(
                    seq,
                    f"entry {seq}: {name} has SHA-256 {found} and {length} bytes; the entry logs"
                    f" {sha256} and {size} bytes",
                )
        folder = self.directory / DOCUMENTS_DIR
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.name.removesuffix(".pdf") not in self.logged or path.suffix != ".pdf":
                    self.fail(
                        len(self.logged),
                        f"{DOCUMENTS_DIR}/{path.name}: no document_added entry names this file",
                    )

    def detail(self) -> str:
        return f"{len(self.logged)} documents" if self.logged else ""


def _sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    length = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            length += len(chunk)
    return digest.hexdigest(), length
