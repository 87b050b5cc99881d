"""Reading a meeting's log: checkpoints and proofs are public, entries are for auditors."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from devices.qr import qr_svg
from voting.errors import NotFound
from voting.http.answers import BallotEntry, CheckpointPage, ConsistencyProof, InclusionProof
from voting.http.endpoints import Call, Endpoints, invalid

ROUTES = Endpoints()


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in items]


def _latest_checkpoint(call: Call[None]) -> str:
    note = call.service().log.latest_checkpoint()
    if note is None:
        raise NotFound("no-checkpoint", "尚无签名检查点", "no checkpoint has been signed yet")
    return note


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/checkpoint",
    permission=None,
    media_type="text/plain",
    summary="最新签名检查点 / the newest signed checkpoint",
)
async def checkpoint(call: Call[None]) -> Any:
    return PlainTextResponse(_latest_checkpoint(call))


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/checkpoint.svg",
    permission=None,
    media_type="image/svg+xml",
    summary="最新签名检查点的二维码 / the newest checkpoint as a QR code (SVG)",
)
async def checkpoint_qr(call: Call[None]) -> Any:
    return Response(qr_svg(_latest_checkpoint(call)), media_type="image/svg+xml")


#: Checkpoints per page of ``GET …/log/checkpoints`` when the caller names no ``limit``, and
#: the most one page holds.
CHECKPOINT_PAGE = 100
CHECKPOINT_PAGE_MAX = 1000


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/checkpoints",
    permission=None,
    answer=CheckpointPage,
    query=(("after", False), ("limit", False)),
    summary="全部签名检查点，按树大小从小到大 / every signed checkpoint, oldest first (?after=&limit=)",
)
async def checkpoint_list(call: Call[None]) -> Any:
    """One page of the checkpoints the log signed, each the signed note as published: those of
    a tree size above ``after`` (all when absent), at most ``limit``."""
    log = call.service().log
    after = call.query_int("after") if "after" in call.request.query_params else None
    limit = call.query_int("limit", CHECKPOINT_PAGE)
    if not 1 <= limit <= CHECKPOINT_PAGE_MAX:
        raise invalid(f"need 1 ≤ limit ≤ {CHECKPOINT_PAGE_MAX}")
    page = log.checkpoints_after(after, limit + 1)
    return {
        "checkpoints": [{"size": size, "note": note} for size, note in page[:limit]],
        "more": len(page) > limit,
    }


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/checkpoints/{size}",
    permission=None,
    media_type="text/plain",
    summary="某一树大小的签名检查点 / the signed checkpoint of one tree size",
)
async def checkpoint_of_size(call: Call[None]) -> Any:
    """The signed checkpoint note for tree size ``size``; 404 ``unknown-checkpoint`` when the
    log signed none of that size."""
    raw = call.params["size"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise invalid("the tree size must be a whole number")
    size = int(raw)
    note = call.service().log.checkpoint_at(size)
    if note is None:
        raise NotFound(
            "unknown-checkpoint",
            f"日志没有树大小为 {size} 的签名检查点",
            f"the log signed no checkpoint of tree size {size}",
        )
    return PlainTextResponse(note)


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/proof/inclusion",
    permission=None,
    answer=InclusionProof,
    query=(("seq", True), ("size", False)),
    summary="包含证明 / inclusion proof (?seq=&size=)",
)
async def inclusion(call: Call[None]) -> Any:
    log = call.service().log
    size = call.query_int("size", log.size)
    seq = call.query_int("seq")
    if not 0 <= seq < size <= log.size:
        raise invalid("need 0 ≤ seq < size ≤ log size")
    return {"seq": seq, "size": size, "proof": _b64(log.inclusion_proof(seq, size))}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/proof/consistency",
    permission=None,
    answer=ConsistencyProof,
    query=(("from", True), ("to", False)),
    summary="一致性证明 / consistency proof (?from=&to=)",
)
async def consistency(call: Call[None]) -> Any:
    log = call.service().log
    first = call.query_int("from")
    second = call.query_int("to", log.size)
    # RFC 9162 defines no proof from the empty tree.
    if not 0 < first <= second <= log.size:
        raise invalid("need 0 < from ≤ to ≤ log size")
    return {"from": first, "to": second, "proof": _b64(log.consistency_proof(first, second))}


def tracking_code_of(ballot_hash_hex: str) -> str:
    """The tracking code of a ballot from the SHA-256 hex of its bytes (the body's
    ``ballot_hash``): base32 of the first 10 bytes, in groups of four."""
    text = base64.b32encode(bytes.fromhex(ballot_hash_hex)[:10]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/encrypted-ballots/{tracking_code}",
    permission=None,
    answer=BallotEntry,
    summary="按跟踪码查找加密选票条目 / find an encrypted ballot entry by tracking code",
)
async def encrypted_ballot_by_tracking_code(call: Call[None]) -> Any:
    """The ``encrypted_ballot`` entry whose ballot has this tracking code, with its seq, so the
    tablet can prove it included under a signed checkpoint. The entry names the deputy, as every
    encrypted ballot does publicly; its ciphertexts reveal nothing without t shares."""
    service = call.service()
    wanted = call.params["tracking_code"].upper()
    for poll in service.state.polls.values():
        for cast in poll.encrypted.cast if poll.encrypted is not None else ():
            entry = json.loads(service.log.entry(cast.seq))
            if tracking_code_of(entry["body"]["ballot_hash"]) == wanted:
                return {"seq": cast.seq, "entry": entry}
    raise NotFound(
        "unknown-tracking-code",
        "未找到该跟踪码的加密选票",
        "no encrypted ballot with this tracking code",
    )


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/log/entries",
    permission="log.read",
    media_type="application/jsonl",
    query=(("start", False), ("end", False)),
    summary="日志条目（JSON Lines）/ log entries as JSON Lines (?start=&end=)",
)
async def entries(call: Call[None]) -> Any:
    log = call.service().log
    start = call.query_int("start", 0)
    end = call.query_int("end", log.size)
    if not 0 <= start <= end <= log.size:
        raise invalid("need 0 ≤ start ≤ end ≤ log size")
    data = b"".join(e + b"\n" for e in log.entries(start, end))
    return Response(data, media_type="application/jsonl")
