"""The write-in mix: stations read the list, post shuffles and write-in decryption shares.

No token: each post is a body signed by the station's key (as ceremony messages are), and the
shuffle proof or the Chaum–Pedersen proofs of the shares are checked against the mix so far
(:mod:`voting.core.mix`). Those checks run in a worker thread, off the event loop; the decision
then only re-authenticates and refuses ``mix-moved`` if the mix changed meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from voting.core import mix as core_mix
from voting.core.devices import SignedBody
from voting.http.answers import Answer, Written
from voting.http.ceremony import StationSigned
from voting.http.endpoints import Call, Endpoints

ROUTES = Endpoints()


class MixBoard(Answer):
    """What a station needs to shuffle or decrypt a poll's write-ins."""

    poll: str
    encryption: dict[str, Any]
    t: int
    counted: list[dict[str, Any]]
    shuffles: list[str]
    stations: list[int]
    shares_from: list[int]


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/polls/{poll}/mix",
    permission=None,
    answer=MixBoard,
    summary="另选他人混洗的输入与已有混洗（监票终端读取）/ the write-in mix so far, for stations",
)
async def mix_board(call: Call[None]) -> Any:
    return core_mix.mix_view(call.service().state, call.params["poll"])


async def _post(call: Call[StationSigned], kind: str) -> Any:
    signed = SignedBody.read(call.body.body, call.body.sig)
    state = call.service().state
    prepared = await asyncio.to_thread(core_mix.prepare, state, signed, kind, call.params["poll"])
    return await call.command(functools.partial(core_mix.commit, signed=signed, prepared=prepared))


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/shuffles",
    permission=None,
    body=StationSigned,
    answer=Written,
    summary="监票终端提交另选他人的混洗及其证明 / a station posts its shuffle of the write-ins",
)
async def post_shuffle(call: Call[StationSigned]) -> Any:
    return await _post(call, core_mix.SHUFFLE_BODY)


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/write-in-shares",
    permission=None,
    body=StationSigned,
    answer=Written,
    summary="监票终端提交另选他人的解密份额 / a station posts decryption shares of the write-ins",
)
async def post_write_in_shares(call: Call[StationSigned]) -> Any:
    return await _post(call, core_mix.SHARES_BODY)
