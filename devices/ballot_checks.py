"""Encrypted ballots decoded and checked in a worker process: the strict decoding of the ballot's
JSON, the tablet's signature and every proof.

Verifying an encrypted ballot's proofs takes 1 to 14 ms of CPU (``docs/ballot-secrecy.md`` §9),
and strictly decoding its JSON some 0.1 ms more: too long for the meeting's event loop when a
hall votes at once. The inbound path hands a :class:`BallotJob` (the ballot's JSON as received)
to the :class:`BallotQueue`, which sends the jobs of one turn of the event loop to the signature
workers in batches (:meth:`devices.signatures.SignatureChecker.run`), where
:func:`check_ballot` runs on each, and hands the :class:`BallotVerdict` to the core's decision
as a value. The verdict carries what the decision and the acknowledgement need of the decoded ballot
(:class:`BallotSummary`: the SHA-256 of its bytes, its first components, its tracking code), so
the event loop never decodes it. The decision uses the verdict only if it was given for exactly
the ballot, poll context, deputy, device key and sitting key it is deciding on
(:meth:`BallotVerdict.covers`); otherwise, or with no worker running, it calls
:func:`proof_problem` itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from audit.signature_batch import SignatureJob, Verdict, check_signatures
from ballots.crypto.ballot import BallotContext, EncryptedBallot, verify_ballot
from ballots.crypto.encoding import ballot_bytes, ballot_from_json, ballot_to_json, tracking_code
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import BallotShape
from devices.signatures import SignatureChecker

__all__ = [
    "MAX_BATCH",
    "BallotJob",
    "BallotQueue",
    "BallotSummary",
    "BallotVerdict",
    "DecodedBallot",
    "Problem",
    "check_ballot",
    "check_ballots",
    "proof_problem",
]

#: Most ballots sent to a worker in one batch: the verdicts of a batch come back together, so a
#: batch of a motion's ballots (some 3 ms each) stays under a twentieth of a second.
MAX_BATCH: Final = 16


class Problem(NamedTuple):
    """Why a ballot is refused: its error code (``bad-proof``, …) and the sentence naming
    where (``ballot.proofs[3] (…): …``)."""

    code: str
    message: str


class BallotSummary(NamedTuple):
    """What the decision and the acknowledgement need of a strictly decoded ballot: the SHA-256
    of its bytes, the 32-byte encodings of its ciphertexts' first components (for weeding, in
    layout order) and its tracking code. Small and cheap to send between processes."""

    sha256: bytes
    first_components: tuple[bytes, ...]
    tracking_code: str

    @classmethod
    def of(cls, ballot: EncryptedBallot) -> BallotSummary:
        data = ballot_bytes(ballot)
        return cls(
            hashlib.sha256(data).digest(),
            tuple(ciphertext.a.encode() for ciphertext in ballot.ciphertexts),
            tracking_code(ballot),
        )


class DecodedBallot(NamedTuple):
    """A ballot that decoded strictly with its poll's shape, as the decision takes it: its JSON
    as received (strict decoding admits one JSON form per ballot, so it is also the form the log
    records), its :class:`BallotSummary`, and the ballot itself when it was decoded in this
    process (None when a worker decoded it)."""

    json: Mapping[str, Any]
    summary: BallotSummary
    whole: EncryptedBallot | None = None

    @classmethod
    def of(cls, ballot: EncryptedBallot) -> DecodedBallot:
        return cls(ballot_to_json(ballot), BallotSummary.of(ballot), ballot)

    @classmethod
    def from_json(cls, shape: BallotShape, json: Mapping[str, Any]) -> DecodedBallot:
        """Decode ``json`` strictly here (raises the :class:`CryptoError` of the first bad
        value): the path with no worker."""
        ballot = ballot_from_json(shape, json)
        return cls(json, BallotSummary.of(ballot), ballot)


@dataclass(frozen=True)
class BallotJob:
    """One encrypted ballot to decode and check: its JSON as received and its poll's shape,
    what its proofs are bound to (poll context and sitting key as 32-byte encodings, the deputy,
    the raw device key) and the signature of the message that carried it."""

    shape: BallotShape
    ballot: Mapping[str, Any]
    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    signature: SignatureJob


@dataclass(frozen=True)
class BallotVerdict:
    """What a worker found: the signature's :class:`Verdict`, the decoded ballot's
    :class:`BallotSummary` (None: the JSON did not decode strictly, and ``problem`` says where)
    and the ballot's first problem (None: it decoded and every proof verifies)."""

    poll_context: bytes
    deputy: str
    device_key: bytes
    key: bytes
    summary: BallotSummary | None
    signature: Verdict
    problem: Problem | None

    def covers(
        self,
        *,
        poll_context: bytes,
        deputy: str,
        device_key: bytes,
        key: bytes,
        ballot_sha256: bytes,
    ) -> bool:
        """Whether this verdict was given for exactly this ballot (the SHA-256 of its bytes)
        in this context."""
        return (
            self.summary is not None
            and self.summary.sha256 == ballot_sha256
            and (self.poll_context, self.deputy, self.device_key, self.key)
            == (poll_context, deputy, device_key, key)
        )


