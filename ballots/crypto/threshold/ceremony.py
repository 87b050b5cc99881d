"""The key ceremony as a pure state machine: messages in, what is done, missing or at fault out.

:class:`Ceremony` takes the public messages of the five rounds (``messages.py``) in any order
within a round, checks each one as it arrives — proofs, commitments, the transcript hash,
complaints judged from public data — and reports a :class:`CeremonyStatus`: the phase, the
messages still expected and the :class:`~ballots.crypto.threshold.complaints.Fault` of every
scrutineer caught breaking the protocol. Any fault fails the ceremony: the culprit is named and
a new ceremony (new id) starts. Messages out of place raise
:class:`~ballots.crypto.threshold.errors.CeremonyMessageError` and change nothing.

The key is complete only after round 5: t scrutineers decrypt the test ciphertext
``(r·G, 7·G + r·H)`` with ``r = Hash("cv1/thr/test", key_id)`` and it gives 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar
from ballots.crypto.threshold.complaints import Fault, judge_complaint
from ballots.crypto.threshold.decryption import (
    Ciphertext,
    DecryptionShare,
    combine,
    decryption_context,
    verify_decryption_share,
)
from ballots.crypto.threshold.errors import CeremonyMessageError, ThresholdError
from ballots.crypto.threshold.messages import (
    LABEL_CONSTANT,
    LABEL_TRANSPORT,
    LABEL_VERIFICATION,
    Acceptance,
    Announcement,
    Complaint,
    VerificationKey,
)
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.polynomial import commitment_at
from ballots.crypto.threshold.proofs import verify_knowledge
from ballots.crypto.threshold.transcript import dealing_hash, dealing_transcript, joint_key_id
from ballots.crypto.threshold.transport import SealedShare

__all__ = [
    "TAG_TRIAL",
    "TRIAL_VALUE",
    "Ceremony",
    "CeremonyMessage",
    "CeremonyStatus",
    "Expected",
    "JointKey",
    "Phase",
    "trial_ciphertext",
    "trial_context",
]

TAG_TRIAL: Final = "cv1/thr/test"
#: The known value of the test decryption (round 5).
TRIAL_VALUE: Final = 7

CeremonyMessage = (
    Announcement | SealedShare | Acceptance | Complaint | VerificationKey | DecryptionShare
)


class Phase(StrEnum):
    """Where the ceremony stands: the round whose messages it waits for, or its end."""

    ANNOUNCEMENTS = "announcements"
    SHARES = "shares"
    ACCEPTANCES = "acceptances"
    VERIFICATION_KEYS = "verification-keys"
    TEST_DECRYPTION = "test-decryption"
    COMPLETE = "complete"
    FAILED = "failed"


_ROUND_OF_PHASE: Final = {
    Phase.ANNOUNCEMENTS: 1,
    Phase.SHARES: 2,
    Phase.ACCEPTANCES: 3,
    Phase.VERIFICATION_KEYS: 4,
    Phase.TEST_DECRYPTION: 5,
}


@dataclass(frozen=True)
class Expected:
    """A message still expected: round ``round`` from ``scrutineer`` (to ``recipient``)."""

    round: int
    scrutineer: int
    recipient: int | None = None

    def __str__(self) -> str:
        to = f" to {self.recipient}" if self.recipient is not None else ""
        return f"round {self.round} from {self.scrutineer}{to}"


@dataclass(frozen=True)
class CeremonyStatus:
    """The phase, the messages still expected (for round 5: any ``needed`` of them), the faults."""

    phase: Phase
    missing: tuple[Expected, ...]
    needed: int
    faults: tuple[Fault, ...]

    @property
    def complete(self) -> bool:
        """True once the test decryption has succeeded."""
        return self.phase is Phase.COMPLETE


@dataclass(frozen=True)
class JointKey:
    """The sitting's key: ``H = Σ_i A_{i,0}``, its ``key_id`` and every ``Y_j``."""

    params: CeremonyParams
    public_key: Point
    key_id: Scalar
    verification_keys: dict[int, Point]


def trial_ciphertext(key: JointKey) -> Ciphertext:
    """The round 5 ciphertext ``(r·G, 7·G + r·H)``, ``r = Hash("cv1/thr/test", key_id)``."""
    r = hash_to_scalar(TAG_TRIAL, key.key_id.encode())
    return Point.base_mul(r), Point.base_mul(Scalar.of(TRIAL_VALUE)) + key.public_key.mul(r)


def trial_context(key: JointKey) -> Scalar:
    """The decryption context of the test shares: poll id ``"test-decryption"``, no checkpoint."""
    a, b = trial_ciphertext(key)
    return decryption_context(
        key=key.key_id,
        poll_id="test-decryption",
        checkpoint=b"",
        aggregate_hash=a.encode() + b.encode(),
    )


