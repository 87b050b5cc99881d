"""Encrypted secret polls (``docs/ballot-secrecy.md`` §3, §5): opening and casting.

An encrypted poll's ballots are encrypted and proven on the tablet under the sitting's
threshold key (:class:`~voting.core.records.SittingKey`); the log holds each ballot naming its
deputy — who voted is public, what they chose is not — and only the totals are ever decrypted,
by the scrutineers (:mod:`voting.core.encrypted_tally`).

- :func:`key_for_opening`: an encrypted poll opens only once the sitting key exists and t
  scrutineer stations answered a fresh liveness challenge for it, and binds
  its ``key_id`` in ``poll_opened``.
- :class:`BallotSetup` / :func:`ballot_setup`: what a tablet needs to build a ballot of a poll
  (shape, poll context, key), pushed with the poll.
- :func:`cast_encrypted`: the decision on one ``encrypted_ballot`` message.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from audit.canonical import canonical_bytes
from ballots.crypto.ballot import BallotContext, EncryptedBallot
from ballots.crypto.encoding import ballot_from_json
from ballots.crypto.errors import CryptoError, ReusedComponentError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import poll_context
from ballots.crypto.shape import BallotShape, shape_of
from devices.ballot_checks import BallotVerdict, DecodedBallot, Problem, proof_problem
from voting.core.casting import eligible
from voting.core.checks import poll_is_open, require_open
from voting.core.devices import SignedBody, authenticate
from voting.core.liveness import require_live
from voting.core.outcome import AlreadyRecorded, Change
from voting.core.records import EncryptedBallots, Poll, SittingKey
from voting.core.state import MeetingState
from voting.core.types import PollId
from voting.errors import CommandError, Conflict, invalid_message

__all__ = [
    "BallotSetup",
    "b64url",
    "ballot_setup",
    "cast_encrypted",
    "crypto_refusal",
    "device_key_bytes",
    "key_for_opening",
    "tally_of",
    "unb64url",
]


def b64url(data: bytes) -> str:
    """Unpadded base64url, as every point and scalar of the encrypted polls is written."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """The bytes of an unpadded base64url text (the caller checks the length)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def crypto_refusal(error: CryptoError) -> CommandError:
    """A refused ballot or share with the code of the cryptography (``bad-proof``, …)."""
    return refusal(Problem(error.code, str(error)))


def refusal(problem: Problem) -> CommandError:
    """The refusal of a ballot or share whose check found ``problem``."""
    where = problem.message
    return CommandError(problem.code, f"加密数据无效：{where}", f"invalid encrypted data: {where}")


# Opening ------------------------------------------------------------------------------------


def scrutineers_live(state: MeetingState, poll: str) -> None:
    """The liveness check of ``ballot-secrecy.md`` §4: an encrypted poll opens only after t
    scrutineer stations answered a fresh challenge for its id (``ballot-crypto-threshold.md``
    §10); refuses with ``scrutineers-not-live`` otherwise (:func:`require_live`)."""
    require_live(state, poll)


def key_for_opening(state: MeetingState, poll: str) -> SittingKey:
    """The sitting key an encrypted poll will use; ``no-sitting-key`` while there is none."""
    key = state.sitting_key
    if key is None:
        raise Conflict(
            "no-sitting-key",
            "监票人密钥尚未生成，不能进行加密投票",
            "the scrutineers' key of the sitting is not complete: no encrypted poll yet",
        )
    scrutineers_live(state, poll)
    return key


# What a ballot is bound to ------------------------------------------------------------------


@dataclass(frozen=True)
class BallotSetup:
    """What a ballot of one poll is made and checked with: its shape, the poll context
    ``poll_ctx`` (``docs/ballot-crypto.md`` §3) and the sitting's joint key H."""

    shape: BallotShape
    poll_context: Scalar
    key: Point
    key_id: str

    def view(self) -> dict[str, Any]:
        """The poll push's ``encryption`` object: the tablet builds its ballot from it."""
        return {
            "shape": asdict(self.shape),
            "poll_context": self.poll_context.encode().hex(),
            "key": self.key.encode().hex(),
            "key_id": self.key_id,
        }

    def context(self, deputy: str, device_key: bytes) -> BallotContext:
        return BallotContext(self.poll_context, deputy, device_key, self.key)


def tally_of(poll: Poll) -> EncryptedBallots:
    """The encrypted ballots of ``poll``; ``wrong-mode`` if it is not an encrypted poll."""
    if poll.encrypted is None or poll.key_id is None:
        raise Conflict("wrong-mode", "本次表决不是加密投票", f"poll {poll.id} is not encrypted")
    return poll.encrypted


def _sitting_key_of(state: MeetingState, poll: Poll) -> SittingKey:
    key = state.sitting_key
    if key is None or key.key_id != poll.key_id:
        raise Conflict(
            "key-changed",
            "监票人密钥已更换，本次加密投票须作废重投",
            f"poll {poll.id} was opened under key {poll.key_id}, no longer the sitting's key",
        )
    return key


