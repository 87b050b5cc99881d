"""Decryption shares: a scrutineer posts their shares of an encrypted poll's aggregate.

No token: the shares authenticate themselves — each carries a Chaum–Pedersen proof against the
scrutineer's verification key of the sitting key (``ballot-crypto-threshold.md`` §9), which only
the holder of share ``j`` can make. The checkpoint the shares are bound to must be one the log
signed; the decision (:func:`voting.core.encrypted_tally.record_decryption_shares`) checks the
rest and, with the t-th share set, writes the totals and the result.
"""

from __future__ import annotations

import functools
from typing import Any

from voting import protocol
from voting.core.encrypted_tally import record_decryption_shares
from voting.errors import CommandError
from voting.http.answers import Written
from voting.http.endpoints import Call, Endpoints

ROUTES = Endpoints()


def checkpoint_text(note: str) -> str:
    """The text of a signed note (``origin\\nsize\\nroot\\n``), without its signature lines."""
    return note[: note.index("\n\n") + 1]


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/polls/{poll}/decryption-shares",
    permission=None,
    body=protocol.DecryptionShares,
    answer=Written,
    summary="监票人提交解密份额 / a scrutineer posts decryption shares of a poll's totals",
)
async def decryption_shares(call: Call[protocol.DecryptionShares]) -> Any:
    body = call.body
    service = call.service()
    signed = {checkpoint_text(note) for _, note in service.log.checkpoints()}
    if body.checkpoint not in signed:
        raise CommandError(
            "unknown-checkpoint",
            "该检查点不是本次会议日志签名的检查点",
            "the checkpoint is not one this meeting's log signed",
        )
    decide = functools.partial(
        record_decryption_shares,
        poll=call.params["poll"],
        scrutineer=body.scrutineer,
        checkpoint=body.checkpoint,
        aggregate=body.aggregate,
        shares=body.shares,
    )
    return await call.command(decide)
