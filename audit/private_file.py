"""Write a new file that appears complete or not at all, with exactly the mode asked for.

Used for private keys (mode 0600: the log signing key, the server's TLS key) and for the
certificates beside them. The data goes to a temporary file in the same directory, created with
the final mode and synced; it is then linked to its name, which fails if the name exists. So an
existing file is never overwritten, a crash never leaves a half-written key, and the file is
never readable by others, even for a moment or under a permissive umask.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Final

__all__ = ["PRIVATE_FILE_MODE", "write_new_file", "write_private_file"]

#: Read and write for the owner only.
PRIVATE_FILE_MODE: Final = 0o600


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to the new file ``path`` with mode 0600; see :func:`write_new_file`."""
    write_new_file(path, data, mode=PRIVATE_FILE_MODE)


def write_new_file(path: Path, data: bytes, *, mode: int) -> None:
    """Write ``data`` to ``path``, which must not exist yet, with exactly ``mode``.

    Raises :class:`FileExistsError` if ``path`` exists (it is left as it was), and
    :class:`OSError` if the file cannot be written (then nothing is left behind). The parent
    directory must exist.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            out = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), mode)  # the umask may have narrowed the mode
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)  # atomic, and never replaces an existing file
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the new name durable: sync the directory that holds it."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
