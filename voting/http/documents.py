"""Meeting documents: upload a PDF to an agenda item, fetch a document by its SHA-256.

An upload is refused before its body is read when it announces more than
``settings.max_document_bytes`` (413 ``document-too-large``), and while it streams as soon as
it passes that size; a body that is not a PDF is refused (400 ``invalid-pdf``) and never
stored. Only then is the file stored by its hash and the ``document_added`` entry committed.
A document is served only as the meeting logged it, as a PDF that the browser may not sniff,
in a sandbox (no scripts, no same-origin access).
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from starlette.responses import Response

from voting import core
from voting.core.documents import is_sha256
from voting.document_store import DOCUMENTS_DIR, DocumentStore
from voting.errors import NotFound, TooLarge
from voting.http.answers import DocumentAdded
from voting.http.endpoints import Call, Endpoints, invalid
from voting.limits import declared_length

ROUTES = Endpoints()

PDF = "application/pdf"
#: What a document answer may do in the browser: be shown, nothing more.
DOCUMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, max-age=31536000, immutable",
}


def too_large(limit: int) -> TooLarge:
    """413 ``document-too-large``: the upload is over the installation's limit."""
    mib = limit / (1024 * 1024)
    return TooLarge(
        "document-too-large",
        f"文件过大（上限 {mib:g} MiB）",
        f"document too large (limit {mib:g} MiB)",
        limit=limit,
    )


def store_of(call: Call[Any]) -> DocumentStore:
    return DocumentStore(call.runtime.settings.data_dir / DOCUMENTS_DIR)


async def read_document(call: Call[Any], limit: int) -> bytes:
    """The request body, refused by its ``Content-Length`` before any of it is read and while
    it streams as soon as it passes ``limit`` bytes."""
    length = declared_length(call.request.scope)
    if length is not None and length > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    received = 0
    async for chunk in call.request.stream():
        received += len(chunk)
        if received > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def text_parameter(call: Call[Any], name: str) -> str:
    """A text query parameter the upload needs (400 ``invalid-message`` without it)."""
    value = call.request.query_params.get(name, "").strip()
    if not value:
        raise invalid(f"missing query parameter {name}")
    return value


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/items/{item}/documents",
    permission="agenda",
    answer=DocumentAdded,
    summary="上传会议文件（PDF）/ upload a document (PDF) of an agenda item",
)
async def upload_document(call: Call[None]) -> Any:
    title = text_parameter(call, "title")
    filename = call.request.query_params.get("filename", "").strip() or f"{title}.pdf"
    content_type = call.request.headers.get("content-type", "")
    if content_type.split(";")[0].strip() != PDF:
        raise invalid(f"the body must be {PDF}, not {content_type or 'untyped'}")
    data = await read_document(call, call.runtime.settings.max_document_bytes)
    core.check_pdf(data)
    sha256 = hashlib.sha256(data).hexdigest()
    decide = functools.partial(
        core.add_document,
        item=call.params["item"],
        title=title,
        filename=filename,
        size=len(data),
        sha256=sha256,
        by=call.actor,
    )
    # Refused on the present state before anything is stored; decided again when committed.
    decide(call.service().state)
    store_of(call).put(data)
    written = await call.command(decide)
    return {**written, "sha256": sha256, "size": len(data)}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/documents/{sha256}",
    permission=None,
    media_type=PDF,
    summary="读取会议文件 / a document of the meeting, by its SHA-256",
)
async def get_document(call: Call[None]) -> Any:
    sha256 = call.params["sha256"]
    documents = call.service().state.documents
    if not is_sha256(sha256) or not any(sha256 in listed for listed in documents.values()):
        raise NotFound(
            "unknown-document",
            "本次会议没有这份文件",
            f"the meeting has no document {sha256}",
        )
    try:
        data = store_of(call).read(sha256)
    except FileNotFoundError:
        raise NotFound(
            "unknown-document", "文件未找到", f"document {sha256} is not stored"
        ) from None
    return Response(data, media_type=PDF, headers=DOCUMENT_HEADERS)
