"""The export bundle: a directory anyone can verify without the server (audit-log.md §7).

Layout::

    README.txt                     how to verify, in Chinese and English
    log.vkey                       the log's verifier key, one line
    entries.jsonl                  each entry's exact bytes + "\\n", in seq order
    checkpoints/0000000123.txt     every signed checkpoint note, named by its tree size
    documents/<sha256>.pdf         every document a ``document_added`` entry logs (if any)

:func:`write_bundle` writes it; :func:`read_bundle` reads it strictly. Reading checks only that
the bundle can be read (files present, lines complete, UTF-8, checkpoint names); what the
bytes say is for :mod:`audit.verify`. Entries are streamed, never held in memory together.

Errors::

    AuditError
    └── BundleError     the bundle cannot be read: a file is missing, truncated or misnamed
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from audit.errors import AuditError

__all__ = [
    "CHECKPOINTS_DIR",
    "DOCUMENTS_DIR",
    "ENTRIES_FILE",
    "README_FILE",
    "VKEY_FILE",
    "Bundle",
    "BundleError",
    "CheckpointFile",
    "checkpoint_file_name",
    "document_file_name",
    "read_bundle",
    "write_bundle",
]

README_FILE: Final = "README.txt"
VKEY_FILE: Final = "log.vkey"
ENTRIES_FILE: Final = "entries.jsonl"
CHECKPOINTS_DIR: Final = "checkpoints"
DOCUMENTS_DIR: Final = "documents"

_CHECKPOINT_NAME: Final = re.compile(r"[0-9]{10}\.txt")
_TREE_SIZE: Final = re.compile(r"0|[1-9][0-9]{0,9}")
_MAX_SIZE: Final = 10**10 - 1

README_TEXT: Final = """\
会议表决审计日志导出包
======================

本目录是一次人民代表大会会议的审计日志：会议期间写入的每一条记录（签到、表决、选票、结果）
都按顺序保存在 entries.jsonl 中，每行一条；checkpoints/ 中是服务器用日志密钥签名的检查点，
文件名是检查点覆盖的记录条数。log.vkey 是日志的公钥。

验证方法：
  1. 把 log.vkey 中的公钥与会议纪要中印出的公钥逐字核对；不一致则本包不可信。
  2. 运行 congress verify 本目录 --vkey "纪要中的公钥"
     程序逐项列出检查结果，全部通过时退出码为 0。
  3. 代表可核对自己的加密选票：congress verify 本目录 --tracking-code 平板显示的跟踪码

本包中的任何一个字节被改动、删除、插入或调换，验证都会失败并指出位置。
详见 docs/verifying.md。

Audit log bundle of a congress meeting
======================================

This directory holds the audit log of one sitting of a people's congress: every record written
during the meeting (attendance, votes, ballots, results) is in entries.jsonl, one per line, in
order; checkpoints/ holds the checkpoints signed with the log key, each file named by the number
of records it covers. log.vkey is the log's public key.

To verify:
  1. Compare the key in log.vkey, character by character, with the key printed in the minutes;
     if they differ, do not trust this bundle.
  2. Run: congress verify THIS_DIRECTORY --vkey "KEY FROM THE MINUTES"
     It lists every check and exits with status 0 only if all of them pass.
  3. A deputy can check their own encrypted ballot:
     congress verify THIS_DIRECTORY --tracking-code CODE_THE_TABLET_SHOWED

Changing, removing, inserting or reordering any byte of this bundle makes verification fail
and names where. See docs/verifying.md.
"""


class BundleError(AuditError):
    """The bundle cannot be read: a missing file, an incomplete line, bytes that are not UTF-8,
    a checkpoint file whose name does not match its tree size."""


def checkpoint_file_name(size: int) -> str:
    """The file name of the checkpoint for a tree of ``size`` entries."""
    if not 0 <= size <= _MAX_SIZE:
        raise ValueError(f"tree size {size} does not fit a 10-digit checkpoint file name")
    return f"{size:010d}.txt"


def write_bundle(
    directory: Path,
    *,
    vkey: str,
    entries: Iterable[bytes],
    checkpoints: Iterable[tuple[int, str]],
) -> None:
    """Write an export bundle to ``directory``, which must be absent or empty.

    ``entries`` are the exact bytes of each entry in seq order; ``checkpoints`` are
    ``(tree size, signed note)`` pairs. Entries are streamed to disk, and ``checkpoints`` is
    iterated only after the last entry is written, so it may be filled while entries stream.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty; a bundle needs an empty directory")
    if not vkey or "\n" in vkey:
        raise ValueError("the vkey must be one non-empty line")
    (directory / README_FILE).write_bytes(README_TEXT.encode("utf-8"))
    (directory / VKEY_FILE).write_bytes(vkey.encode("utf-8") + b"\n")
    with open(directory / ENTRIES_FILE, "wb") as out:
        for seq, entry in enumerate(entries):
            if b"\n" in entry:
                raise ValueError(f"entry {seq} contains a newline; entries are one line each")
            out.write(entry)
            out.write(b"\n")
    checkpoint_dir = directory / CHECKPOINTS_DIR
    checkpoint_dir.mkdir()
    for size, note in checkpoints:
        path = checkpoint_dir / checkpoint_file_name(size)
        if path.exists():
            raise ValueError(f"two checkpoints for tree size {size}")
        path.write_bytes(note.encode("utf-8"))


