"""Public notices (公告): the chair issues them; anyone reads them, without logging in.

``POST …/notices`` issues the next numbered notice (:mod:`voting.core.notices`). The two reads
are public, like the log's checkpoints and proofs: they show only what a notice publishes (its
fields, its log entry, the signed checkpoint that covers it) and the log's public key, so a
reader's browser can check the notice is in the log. Nothing a login protects is in them.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any

from pydantic import StringConstraints

from audit.notices import PUBLISHED_FIELDS
from devices.qr import qr_svg
from voting import core
from voting.errors import NotFound
from voting.http.answers import Answer
from voting.http.endpoints import Call, Endpoints
from voting.protocol import Id, Strict
from voting.service import Decision, MeetingService

ROUTES = Endpoints()


class NoticeRequest(Strict):
    """A notice of ``kind`` ``result`` or ``projects`` (of ``poll``), or ``proposals``."""

    kind: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    poll: Id | None = None


class NoticeSummary(Answer):
    notice: int
    kind: str
    title: str
    at: str
    sha256: str


class NoticeList(Answer):
    """The meeting's title and date, its log key, and its notices in number order."""

    meeting: dict[str, str]
    log_key: str
    notices: list[NoticeSummary]


class NoticeCheckpoint(Answer):
    """The first signed checkpoint whose tree holds the notice's entry, and its QR code."""

    size: int
    note: str
    qr_svg: str


class NoticeView(Answer):
    """One notice: its published fields, hash and time, its log entry (``seq``, ``entry``)
    and the checkpoint it cites (``null`` until one covers it)."""

    notice: int
    kind: str
    title: str
    sources: list[str]
    text: str
    sha256: str
    at: str
    seq: int
    entry: dict[str, Any]
    checkpoint: NoticeCheckpoint | None
    meeting: dict[str, str]
    log_key: str


@ROUTES.command(
    "POST",
    "/api/meetings/{meeting}/notices",
    permission="notice",
    body=NoticeRequest,
    summary="发布公告 / issue the next numbered public notice",
)
def issue_notice(call: Call[NoticeRequest]) -> Decision:
    return functools.partial(
        core.issue_notice, kind=call.body.kind, poll=call.body.poll, by=call.actor
    )


def _logged(service: MeetingService, notice: dict[str, Any]) -> dict[str, Any]:
    """The ``notice_issued`` entry as the log stores it (with its ``at``)."""
    logged: dict[str, Any] = json.loads(service.log.entry(notice["seq"]))
    return logged


def _meeting(service: MeetingService) -> dict[str, str]:
    facts = service.state.meeting
    return {"title": str(facts.get("title", "")), "date": str(facts.get("date", ""))}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/notices",
    permission=None,
    answer=NoticeList,
    summary="公告列表（公开）/ the meeting's public notices",
)
async def list_notices(call: Call[None]) -> Any:
    service = call.service()
    return {
        "meeting": _meeting(service),
        "log_key": service.log.vkey,
        "notices": [
            {k: entry[k] for k in ("notice", "kind", "title", "at", "sha256")}
            for entry in map(functools.partial(_logged, service), service.state.notices)
        ],
    }


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/notices/{number}",
    permission=None,
    answer=NoticeView,
    summary="一份公告及其日志条目和签名检查点（公开）/ one notice with its entry and checkpoint",
)
async def get_notice(call: Call[None]) -> Any:
    """Notice ``number``; 404 ``unknown-notice`` when the meeting issued none of that number."""
    service = call.service()
    raw = call.params["number"]
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
    if not 1 <= number <= len(service.state.notices):
        raise NotFound(
            "unknown-notice", f"没有第{raw}号公告", f"the meeting issued no notice {raw!r}"
        )
    entry = _logged(service, service.state.notices[number - 1])
    seq = entry["seq"]
    covering = service.log.checkpoints_after(seq, 1)
    checkpoint = None
    if covering:
        size, note = covering[0]
        checkpoint = {"size": size, "note": note, "qr_svg": qr_svg(note)}
    return {
        **{k: entry[k] for k in PUBLISHED_FIELDS},
        "sha256": entry["sha256"],
        "at": entry["at"],
        "seq": seq,
        "entry": entry,
        "checkpoint": checkpoint,
        "meeting": _meeting(service),
        "log_key": service.log.vkey,
    }
