"""One straight path for a tablet's message: decode, authenticate, decide, commit, answer.

::

    decode        the message's model (voting.protocol): else invalid-message
    authenticate  canonicalise the signed body once; a signature worker checks it with the key
                  the connection proved at hello and returns a Verdict (a value); for an
                  encrypted ballot the worker also decodes the ballot strictly with its poll's
                  shape (bad-point, …) and checks every proof (a BallotVerdict)
    decide        a decision of voting.core, bound to the body, the verdict and the ballot
    commit        MeetingService.submit: the only path that writes
    answer        the outcome as a reply: ack, ballot_ack (signed by the log key) for an
                  encrypted ballot, or the same answer marked "duplicate" for a message already
                  recorded; an answer to a command that wrote entries carries the deputy's own
                  view (``you``), which the commit's pushes then leave out for this tablet

The socket handler (:mod:`voting.sockets`) only reads frames, limits their rate and sends what
:func:`handle` returns; a refusal arrives as a :class:`~voting.errors.CommandError`.
"""

from __future__ import annotations

import asyncio
import base64
import functools
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from audit.cosign import note_signature_lines
from audit.signature_batch import Verdict
from ballots.crypto.errors import CryptoError
from devices.ballot_checks import BallotJob, BallotQueue, BallotVerdict, DecodedBallot
from devices.signatures import SignatureChecker
from voting import core, protocol
from voting.core import encrypted, proposals, views, witness
from voting.core.devices import SignedBody
from voting.core.records import Device
from voting.errors import CommandError, invalid_message
from voting.service import MeetingService, Written
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
    signed = SignedBody.read(message.body, message.sig)
    if isinstance(message, protocol.EncryptedBallotMessage):
        return await cast_encrypted(link, message, signed)
    if message.type == "checkpoint_cosign":
        return await store_cosignature(link, message.id, signed)
    verdict = await authenticate(link, signed)
    decide = functools.partial(_DECISIONS[message.type], signed=signed, verdict=verdict)
    written = await service.submit(decide, answered=link.device.id)
    return ack(message.id, written, link)


#: The decision for each signed message type but the encrypted ballot.
_DECISIONS: Final = {
    "sign_in": core.sign_in_by_tablet,
    "vote": core.cast_named,
    "speak_request": core.request_floor,
    "speak_withdraw": core.withdraw_request,
    "proposal_draft": proposals.draft_proposal,
    "proposal_sign": proposals.cosign_proposal,
    "proposal_submit": proposals.submit_proposal,
    "suggestion_rate": proposals.rate_suggestion,
    "split_view_alarm": witness.raise_alarm,
}


async def store_cosignature(link: TabletLink, ref: str | None, signed: SignedBody) -> Reply:
    """Check a tablet's cosignature of a checkpoint this log signed and store it with that
    checkpoint (the bundle appends it to the note); answered ``cosign_ack``."""
    service = link.service
    verdict = await authenticate(link, signed)
    size, previous = signed.body.get("size"), signed.body.get("previous")
    note = service.log.checkpoint_at(size) if type(size) is int else None
    known = type(previous) is int and service.log.checkpoint_at(previous) is not None
    checked = witness.check_cosignature(
        service.state,
        signed,
        verdict,
        checkpoint_text=None if note is None else note_signature_lines(note)[0],
        previous_known=known,
    )
    if isinstance(checked, witness.Cosigned):
        log = service.log
        await asyncio.to_thread(log.add_cosignature, checked.size, checked.device, checked.line)
    return {"type": "cosign_ack", "id": ref, "size": size}