def document_file_name(sha256: str) -> str:
    """The bundle path of the document whose SHA-256 is ``sha256`` (hex)."""
    return f"{DOCUMENTS_DIR}/{sha256}.pdf"


@dataclass(frozen=True)
class CheckpointFile:
    """One signed checkpoint note of the bundle, as read; ``size`` is taken from its name."""

    name: str
    size: int
    note: str


@dataclass(frozen=True)
class Bundle:
    """A bundle whose log key and checkpoints have been read; entries are read by
    :meth:`entry_lines`, which raises :class:`BundleError` at the first line it cannot read."""

    directory: Path
    vkey: str
    checkpoints: tuple[CheckpointFile, ...]

    @property
    def entries_path(self) -> Path:
        return self.directory / ENTRIES_FILE

    @property
    def entries_bytes(self) -> int:
        """Size of ``entries.jsonl`` in bytes, for progress reports."""
        return self.entries_path.stat().st_size

    def entry_lines(self) -> Iterator[tuple[bytes, str]]:
        """Stream the entries in file order: each entry's bytes without the newline, and the
        same bytes decoded."""
        try:
            handle = open(self.entries_path, "rb")  # noqa: SIM115 - closed in finally
        except OSError as exc:
            raise BundleError(f"{ENTRIES_FILE}: cannot be opened ({exc.strerror})") from None
        try:
            for index, line in enumerate(handle):
                if not line.endswith(b"\n"):
                    raise BundleError(
                        f"{ENTRIES_FILE} line {index + 1} (entry {index}): the last line has "
                        "no newline; the file is truncated"
                    )
                data = line[:-1]
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise BundleError(
                        f"{ENTRIES_FILE} line {index + 1} (entry {index}): not UTF-8 "
                        f"(invalid byte at offset {exc.start})"
                    ) from None
                yield data, text
        except OSError as exc:
            raise BundleError(f"{ENTRIES_FILE}: read failed ({exc.strerror})") from None
        finally:
            handle.close()


def read_bundle(directory: Path) -> Bundle:
    """Read a bundle's log key and checkpoints; raises :class:`BundleError` if anything is
    missing or unreadable. Entries are checked as they are streamed."""
    directory = Path(directory)
    if not directory.is_dir():
        raise BundleError(f"{directory}: not a directory")
    entries = directory / ENTRIES_FILE
    if not entries.is_file():
        raise BundleError(f"{ENTRIES_FILE}: missing")
    return Bundle(directory, _read_vkey(directory / VKEY_FILE), _read_checkpoints(directory))


def _read_vkey(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{VKEY_FILE}: missing") from None
    except OSError as exc:
        raise BundleError(f"{VKEY_FILE}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{VKEY_FILE}: not UTF-8 (invalid byte at offset {exc.start})") from None
    if not text.endswith("\n") or text.count("\n") != 1 or len(text) == 1:
        raise BundleError(f"{VKEY_FILE}: expected exactly one line ending in a newline")
    return text[:-1]


def _read_checkpoints(directory: Path) -> tuple[CheckpointFile, ...]:
    folder = directory / CHECKPOINTS_DIR
    if not folder.is_dir():
        raise BundleError(f"{CHECKPOINTS_DIR}/: missing")
    found = []
    for path in sorted(folder.iterdir()):
        name = f"{CHECKPOINTS_DIR}/{path.name}"
        if not _CHECKPOINT_NAME.fullmatch(path.name) or not path.is_file():
            raise BundleError(f"{name}: not a checkpoint file name (10 digits and .txt)")
        try:
            note = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BundleError(f"{name}: not UTF-8 (invalid byte at offset {exc.start})") from None
        except OSError as exc:
            raise BundleError(f"{name}: cannot be read ({exc.strerror})") from None
        size = int(path.name[:10])
        lines = note.split("\n", 2)
        if len(lines) < 3 or not _TREE_SIZE.fullmatch(lines[1]):
            raise BundleError(f"{name}: no tree size on the checkpoint's second line")
        if int(lines[1]) != size:
            raise BundleError(f"{name}: the checkpoint is for tree size {lines[1]}, not {size}")
        found.append(CheckpointFile(name, size, note))
    return tuple(found)
