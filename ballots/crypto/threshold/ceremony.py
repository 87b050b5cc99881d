"""The key ceremony as a pure state machine: messages in, what is done, missing or at fault out.

:class:`Ceremony` takes the public messages of the five rounds (``messages.py``) in any order
within a round, checks each one as it arrives — proofs, commitments, the transcript hash,
complaints judged from public data — and reports a :class:`CeremonyStatus`: the phase, the
messages still expected and the :class:`~ballots.crypto.threshold.complaints.Fault` of every
scrutineer caught breaking the protocol. Any fault fails the ceremony: the culprit is named and
a new ceremony (new id) starts. Messages out of place — an index outside 1..n, a message for a
later round, anything after a failure — raise a
:class:`~ballots.crypto.threshold.errors.ThresholdError` and change nothing; an identical
repeat is ignored.

The key is complete only after round 5: t scrutineers decrypt the test ciphertext
``(r·G, 7·G + r·H)`` with ``r = Hash("cv1/thr/test", key_id)`` and it gives 7.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ballots.crypto.elgamal import Ciphertext, encrypt
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import hash_to_scalar
from ballots.crypto.threshold.checks import (
    check_acceptance,
    check_announcement,
    check_verification_key,
    expected_verification_keys,
    joint_public_key,
)
from ballots.crypto.threshold.complaints import Fault, judge_complaint
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    decryption_context,
    verify_decryption_share,
)
from ballots.crypto.threshold.errors import CeremonyMessageError, ThresholdError
from ballots.crypto.threshold.messages import (
    Acceptance,
    Announcement,
    Complaint,
    VerificationKey,
)
from ballots.crypto.threshold.params import CeremonyParams
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
    return encrypt(TRIAL_VALUE, r, key.public_key)


def trial_context(key: JointKey) -> Scalar:
    """The decryption context of the test shares: poll id ``"test-decryption"``, no checkpoint."""
    return decryption_context(
        key=key.key_id,
        poll_id="test-decryption",
        checkpoint=b"",
        aggregate_hash=trial_ciphertext(key).encode(),
    )


class Ceremony:
    """One ceremony's public state, fed message by message (see the module docstring)."""

    def __init__(self, params: CeremonyParams) -> None:
        self.params = params
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
        dealt = len(self.sealed) == self.params.n * (self.params.n - 1)
        if self.phase is Phase.FAILED and not (isinstance(message, Complaint) and dealt):
            # Complaints are still judged, so that every cheating dealer is named at once.
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

    def _is_new(
        self, stored: object, message: object, round_: int, sender: int, where: str
    ) -> bool:
        """True for a first message of the current round; a repeat or a late extra is ignored.

        A different second message for the same slot is equivocation by ``sender``.
        """
        if stored is None and self._expect_round(round_, where):
            return True
        if stored is not None and stored != message:
            self.faults.append(Fault(sender, "equivocation", f"sent two different {where}"))
        return False

    def _passes(self, sender: int, check: Callable[[], None]) -> bool:
        """Run ``check``; a refusal is recorded as the fault of ``sender``."""
        try:
            check()
        except CryptoError as error:
            self.faults.append(Fault(sender, error.code, str(error)))
            return False
        return True

    def _receive_announcement(self, message: Announcement) -> None:
        i = message.dealer
        where = f"round1[{i}]"
        self.params.check_index(i, where)
        if self._is_new(self.announcements.get(i), message, 1, i, where) and self._passes(
            i, lambda: check_announcement(self.params, message, where)
        ):
            self.announcements[i] = message

    def _receive_sealed(self, message: SealedShare) -> None:
        i, j = message.dealer, message.recipient
        where = f"round2[{i}→{j}]"
        self.params.check_index(i, f"{where}.dealer")
        self.params.check_index(j, f"{where}.recipient")
        if i == j:
            raise CeremonyMessageError(where, "a dealer keeps its own share; it is never sent")
        if self._is_new(self.sealed.get((i, j)), message, 2, i, where):
            self.sealed[(i, j)] = message

    def _receive_acceptance(self, message: Acceptance) -> None:
        j = message.scrutineer
        where = f"round3[{j}]"
        self.params.check_index(j, where)
        if not self._is_new(self.acceptances.get(j), message, 3, j, where):
            return
        expected = dealing_hash(self.params, self.announcements, self.sealed.values())
        if self._passes(j, lambda: check_acceptance(message, expected, where)):
            self.acceptances[j] = message
        if len(self.acceptances) == self.params.n:
            self._public_key = joint_public_key(self.announcements)
            self._expected_keys = expected_verification_keys(
                self.announcements, self.params.indices
            )

    def _receive_complaint(self, message: Complaint) -> None:
        j, i = message.scrutineer, message.dealer
        where = f"round3[{j}].complaint"
        self.params.check_index(j, where)
        self.params.check_index(i, f"{where}.dealer")
        if i == j:
            raise CeremonyMessageError(where, "a scrutineer cannot complain about its own share")
        if self.phase is not Phase.FAILED:
            self._expect_round(3, where)
        if self.complaints.get((j, i)) == message:
            return
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

    def _receive_verification_key(self, message: VerificationKey) -> None:
        j = message.scrutineer
        where = f"round4[{j}]"
        self.params.check_index(j, where)
        if not self._is_new(self.verification_keys.get(j), message, 4, j, where):
            return
        expected = self._expected_keys[j]
        if self._passes(j, lambda: check_verification_key(self.params, message, expected, where)):
            self.verification_keys[j] = message
        if len(self.verification_keys) == self.params.n:
            dealing = dealing_transcript(self.params, self.announcements, self.sealed.values())
            key_id = joint_key_id(dealing, self.acceptances, self.verification_keys)
            self._key = JointKey(self.params, self._public_key, key_id, dict(self._expected_keys))

    def _receive_test_share(self, message: DecryptionShare) -> None:
        j = message.scrutineer
        where = f"round5[{j}]"
        self.params.check_index(j, where)
        if not self._is_new(self.test_shares.get(j), message, 5, j, where):
            return
        key = self.joint_key()
        ciphertext = trial_ciphertext(key)
        context = trial_context(key)
        if self._passes(
            j,
            lambda: verify_decryption_share(
                context, key.verification_keys[j], ciphertext, message, where
            ),
        ):
            self.test_shares[j] = message
        if len(self.test_shares) == self.params.t:
            value = combine(ciphertext, list(self.test_shares.values()), self.params.t, "round5")
            if value != Point.base_mul(Scalar.of(TRIAL_VALUE)):
                raise ThresholdError("round5", "verified shares do not decrypt the test value")