async def cast_encrypted(
    link: TabletLink, message: protocol.EncryptedBallotMessage, signed: SignedBody
) -> Reply:
    """Have a worker decode the ballot strictly with its poll's shape and check the signature
    and every proof (or decode it here when no worker runs), decide, and acknowledge once
    committed. A poll that is unknown, not encrypted or without its key is left to the
    decision, which refuses it with the poll's code."""
    service = link.service
    poll = service.state.polls.get(str(signed.body.get("poll")))
    decoded: DecodedBallot | None = None
    verdict: BallotVerdict | None = None
    setup = None
    if poll is not None and poll.mode == "encrypted":
        try:
            setup = encrypted.ballot_setup(service.state, poll)
        except CommandError:
            setup = None
    if setup is not None:
        verdict = await check_encrypted(link, signed, setup, message.ballot)
        decoded = decoded_ballot(setup, message.ballot, verdict)
    decide = functools.partial(
        encrypted.cast_encrypted, signed=signed, verdict=verdict, ballot=decoded
    )
    written = await service.submit(decide, answered=link.device.id)
    if decoded is None:  # the decision refuses a ballot it could not decode: never reached
        raise invalid_message("the ballot was not decoded")
    reply = encrypted_ack(service, message.id, str(signed.body.get("poll")), decoded, written)
    if written.already is None:
        reply["you"] = own_view(link)
    return reply


def decoded_ballot(
    setup: encrypted.BallotSetup, ballot: dict[str, Any], verdict: BallotVerdict | None
) -> DecodedBallot:
    """The ballot as the worker decoded it, or decoded here when no worker did; a ballot that
    does not decode strictly is refused with the code of its first bad value (bad-point, …)."""
    if verdict is not None and verdict.summary is not None:
        return DecodedBallot(ballot, verdict.summary)
    if verdict is not None and verdict.problem is not None:
        raise encrypted.refusal(verdict.problem)
    try:
        return DecodedBallot.from_json(setup.shape, ballot)
    except CryptoError as error:
        raise encrypted.crypto_refusal(error) from None


async def check_encrypted(
    link: TabletLink, signed: SignedBody, setup: encrypted.BallotSetup, ballot: dict[str, Any]
) -> BallotVerdict | None:
    """A worker's decoding of the ballot and verdict on the signature and every proof, for the
    device this connection proved at hello; None if the body names another device or no
    worker is running."""
    if signed.payload is None or signed.device != link.device.id:
        return None
    device = link.device
    job = BallotJob(
        shape=setup.shape,
        ballot=ballot,
        poll_context=setup.poll_context.encode(),
        deputy=device.deputy,
        device_key=encrypted.device_key_bytes(device.public_key),
        key=setup.key.encode(),
        signature=(device.alg, device.public_key, signed.payload, signed.sig),
    )
    return await BallotQueue.of(link.signatures).check(job)


def encrypted_ack(
    service: MeetingService, ref: str | None, poll: str, ballot: DecodedBallot, written: Written
) -> Reply:
    """The signed promise for an encrypted ballot: the log key's signature over SHA-256 of the
    ballot's bytes (the body's ``ballot_hash``), with the tracking code the tablet shows."""
    digest = ballot.summary.sha256
    reply: Reply = {
        "type": "ballot_ack",
        "id": ref,
        "poll": poll,
        "tracking_code": ballot.summary.tracking_code,
        "ballot_hash": base64.b64encode(digest).decode(),
        "signature": service.acknowledge(digest),
        "log_key": service.log.vkey,
    }
    if written.already is not None:
        reply["duplicate"] = True
    else:
        reply["seq"] = written.entries[0]["seq"]
    return reply


def own_view(link: TabletLink) -> dict[str, Any]:
    """The deputy's own view now, for the answer to the deputy's tablet."""
    return views.deputy_view(link.service.state, link.device.deputy)


def ack(ref: str | None, written: Written, link: TabletLink) -> Reply:
    """The answer to a committed (or already recorded) signed command: a command that wrote
    entries is answered with the deputy's own view (``you``)."""
    if written.already is not None:
        return {"type": "ack", "id": ref, "duplicate": True}
    return {"type": "ack", "id": ref, "seq": written.entries[0]["seq"], "you": own_view(link)}
