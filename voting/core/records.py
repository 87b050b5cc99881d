"""The records a meeting's state is made of: deputies, devices, agenda items, polls, the
scrutineers' stations, runs of the key ceremony, liveness challenges and the sitting's threshold
key.

Plain data, changed only by :meth:`voting.core.state.MeetingState.apply`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ballots
from audit.tablet import DeviceKey
from ballots.crypto.threshold.ceremony import Ceremony
from voting.core.types import (
    SECRET_MODES,
    ChangePolicy,
    DeputyId,
    DeputyStatus,
    DeviceId,
    ItemId,
    ItemKind,
    KeyAlg,
    Mode,
    PollId,
    PollStatus,
)


@dataclass
class Deputy:
    id: DeputyId
    name: str
    seat: str
    status: DeputyStatus


@dataclass
class Device:
    """A paired tablet: its deputy, its public key, and the last signed message accepted."""

    id: DeviceId
    deputy: DeputyId
    alg: KeyAlg
    public_key: str
    counter: int = -1  # the highest message counter accepted so far
    last_body: Mapping[str, Any] | None = None  # that message, for idempotent re-sends
    active: bool = True
    _key: DeviceKey | None = field(default=None, compare=False, repr=False)

    def key(self) -> DeviceKey:
        """The parsed public key (parsed once; pairing checked that it parses), its Ed25519
        signatures checked by libsodium as the server's workers check them."""
        if self._key is None:
            self._key = DeviceKey.parse(self.alg, self.public_key, ed25519="libsodium")
        return self._key


@dataclass
class Item:
    id: ItemId
    title: str
    kind: ItemKind
    rule: Mapping[str, Any] | None = None  # 差额 rule and office kind, see rounds
    withdrawn: bool = False
    body: str = "plenary"  # the body that votes: plenary or presidium, see bodies
    adopts: dict[str, Any] | None = None  # what a passing motion adopts, see bodies


@dataclass
class Poll:
    id: PollId
    item: ItemId
    definition: dict[str, Any]
    mode: Mode
    change_policy: ChangePolicy
    present: frozenset[str]
    closes_at: str | None = None
    status: PollStatus = "open"
    participants: set[str] = field(default_factory=set)
    votes: dict[str, Any] = field(default_factory=dict)  # named: deputy -> counted choice
    issued: int | None = None
    result: dict[str, Any] | None = None
    announced: bool = False
    confirmed_by: list[str] = field(default_factory=list)  # manual: scrutineers who confirmed
    void_reason: str | None = None
    confirmation: dict[str, Any] | None = None  # election: the presidium's decision and names
    body: str = "plenary"  # the body whose members vote: plenary or presidium
    key_id: str | None = None  # encrypted: the sitting key the ballots are encrypted to
    encrypted: EncryptedBallots | None = None  # encrypted: the ballots and their tally
    _parsed: ballots.PollDefinition | None = field(default=None, compare=False, repr=False)
    # encrypted: (key id, its ballot setup), computed once (voting.core.encrypted.ballot_setup)
    setup_memo: tuple[str, Any] | None = field(default=None, compare=False, repr=False)
    # named: choices found well-formed, as compact sorted JSON (voting.core.casting.check_choice)
    well_formed: set[bytes] = field(default_factory=set, compare=False, repr=False)

    def parsed(self) -> ballots.PollDefinition:
        """The definition, parsed once (opening the poll checked that it parses)."""
        if self._parsed is None:
            self._parsed = ballots.parse_poll(self.definition)
        return self._parsed

    @property
    def cast_count(self) -> int:
        """Deputies who have taken part so far (never what they chose)."""
        return len(self.participants) if self.mode in SECRET_MODES else len(self.votes)

    def took_part(self, deputy: str) -> bool:
        return deputy in (self.participants if self.mode in SECRET_MODES else self.votes)


