"""Meeting documents (会议文件): the PDFs deputies read before they vote.

A document is added to an agenda item as a ``document_added`` entry naming its SHA-256, so the
log fixes the exact bytes that were distributed; the file itself is stored by that hash
(:mod:`voting.document_store`). :func:`check_pdf` is the light structural check an upload must
pass before it is stored: a PDF header, a ``startxref`` offset inside the file that points at a
cross-reference table or stream, at least one object, and ``%%EOF`` at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from voting.core.checks import item_not_withdrawn, known_item, require_open
from voting.core.state import MeetingState
from voting.core.types import MAX_REASON, Entry
from voting.errors import CommandError, Conflict, NotFound

#: ``%PDF-1.0`` to ``%PDF-2.0`` on the first line.
_HEADER: Final = re.compile(rb"%PDF-[12]\.[0-9]")
#: The end of the file: ``startxref``, the offset, ``%%EOF`` (trailing whitespace allowed).
_TRAILER: Final = re.compile(rb"startxref\s+([0-9]{1,12})\s+%%EOF\s*$")
#: How far from the end ``startxref`` may be (the PDF specification reads the last 1024 bytes).
_TAIL: Final = 1024
_OBJECT: Final = re.compile(rb"\d+\s+\d+\s+obj\b")
_XREF_AT: Final = re.compile(rb"xref\b|\d+\s+\d+\s+obj\b")
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
#: The longest file name kept in the log.
MAX_FILENAME: Final = 200


def invalid_pdf(problem_zh: str, problem_en: str) -> CommandError:
    """400 ``invalid-pdf``: the upload is not a PDF the reader can be trusted to show."""
    return CommandError(
        "invalid-pdf", f"不是有效的 PDF 文件：{problem_zh}", f"not a valid PDF: {problem_en}"
    )


def check_pdf(data: bytes) -> None:
    """Raise ``invalid-pdf`` unless ``data`` has the structure of a PDF file."""
    if not _HEADER.match(data):
        raise invalid_pdf("文件开头不是 %PDF-", "the file does not start with %PDF-1.x or %PDF-2.0")
    trailer = _TRAILER.search(data[-_TAIL:])
    if trailer is None:
        raise invalid_pdf(
            "文件结尾缺少 startxref 与 %%EOF", "the file does not end with startxref and %%EOF"
        )
    offset = int(trailer.group(1))
    if offset >= len(data) or not _XREF_AT.match(data, offset):
        raise invalid_pdf(
            f"startxref 指向的位置 {offset} 没有交叉引用表",
            f"startxref points at offset {offset}, where there is no cross-reference table",
        )
    if not _OBJECT.search(data):
        raise invalid_pdf("文件中没有任何对象", "the file holds no object")


def is_sha256(text: str) -> bool:
    """Whether ``text`` is a SHA-256 in lower-case hex, as documents are named."""
    return _SHA256.fullmatch(text) is not None


def add_document(
    state: MeetingState,
    *,
    item: str,
    title: str,
    filename: str,
    size: int,
    sha256: str,
    by: str,
) -> list[Entry]:
    """Log the document ``sha256`` (``size`` bytes, already checked and stored) on agenda item
    ``item``; an item lists each document once."""
    require_open(state)
    known_item(state, item)
    item_not_withdrawn(state, item)
    if not is_sha256(sha256):
        raise ValueError(f"{sha256!r} is not a lower-case hex SHA-256")
    clean_title = title.strip()
    if not clean_title or len(clean_title) > MAX_REASON:
        raise CommandError(
            "invalid-document",
            f"文件标题须为 1 至 {MAX_REASON} 个字符",
            f"a document title must be 1 to {MAX_REASON} characters",
        )
    clean_name = filename.strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not clean_name or len(clean_name) > MAX_FILENAME:
        raise CommandError(
            "invalid-document",
            f"文件名须为 1 至 {MAX_FILENAME} 个字符",
            f"a file name must be 1 to {MAX_FILENAME} characters",
        )
    if sha256 in state.documents.get(item, {}):
        raise Conflict(
            "document-already-added",
            f"议程 {item} 已有此文件",
            f"item {item} already has the document {sha256}",
        )
    return [
        {
            "type": "document_added",
            "item": item,
            "title": clean_title,
            "filename": clean_name,
            "size": size,
            "sha256": sha256,
            "by": by,
        }
    ]


def require_logged(state: MeetingState, item: str, hashes: Iterable[str]) -> None:
    """A poll on ``item`` names only documents logged for that item (404 ``unknown-document``)."""
    listed = state.documents.get(item, {})
    for sha256 in hashes:
        if sha256 not in listed:
            raise NotFound(
                "unknown-document",
                f"议程 {item} 没有这份文件：{sha256}",
                f"item {item} has no document {sha256}",
            )
