"""Shared set-up of the threshold tests: seeded randomness and a whole ceremony run."""

from __future__ import annotations

from dataclasses import dataclass

from ballots.crypto.group import Scalar
from ballots.crypto.randomness import DeterministicRandom
from ballots.crypto.threshold.ceremony import (
    Ceremony,
    CeremonyMessage,
    trial_ciphertext,
    trial_context,
)
from ballots.crypto.threshold.decryption import make_decryption_share
from ballots.crypto.threshold.messages import Announcement
from ballots.crypto.threshold.params import CeremonyParams
from ballots.crypto.threshold.scrutineer import (
    DealerSecrets,
    announce,
    check_received_shares,
    deal_shares,
    publish_verification_key,
)
from ballots.crypto.threshold.transport import SealedShare

ORIGIN = "https://congress.example:8443"


def seeded(seed: str) -> DeterministicRandom:
    """A reproducible random source: ``Hash("cv1/deterministic-random", seed, u32(i))``."""
    return DeterministicRandom(seed.encode())


@dataclass
class Run:
    """A ceremony run: the public state, every message in order and each device's secrets."""

    params: CeremonyParams
    ceremony: Ceremony
    messages: list[CeremonyMessage]
    secrets: dict[int, DealerSecrets]
    shares: dict[int, Scalar]
    announcements: dict[int, Announcement]
    sealed: list[SealedShare]


def deal(params: CeremonyParams, seed: str) -> Run:
    """Rounds 1 and 2 with honest devices, each with its own seeded randomness."""
    randoms = {i: seeded(f"{seed}/{i}") for i in params.indices}
    ceremony = Ceremony(params)
    messages: list[CeremonyMessage] = []
    secrets: dict[int, DealerSecrets] = {}
    announcements: dict[int, Announcement] = {}
    for i in params.indices:
        secrets[i], announcements[i] = announce(params, i, randoms[i])
        messages.append(announcements[i])
    sealed: list[SealedShare] = []
    for i in params.indices:
        sealed.extend(deal_shares(params, secrets[i], announcements, randoms[i]))
    messages.extend(sealed)
    for message in messages:
        ceremony.receive(message)
    return Run(params, ceremony, messages, secrets, {}, announcements, sealed)


def finish(run: Run, seed: str, decrypting: list[int] | None = None) -> Run:
    """Rounds 3 to 5 with honest devices; ``decrypting`` scrutineers do the test decryption."""
    params = run.params
    randoms = {i: seeded(f"{seed}/late/{i}") for i in params.indices}
    round3: list[CeremonyMessage] = []
    for j in params.indices:
        check = check_received_shares(
            params, run.secrets[j], run.announcements, run.sealed, randoms[j]
        )
        assert check.acceptance is not None and check.secret_share is not None
        run.shares[j] = check.secret_share
        round3.append(check.acceptance)
    round4: list[CeremonyMessage] = [
        publish_verification_key(params, j, run.shares[j], randoms[j]) for j in params.indices
    ]
    for message in round3 + round4:
        run.ceremony.receive(message)
    key = run.ceremony.joint_key()
    chosen = decrypting if decrypting is not None else list(params.indices)[: params.t]
    round5: list[CeremonyMessage] = [
        make_decryption_share(
            trial_context(key), j, run.shares[j], trial_ciphertext(key), randoms[j]
        )
        for j in chosen
    ]
    for message in round5:
        run.ceremony.receive(message)
    run.messages.extend(round3 + round4 + round5)
    return run


def full_ceremony(t: int, n: int, seed: str = "kat") -> Run:
    """A complete honest ceremony, t of n, ceremony id ``"sitting-1/key-{t}-of-{n}"``."""
    params = CeremonyParams(ORIGIN, f"sitting-1/key-{t}-of-{n}", t=t, n=n)
    return finish(deal(params, seed), seed)
