"""Meeting documents on disk, stored by content: ``<data_dir>/documents/<sha256>.pdf``.

A file is written under a temporary name and renamed into place (then synced), so a reader
never sees half a document and the name always is the SHA-256 of the bytes. The same document
uploaded twice, or to two meetings, is stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from voting.core.documents import is_sha256

DOCUMENTS_DIR = "documents"


class DocumentStore:
    """The documents folder of an installation."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, sha256: str) -> Path:
        """Where the document ``sha256`` is (or would be) stored."""
        if not is_sha256(sha256):
            raise ValueError(f"{sha256!r} is not a lower-case hex SHA-256")
        return self.directory / f"{sha256}.pdf"

    def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its SHA-256 (hex)."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.is_file():
            return sha256
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def read(self, sha256: str) -> bytes:
        """The bytes of document ``sha256`` (FileNotFoundError when it is not stored)."""
        return self.path(sha256).read_bytes()
