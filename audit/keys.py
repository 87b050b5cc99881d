"""The log signing key: an Ed25519 private key in a PKCS#8 PEM file readable by its owner only.

The key's name in signed notes is the log origin (audit-log.md §3), so the name is not stored in
the file: callers pass the origin when they load the key.

Errors::

    AuditError
    └── KeyFileError          the key file cannot be created or used
        ├── KeyFileExists     refusing to overwrite an existing key file
        ├── KeyFileMissing    no key file at the path
        ├── KeyFilePermissions  group or others may access the file
        └── KeyFileInvalid    the file is not a PEM Ed25519 private key
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import note
from audit.errors import AuditError, NoteError
from audit.note import NoteSigner
from audit.private_file import write_private_file

__all__ = [
    "KeyFileError",
    "KeyFileExists",
    "KeyFileInvalid",
    "KeyFileMissing",
    "KeyFilePermissions",
    "check_key_name",
    "create_key_file",
    "load_signer",
]


class KeyFileError(AuditError):
    """The key file cannot be created or used; ``path`` names it."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class KeyFileExists(KeyFileError):
    """A key file already exists at the path; it is never overwritten."""


class KeyFileMissing(KeyFileError):
    """There is no key file at the path."""


class KeyFilePermissions(KeyFileError):
    """The key file may be read or written by its group or by others."""


class KeyFileInvalid(KeyFileError):
    """The file is not a PEM-encoded Ed25519 private key."""


def check_key_name(name: str) -> str:
    """Return ``name`` if it can name a log and its key: non-empty, no whitespace, no ``+``, no
    control characters. Raises :class:`ValueError` otherwise."""
    try:
        note.check_key_name(name, "log origin")
    except NoteError as exc:
        raise ValueError(exc.message) from None
    return name


def create_key_file(path: Path, name: str) -> NoteSigner:
    """Generate a new Ed25519 key, write it to ``path`` with mode 0600 and return its signer.

    Parent directories are created. The file appears complete or not at all
    (:func:`audit.private_file.write_private_file`); an existing file is never overwritten
    (:class:`KeyFileExists`).
    """
    check_key_name(name)
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_private_file(path, pem)
    except FileExistsError:
        raise KeyFileExists(
            f"key file {path} already exists; refusing to overwrite it", path
        ) from None
    return NoteSigner(name, key)


def load_signer(path: Path, name: str) -> NoteSigner:
    """Load the key at ``path`` as the signer named ``name`` (the log origin).

    Refuses a missing file, a file that its group or others may access, and anything but a
    PEM Ed25519 private key.
    """
    check_key_name(name)
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyFileMissing(
            f"log signing key {path} not found; create it with `congress init`", path
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileInvalid(f"log signing key {path} is not a regular file", path)
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "posix" and mode & 0o077:
        raise KeyFilePermissions(
            f"log signing key {path} has mode {mode:04o}: group or others may access it; "
            f"restrict it with `chmod 600 {path}`",
            path,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"log signing key {path} cannot be read ({exc.strerror})"
        raise KeyFileError(message, path) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        message = f"log signing key {path} is not an unencrypted PEM private key"
        raise KeyFileInvalid(message, path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileInvalid(f"log signing key {path} is not an Ed25519 private key", path)
    return NoteSigner(name, key)
