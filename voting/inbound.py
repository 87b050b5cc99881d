"""One straight path for a tablet's message: decode, authenticate, decide, commit, answer.

::

    decode        the message's model (voting.protocol): else invalid-message
    authenticate  canonicalise the signed body once; a signature worker checks it with the key
                  the connection proved at hello and returns a Verdict (a value)
    decide        a decision of voting.core, bound to the body, the verdict and the ballot
    commit        MeetingService.submit: the only path that writes
    answer        the outcome as a reply: ack, ballot_ack (signed by the log key), or the same
                  answer marked "duplicate" for a message already recorded

The socket handler (:mod:`voting.sockets`) only reads frames, limits their rate and sends what
:func:`handle` returns; a refusal arrives as a :class:`~voting.errors.CommandError`.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from audit.signature_batch import Verdict
from devices.signatures import SignatureChecker
from voting import core, protocol
from voting.core.devices import SignedBody
from voting.core.records import Device
from voting.core.types import PollId
from voting.errors import invalid_message
from voting.service import MeetingService, Written, ballot_hash
from voting.validation import validation_problem

Reply = dict[str, Any]


@dataclass(frozen=True)
class TabletLink:
    """A tablet's authenticated connection: its meeting and the device it proved at hello."""

    service: MeetingService
    device: Device
    signatures: SignatureChecker


def decode(raw: Any) -> protocol.TabletMessage:
    """The message's model, or ``invalid-message`` naming the first problem."""
    try:
        return protocol.TABLET_MESSAGE.validate_python(raw)
    except ValidationError as error:
        raise invalid_message(validation_problem(error)) from None


async def authenticate(link: TabletLink, signed: SignedBody) -> Verdict | None:
    """A worker's verdict on the signature, with the key this connection proved at hello; None
    if the body names another device or no worker is running (the core then verifies)."""
    if signed.payload is None or signed.device != link.device.id:
        return None
    device = link.device
    return await link.signatures.check(device.alg, device.public_key, signed.payload, signed.sig)


async def handle(link: TabletLink, raw: Any) -> Reply:
    """Answer one message from a tablet (already parsed from JSON)."""
    message = decode(raw)
    service = link.service
    if isinstance(message, protocol.Ping):
        return {"type": "pong", "id": message.id, "seq": service.state.size}
    if isinstance(message, protocol.ReplaceMessage):
        ballot = message.ballot.model_dump()
        poll, receipt, token = PollId(ballot["poll"]), ballot["receipt"], message.replace_token
        await service.submit(
            lambda state: core.replace_ballot(
                state, poll=poll, receipt=receipt, token=token, choice=ballot["choice"]
            ),
            alone=True,
        )
        return ballot_ack(service, message.id, ballot, None)
    signed = SignedBody.read(message.body, message.sig)
    verdict = await authenticate(link, signed)
    if isinstance(message, protocol.BallotMessage):
        ballot = message.ballot.model_dump()
        cast = functools.partial(
            core.cast_secret,
            signed=signed,
            verdict=verdict,
            ballot=ballot,
            token_hash=message.replace_token_hash,
        )
        return ballot_ack(service, message.id, ballot, await service.submit(cast))
    decide = core.sign_in_by_tablet if message.type == "sign_in" else core.cast_named
    written = await service.submit(functools.partial(decide, signed=signed, verdict=verdict))
    return ack(message.id, written)


def ack(ref: str | None, written: Written) -> Reply:
    """The answer to a committed (or already recorded) sign-in or named vote."""
    if written.already is not None:
        return {"type": "ack", "id": ref, "duplicate": True}
    return {"type": "ack", "id": ref, "seq": written.entries[0]["seq"]}


def ballot_ack(
    service: MeetingService, ref: str | None, ballot: dict[str, Any], written: Written | None
) -> Reply:
    """The signed promise: the log key's signature over SHA-256 of the ballot's bytes.
    ``written``: the committed ballot (None for a replaced one, which writes no entry)."""
    digest = ballot_hash(ballot)
    reply: Reply = {
        "type": "ballot_ack",
        "id": ref,
        "poll": ballot["poll"],
        "receipt": ballot["receipt"],
        "ballot_hash": base64.b64encode(digest).decode(),
        "signature": service.acknowledge(digest),
        "log_key": service.log.vkey,
    }
    if written is not None and written.already is not None:
        reply["duplicate"] = True
    elif written is not None:
        reply["seq"] = written.entries[0]["seq"]
    return reply
