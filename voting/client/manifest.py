"""The release manifest of the tablet client: the SHA-256 of every file the tablet page may load.

``congress check-client`` (voting/cli/check_client.py) compares what a meeting server delivers
with this manifest, so an auditor can see that the tablets run the published code
(docs/ballot-secrecy.md §4, docs/verifying.md).

The manifest is computed from the installed package, never kept by hand: a release is checked
against itself, and a file added to the client is covered the moment it is installed. It holds

- every file under ``devices/static/`` (the tablet page, its modules, the crypto worker, the
  vendored noble libraries), served under ``/static/tablet/``;
- every file under ``voting/static/common/`` (what the tablet shares with the console), served
  under ``/static/common/``;
- ``/static/common/words.js``, which the server generates from ``ballots/words.py``: the manifest
  recomputes it with the server's own function (:func:`voting.pages.words_module`), so the
  generated module is checked byte for byte like a file;
- the Content-Security-Policy the server sends with the page (:data:`voting.pages.SECURITY_HEADERS`).

It lives in ``voting`` rather than ``devices`` because it describes what the meeting server
serves: the URL layout, the generated module and the policy header are the server's
(voting/pages.py), and ``devices`` imports nothing of ``voting``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Final

from voting.pages import SECURITY_HEADERS, words_module

#: Where the server mounts the tablet's files and the shared ones (voting/pages.py).
TABLET_PREFIX: Final = "/static/tablet/"
COMMON_PREFIX: Final = "/static/common/"
#: The generated words module, served by its own route before the common mount.
WORDS_PATH: Final = COMMON_PREFIX + "words.js"
#: The tablet page's own file; the server serves it at ``/tablet/{meeting}``.
PAGE_PATH: Final = TABLET_PREFIX + "tablet.html"
#: The page route, whatever the meeting.
PAGE_ROUTE_PREFIX: Final = "/tablet/"

DISTRIBUTION: Final = "congress-vote"


@dataclass(frozen=True)
class ClientManifest:
    """What the installed release serves to a tablet: URL path → SHA-256 (hex) of its bytes."""

    version: str
    content_security_policy: str
    files: MappingProxyType[str, str]

    def lines(self) -> list[str]:
        """The manifest as text lines: ``csp POLICY``, then ``SHA256  PATH`` per file, sorted by
        path (the format of ``sha256sum``)."""
        lines = [f"csp {self.content_security_policy}"]
        lines.extend(f"{sha}  {path}" for path, sha in sorted(self.files.items()))
        return lines

    def digest(self) -> str:
        """The SHA-256 of :meth:`lines` (each ending in a newline), to compare two installations
        at a glance."""
        text = "".join(line + "\n" for line in self.lines())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_manifest() -> ClientManifest:
    """The manifest of the installed release, read through :mod:`importlib.resources`."""
    hashes: dict[str, str] = {}
    for prefix, root in (
        (TABLET_PREFIX, files("devices") / "static"),
        (COMMON_PREFIX, files("voting") / "static" / "common"),
    ):
        for relative, entry in _walk(root, ""):
            hashes[prefix + relative] = sha256_hex(entry.read_bytes())
    hashes[WORDS_PATH] = sha256_hex(words_module().encode("utf-8"))
    return ClientManifest(
        version=release_version(),
        content_security_policy=SECURITY_HEADERS["Content-Security-Policy"],
        files=MappingProxyType(dict(sorted(hashes.items()))),
    )


def release_version() -> str:
    """The installed version of congress-vote."""
    return importlib.metadata.version(DISTRIBUTION)


def _walk(folder: Traversable, relative: str) -> Iterator[tuple[str, Traversable]]:
    """Every file under ``folder`` as (path relative to it with ``/``, entry), skipping byte-code
    caches and hidden files, which are no part of a release."""
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        path = relative + entry.name
        if entry.is_dir():
            yield from _walk(entry, path + "/")
        elif entry.is_file():
            yield path, entry