def ballot_setup(state: MeetingState, poll: Poll) -> BallotSetup:
    """The :class:`BallotSetup` of an encrypted poll (``wrong-mode`` for another poll),
    computed once per poll and key: every ballot of the poll is checked against it."""
    tally_of(poll)
    key = _sitting_key_of(state, poll)
    if poll.setup_memo is not None and poll.setup_memo[0] == key.key_id:
        memo: BallotSetup = poll.setup_memo[1]
        return memo
    round_ = poll.definition.get("round")
    runoff = isinstance(round_, Mapping) and round_.get("type") == "runoff"
    shape = shape_of(
        poll.parsed(), runoff=runoff, closed_list="write_in_eligible" in poll.definition
    )
    key_id = Scalar.decode(bytes.fromhex(key.key_id), "key_id")
    public_key = Point.decode(unb64url(key.public_key), "public_key")
    context = poll_context(
        origin=state.origin,
        poll_id=poll.id,
        poll_definition=canonical_bytes(poll.definition),
        key=key_id,
        public_key=public_key,
    )
    setup = BallotSetup(shape, context, public_key, key.key_id)
    poll.setup_memo = (key.key_id, setup)
    return setup


def device_key_bytes(public_key: str) -> bytes:
    """The raw bytes of a device's public key (base64 of the raw key or its SPKI), as they
    enter ``ballot_ctx``."""
    try:
        return base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raise CommandError(
            "invalid-key", "设备公钥格式错误", "the device key is not base64"
        ) from None


# Casting ------------------------------------------------------------------------------------


def cast_encrypted(
    state: MeetingState,
    signed: SignedBody,
    verdict: BallotVerdict | None = None,
    *,
    ballot: EncryptedBallot | DecodedBallot | None,
) -> Change | AlreadyRecorded:
    """An encrypted ballot (``docs/protocol.md``, ``encrypted_ballot``).

    ``signed``: the body ``{type, origin, deputy, device, n, poll, ballot_hash}`` with its
    signature; ``ballot``: the ballot strictly decoded with the poll's shape — decoded here or
    by a worker (a :class:`DecodedBallot`: its JSON and summary) — or None when the poll is
    unknown or not encrypted: the decision then refuses with the poll's code; ``verdict``: a
    worker's check of signature and proofs, used only if it covers this ballot.
    Checks the device, signature and counter, the poll open and encrypted, the deputy eligible,
    the change policy, the ballot hash, every proof and the weeding, and returns the
    ``encrypted_ballot`` entry naming poll, deputy and device.
    """
    require_open(state)
    device = authenticate(
        state, signed, None if verdict is None else verdict.signature, expected="encrypted_ballot"
    )
    body = signed.body
    decoded = DecodedBallot.of(ballot) if isinstance(ballot, EncryptedBallot) else ballot
    summary = None if decoded is None else decoded.summary
    if summary is not None and body.get("ballot_hash") != summary.sha256.hex():
        raise CommandError(
            "ballot-hash-mismatch",
            "选票与签名中的选票摘要不符",
            "ballot_hash is not the SHA-256 of the ballot's bytes",
        )
    if isinstance(device, AlreadyRecorded):
        return device
    poll = poll_is_open(state, PollId(str(body.get("poll"))))
    tally = tally_of(poll)
    setup = ballot_setup(state, poll)
    if decoded is None or summary is None:  # the inbound path decodes every ballot it can
        raise invalid_message("the ballot was not decoded with the poll's shape")
    eligible(state, poll, device.deputy)
    if poll.change_policy == "first" and device.deputy in poll.participants:
        raise Conflict(
            "double-vote", "您已投票，按规则不能改票", "already voted (the first ballot is final)"
        )
    device_key = device_key_bytes(device.public_key)
    problem: Problem | None
    if verdict is not None and verdict.covers(
        poll_context=setup.poll_context.encode(),
        deputy=device.deputy,
        device_key=device_key,
        key=setup.key.encode(),
        ballot_sha256=summary.sha256,
    ):
        problem = verdict.problem
    else:
        whole = decoded.whole or _decode(setup, decoded)
        problem = proof_problem(setup.shape, whole, setup.context(device.deputy, device_key))
    if problem is not None:
        raise refusal(problem)
    for position, component in enumerate(summary.first_components):
        if component in tally.first_components:
            raise crypto_refusal(
                ReusedComponentError(
                    f"ballot.ciphertexts[{position}].a",
                    "this first component is already in another ballot",
                )
            )
    entry = {
        "type": "encrypted_ballot",
        "poll": poll.id,
        "deputy": device.deputy,
        "device": device.id,
        "body": dict(body),
        "sig": signed.sig,
        "ballot": decoded.json,
    }
    return Change([entry])


def _decode(setup: BallotSetup, decoded: DecodedBallot) -> EncryptedBallot:
    """The whole ballot from the JSON a worker decoded, for proofs the worker's verdict does
    not cover (given for another context)."""
    try:
        return ballot_from_json(setup.shape, decoded.json)
    except CryptoError as error:
        raise crypto_refusal(error) from None