@dataclass(frozen=True)
class SittingKey:
    """The scrutineers' threshold key of the sitting, once its ceremony completed
    (``key_completed``, ``docs/ballot-crypto-threshold.md`` §7): encrypted polls encrypt to
    ``public_key``; decryption shares are checked against ``verification_keys``.

    Points are base64url of their 32 bytes, ``key_id`` the hex of its scalar; ``scrutineers``
    maps each index ``j`` (1..n) to the deputy who holds share ``j``.
    """

    key_id: str
    t: int
    n: int
    public_key: str
    verification_keys: Mapping[int, str]
    scrutineers: Mapping[int, str]


@dataclass(frozen=True)
class CastBallot:
    """An accepted encrypted ballot: the seq of its ``encrypted_ballot`` entry, who cast it and
    the ballot JSON (ciphertexts and proofs, ``docs/ballot-crypto.md`` §8)."""

    seq: int
    deputy: str
    device: str
    ballot: Mapping[str, Any]


@dataclass
class EncryptedBallots:
    """An encrypted poll's ballots in log order and what its tally has reached.

    ``first_components``: every first component ``a`` (32 bytes) of the poll's ballots, for
    weeding; ``aggregate``: the ``aggregate`` entry written at close; ``share_sets``: the
    scrutineers' decryption shares by index ``j``, in log order; ``totals``: the decrypted
    totals; ``awaiting_mix``: someone wrote in, the result waits for the write-in mix;
    ``shuffles``: the mix's ``shuffle`` entries in chain order; ``write_in_share_sets``: the
    stations' ``write_in_shares`` entries by index ``j``, in log order.
    """

    cast: list[CastBallot] = field(default_factory=list)
    first_components: set[bytes] = field(default_factory=set)
    aggregate: Mapping[str, Any] | None = None
    share_sets: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    totals: Mapping[str, Any] | None = None
    awaiting_mix: bool = False
    shuffles: list[Mapping[str, Any]] = field(default_factory=list)
    write_in_share_sets: dict[int, Mapping[str, Any]] = field(default_factory=dict)


def first_components_of(ballot: Mapping[str, Any]) -> set[bytes]:
    """The first components ``a`` of a strictly decoded ballot's JSON, as 32-byte encodings."""
    return {base64.urlsafe_b64decode(a + "=") for a, _ in ballot["ciphertexts"]}


@dataclass
class Station:
    """A scrutineer's station (their own laptop): its deputy, its signing key, and the last
    signed message accepted. Kept apart from tablets: a station never votes."""

    id: str
    deputy: DeputyId
    alg: KeyAlg
    public_key: str
    counter: int = -1  # the highest message counter accepted so far
    last_body: Mapping[str, Any] | None = None  # that message, for idempotent re-sends
    active: bool = True  # False once the deputy paired another station
    _key: DeviceKey | None = field(default=None, compare=False, repr=False)

    def key(self) -> DeviceKey:
        """The parsed public key (parsed once; pairing checked that it parses), its Ed25519
        signatures checked by libsodium as the server's workers check them."""
        if self._key is None:
            self._key = DeviceKey.parse(self.alg, self.public_key, ed25519="libsodium")
        return self._key


@dataclass
class CeremonyRun:
    """One run of the key ceremony (``ceremony_started`` on): who holds which index, the pure
    :class:`~ballots.crypto.threshold.ceremony.Ceremony` fed with every logged message, and the
    faults the log recorded (``ceremony_fault``)."""

    id: str
    t: int
    n: int
    scrutineers: Mapping[int, str]  # index -> deputy
    stations: Mapping[int, str]  # index -> station
    ceremony: Ceremony
    messages: list[dict[str, Any]] = field(default_factory=list)  # seq, kind, index, message
    faults: list[dict[str, Any]] = field(default_factory=list)  # index, deputy, code, reason

    def index_of_station(self, station: str) -> int | None:
        """The index ``station`` holds in this run, if any."""
        return next((j for j, s in self.stations.items() if s == station), None)


@dataclass
class LivenessRound:
    """The current liveness challenge of a poll and the scrutineers who answered it."""

    poll: str
    challenge: str  # base64url of the random bytes
    key_id: str
    answered: dict[int, int] = field(default_factory=dict)  # index -> seq of its entry