class Ceremony:
    """One ceremony's public state, fed message by message (see the module docstring)."""

    def __init__(self, params: CeremonyParams) -> None:
        self.params = params
        self._context = params.context()
        self.announcements: dict[int, Announcement] = {}
        self.sealed: dict[tuple[int, int], SealedShare] = {}
        self.acceptances: dict[int, Acceptance] = {}
        self.complaints: dict[tuple[int, int], Complaint] = {}
        self.verification_keys: dict[int, VerificationKey] = {}
        self.test_shares: dict[int, DecryptionShare] = {}
        self.faults: list[Fault] = []
        self._public_key = Point.identity()
        self._expected_keys: dict[int, Point] = {}
        self._key: JointKey | None = None

    # State

    @property
    def phase(self) -> Phase:
        """The current phase, derived from what has been received."""
        n, t = self.params.n, self.params.t
        if self.faults:
            return Phase.FAILED
        if len(self.announcements) < n:
            return Phase.ANNOUNCEMENTS
        if len(self.sealed) < n * (n - 1):
            return Phase.SHARES
        if len(self.acceptances) < n:
            return Phase.ACCEPTANCES
        if len(self.verification_keys) < n:
            return Phase.VERIFICATION_KEYS
        if len(self.test_shares) < t:
            return Phase.TEST_DECRYPTION
        return Phase.COMPLETE

    def status(self) -> CeremonyStatus:
        """What is complete, what is missing and who is at fault."""
        phase = self.phase
        indices = self.params.indices
        missing: list[Expected] = []
        needed = 0
        if phase is Phase.ANNOUNCEMENTS:
            missing = [Expected(1, i) for i in indices if i not in self.announcements]
        elif phase is Phase.SHARES:
            missing = [
                Expected(2, i, j)
                for i in indices
                for j in indices
                if i != j and (i, j) not in self.sealed
            ]
        elif phase is Phase.ACCEPTANCES:
            missing = [Expected(3, j) for j in indices if j not in self.acceptances]
        elif phase is Phase.VERIFICATION_KEYS:
            missing = [Expected(4, j) for j in indices if j not in self.verification_keys]
        elif phase is Phase.TEST_DECRYPTION:
            missing = [Expected(5, j) for j in indices if j not in self.test_shares]
            needed = self.params.t - len(self.test_shares)
        if phase in _ROUND_OF_PHASE and phase is not Phase.TEST_DECRYPTION:
            needed = len(missing)
        return CeremonyStatus(phase, tuple(missing), needed, tuple(self.faults))

    def joint_key(self) -> JointKey:
        """The joint key, available once every verification key is in (round 5 uses it).

        Use it for polls only when :meth:`status` says the ceremony is complete.
        """
        if self._key is None:
            raise CeremonyMessageError("ceremony", f"no joint key yet: phase {self.phase}")
        return self._key

    # Messages

    def receive(self, message: CeremonyMessage) -> None:
        """Check and record one message; a fault is recorded, a misplaced message raises."""
        if self.phase is Phase.FAILED:
            raise CeremonyMessageError(
                "ceremony", "the ceremony has failed; a new ceremony must start"
            )
        if isinstance(message, Announcement):
            self._receive_announcement(message)
        elif isinstance(message, SealedShare):
            self._receive_sealed(message)
        elif isinstance(message, Acceptance):
            self._receive_acceptance(message)
        elif isinstance(message, Complaint):
            self._receive_complaint(message)
        elif isinstance(message, VerificationKey):
            self._receive_verification_key(message)
        else:
            self._receive_test_share(message)

    def _expect_round(self, round_: int, where: str) -> bool:
        """True if ``round_`` is the current one; False for a past round; raise for a future one."""
        current = _ROUND_OF_PHASE.get(self.phase, 6)
        if round_ > current:
            raise CeremonyMessageError(
                where, f"a round {round_} message before round {current} is complete"
            )
        return round_ == current

    def _repeat(self, stored: object, message: object, sender: int, where: str) -> None:
        """An identical repeat or a late extra message is ignored; a changed one is equivocation."""
        if stored is not None and stored != message:
            self.faults.append(Fault(sender, "equivocation", f"sent two different {where}"))

    def _receive_announcement(self, message: Announcement) -> None:
        i = message.dealer
        where = f"round1[{i}]"
        self.params.check_index(i, where)
        if i in self.announcements or not self._expect_round(1, where):
            return self._repeat(self.announcements.get(i), message, i, where)
        if len(message.commitments) != self.params.t:
            return self.faults.append(
                Fault(
                    i,
                    "bad-announcement",
                    f"announced {len(message.commitments)} commitments, not {self.params.t}",
                )
            )
        try:
            verify_knowledge(
                self._context,
                LABEL_TRANSPORT,
                i,
                message.transport_key,
                message.transport_proof,
                f"{where}.transport_proof",
            )
            verify_knowledge(
                self._context,
                LABEL_CONSTANT,
                i,
                message.commitments[0],
                message.constant_proof,
                f"{where}.constant_proof",
            )
        except CryptoError as error:
            return self.faults.append(Fault(i, error.code, str(error)))
        self.announcements[i] = message
        return None

    def _receive_sealed(self, message: SealedShare) -> None:
        i, j = message.dealer, message.recipient
        where = f"round2[{i}→{j}]"
        self.params.check_index(i, f"{where}.dealer")
        self.params.check_index(j, f"{where}.recipient")
        if i == j:
            raise CeremonyMessageError(where, "a dealer keeps its own share; it is never sent")
        if (i, j) in self.sealed or not self._expect_round(2, where):
            return self._repeat(self.sealed.get((i, j)), message, i, where)
        self.sealed[(i, j)] = message
        return None

    def _receive_acceptance(self, message: Acceptance) -> None:
        j = message.scrutineer
        where = f"round3[{j}]"
        self.params.check_index(j, where)
        if j in self.acceptances or not self._expect_round(3, where):
            return self._repeat(self.acceptances.get(j), message, j, where)
        if message.transcript_hash != dealing_hash(
            self.params, self.announcements, self.sealed.values()
        ):
            return self.faults.append(
                Fault(
                    j, "transcript-mismatch", "accepted a transcript other than the one on record"
                )
            )
        self.acceptances[j] = message
        if len(self.acceptances) == self.params.n:
            self._derive_keys()
        return None

    def _receive_complaint(self, message: Complaint) -> None:
        j, i = message.scrutineer, message.dealer
        where = f"round3[{j}].complaint"
        self.params.check_index(j, where)
        self.params.check_index(i, f"{where}.dealer")
        if i == j:
            raise CeremonyMessageError(where, "a scrutineer cannot complain about its own share")
        self._expect_round(3, where)
        self.complaints[(j, i)] = message
        self.faults.append(
            judge_complaint(
                self.params,
                self.announcements[i],
                self.announcements[j],
                self.sealed[(i, j)],
                message,
            )
        )

    def _derive_keys(self) -> None:
        """``H = Σ_i A_{i,0}`` and each expected ``Y_j = Σ_i f_i(j)·G`` from the commitments."""
        commitments = [self.announcements[i].commitments for i in self.params.indices]
        public_key = Point.identity()
        for dealer in commitments:
            public_key = public_key + dealer[0]
        self._public_key = public_key
        for j in self.params.indices:
            key = Point.identity()
            for dealer in commitments:
                key = key + commitment_at(dealer, j)
            self._expected_keys[j] = key

    def _receive_verification_key(self, message: VerificationKey) -> None:
        j = message.scrutineer
        where = f"round4[{j}]"
        self.params.check_index(j, where)
        if j in self.verification_keys or not self._expect_round(4, where):
            return self._repeat(self.verification_keys.get(j), message, j, where)
        if message.key != self._expected_keys[j]:
            return self.faults.append(
                Fault(
                    j,
                    "bad-verification-key",
                    "the verification key does not follow from the commitments",
                )
            )
        try:
            verify_knowledge(
                self._context, LABEL_VERIFICATION, j, message.key, message.proof, f"{where}.proof"
            )
        except CryptoError as error:
            return self.faults.append(Fault(j, error.code, str(error)))
        self.verification_keys[j] = message
        if len(self.verification_keys) == self.params.n:
            dealing = dealing_transcript(self.params, self.announcements, self.sealed.values())
            key_id = joint_key_id(dealing, self.acceptances, self.verification_keys)
            self._key = JointKey(self.params, self._public_key, key_id, dict(self._expected_keys))
        return None

    def _receive_test_share(self, message: DecryptionShare) -> None:
        j = message.scrutineer
        where = f"round5[{j}]"
        self.params.check_index(j, where)
        if j in self.test_shares or not self._expect_round(5, where):
            return self._repeat(self.test_shares.get(j), message, j, where)
        key = self.joint_key()
        ciphertext = trial_ciphertext(key)
        try:
            verify_decryption_share(
                trial_context(key), key.verification_keys[j], ciphertext, message, where
            )
        except CryptoError as error:
            return self.faults.append(Fault(j, error.code, str(error)))
        self.test_shares[j] = message
        if len(self.test_shares) == self.params.t:
            value = combine(ciphertext, list(self.test_shares.values()), self.params.t, "round5")
            if value != Point.base_mul(Scalar.of(TRIAL_VALUE)):
                raise ThresholdError("round5", "verified shares do not decrypt the test value")
        return None