def proof_problem(
    shape: BallotShape, ballot: EncryptedBallot, context: BallotContext
) -> Problem | None:
    """None if every proof of ``ballot`` verifies in ``context``, else the first failure."""
    try:
        verify_ballot(shape, ballot, context=context)
    except CryptoError as error:
        return Problem(error.code, str(error))
    return None


def check_ballot(job: BallotJob) -> BallotVerdict:
    """In a worker: check the signature, decode the ballot's JSON strictly with its shape and
    check every proof (never raises)."""
    alg, public_key, _, _ = job.signature
    checked = check_signatures([job.signature], ed25519="libsodium")
    signature = Verdict(alg, public_key, checked[0] is None)
    summary: BallotSummary | None = None
    problem: Problem | None
    try:
        ballot = ballot_from_json(job.shape, job.ballot)
        summary = BallotSummary.of(ballot)
        context = BallotContext(
            poll=Scalar.decode(job.poll_context, "poll_context"),
            deputy_id=job.deputy,
            device_key=job.device_key,
            key=Point.decode(job.key, "key"),
        )
        problem = proof_problem(job.shape, ballot, context)
    except CryptoError as error:
        problem = Problem(error.code, str(error))
    return BallotVerdict(
        poll_context=job.poll_context,
        deputy=job.deputy,
        device_key=job.device_key,
        key=job.key,
        summary=summary,
        signature=signature,
        problem=problem,
    )


def check_ballots(jobs: Sequence[BallotJob]) -> list[BallotVerdict]:
    """In a worker: :func:`check_ballot` for each job, in order (never raises)."""
    return [check_ballot(job) for job in jobs]


_Waiting = tuple[BallotJob, "asyncio.Future[BallotVerdict | None]"]


class BallotQueue:
    """Sends the ballots read in one turn of the event loop to the workers together, in batches
    of at most :data:`MAX_BATCH`: one task and one answer per batch instead of per ballot, which
    a hall voting at once would otherwise pay for on the event loop's process."""

    def __init__(self, checker: SignatureChecker) -> None:
        self.checker = checker
        self._waiting: list[_Waiting] = []
        self._sending: set[asyncio.Task[None]] = set()

    @classmethod
    def of(cls, checker: SignatureChecker) -> BallotQueue:
        """The one queue in front of ``checker``'s workers."""
        queue = _QUEUES.get(checker)
        if queue is None:
            queue = _QUEUES[checker] = cls(checker)
        return queue

    async def check(self, job: BallotJob) -> BallotVerdict | None:
        """A worker's :func:`check_ballot` of ``job``, or None when no worker could run it (the
        decision then decodes and checks). Never raises."""
        if not self.checker.running:
            return None
        loop = asyncio.get_running_loop()
        future: asyncio.Future[BallotVerdict | None] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._send)
        self._waiting.append((job, future))
        return await future

    def _send(self) -> None:
        waiting, self._waiting = self._waiting, []
        loop = asyncio.get_running_loop()
        for start in range(0, len(waiting), MAX_BATCH):
            task = loop.create_task(self._check(waiting[start : start + MAX_BATCH]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _check(self, batch: list[_Waiting]) -> None:
        verdicts: list[BallotVerdict] | None = None
        try:
            verdicts = await self.checker.run(check_ballots, [job for job, _ in batch])
        finally:  # cancelled (the server stops): the decision checks, nobody waits forever
            for index, (_, future) in enumerate(batch):
                if not future.done():
                    future.set_result(None if verdicts is None else verdicts[index])


_QUEUES: weakref.WeakKeyDictionary[SignatureChecker, BallotQueue] = weakref.WeakKeyDictionary()
