"""Check 7 for encrypted polls: every ballot's proofs, the counted set, the aggregate, every
decryption share and the decrypted totals, recomputed from the log alone.

For each ``encrypted_ballot``: the ballot decodes strictly with its poll's shape, its SHA-256 is
the signed body's ``ballot_hash``, every proof verifies under the poll context, the deputy, the
device key and the sitting key of ``key_completed``, and no first component repeats one of an
earlier ballot of the poll (weeding). The ``aggregate`` that follows ``poll_closed`` counts
exactly the last (``last``) or first (``first``) valid ballot of each deputy, and its sums, ΣU
and hash are recomputed. Each ``decryption_shares`` entry names a scrutineer of the key, once
per poll, the aggregate's hash and the text of a checkpoint the log signed, covering the
aggregate; every
share's Chaum–Pedersen proof verifies against the scrutineer's verification key. The
``decrypted_totals`` entry equals the combination of the first t share sets, and waits for the
write-in mix exactly when ΣU > 0. Check 8 then recounts the result from these totals.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.canonical import canonical_bytes
from audit.encrypted import aggregate_hash, counted_seqs
from audit.verify.base import Entry
from audit.verify.mix_checks import MixChecks
from audit.verify.state import Meeting, Poll
from ballots import parse_poll
from ballots.crypto.ballot import BallotContext, check_not_reused, verify_ballot
from ballots.crypto.elgamal import Ciphertext, total
from ballots.crypto.encoding import ballot_bytes, ballot_from_json
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.hashing import poll_context
from ballots.crypto.shape import BallotShape, shape_of
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    decryption_context,
    verify_decryption_share,
)
from ballots.crypto.threshold.dlog import discrete_log
from ballots.errors import BallotsError

__all__ = ["EncryptedChecks"]

Fail = Callable[[int, str], None]


def _bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _pair(ciphertext: Ciphertext) -> list[str]:
    return [
        base64.urlsafe_b64encode(part.encode()).rstrip(b"=").decode()
        for part in (ciphertext.a, ciphertext.b)
    ]


@dataclass(frozen=True)
class _Key:
    key_id: str
    t: int
    public_key: Point
    verification_keys: Mapping[int, Point]


@dataclass
class _Tally:
    """One encrypted poll as check 7 has verified it so far."""

    shape: BallotShape
    context: Scalar
    key: _Key
    valid: list[tuple[int, str, tuple[Ciphertext, ...]]] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)
    aggregate: dict[str, Any] | None = None
    ciphertexts: list[Ciphertext] = field(default_factory=list)
    share_sets: dict[int, list[DecryptionShare]] = field(default_factory=dict)
    #: the verified mark totals while the result waits for the write-in mix
    awaiting_totals: list[int] | None = None


class EncryptedChecks:
    """The encrypted-poll part of check 7; failures go to ``fail`` naming the entry."""

    def __init__(self, meeting: Meeting, fail: Fail, checkpoints: frozenset[str]) -> None:
        self.meeting = meeting
        self.checkpoints = checkpoints
        self.fail = fail
        self.key: _Key | None = None
        self.polls: dict[str, _Tally] = {}
        self.ballots = 0
        self.handlers: dict[str, Callable[[int, Entry], None]] = {
            "key_completed": self._key_completed,
            "poll_opened": self._poll_opened,
            "encrypted_ballot": self._ballot,
            "aggregate": self._aggregate,
            "decryption_shares": self._shares,
            "decrypted_totals": self._totals,
            **MixChecks(self).handlers,
        }

    def feed(self, seq: int, entry: Entry) -> None:
        handler = self.handlers.get(entry["type"])
        if handler is None:
            return
        try:
            handler(seq, entry)
        except (BallotsError, ValueError) as error:
            self.fail(seq, f"entry {seq}: {entry['type']} cannot be checked: {error}")

    def _key_completed(self, seq: int, entry: Entry) -> None:
        self.key = _Key(
            key_id=entry["key_id"],
            t=entry["t"],
            public_key=Point.decode(_bytes(entry["public_key"]), "public_key"),
            verification_keys={
                int(j): Point.decode(_bytes(y), f"verification_keys.{j}")
                for j, y in entry["verification_keys"].items()
            },
        )

    def _poll_opened(self, seq: int, entry: Entry) -> None:
        if entry["mode"] != "encrypted":
            return
        key = self.key
        if key is None or entry.get("key_id") != key.key_id:
            self.fail(seq, f"entry {seq}: encrypted poll {entry['poll']} names no completed key")
            return
        definition = entry["definition"]
        round_ = definition.get("round")
        runoff = isinstance(round_, dict) and round_.get("type") == "runoff"
        shape = shape_of(
            parse_poll(definition), runoff=runoff, closed_list="write_in_eligible" in definition
        )
        context = poll_context(
            origin=self.meeting.origin,
            poll_id=entry["poll"],
            poll_definition=canonical_bytes(definition),
            key=Scalar.decode(bytes.fromhex(key.key_id), "key_id"),
            public_key=key.public_key,
        )
        self.polls[entry["poll"]] = _Tally(shape, context, key)

    def _ballot(self, seq: int, entry: Entry) -> None:
        tally = self.polls.get(entry["poll"])
        device = self.meeting.devices.get(entry["device"])
        if tally is None or device is None:
            return  # check 6 or 4 names the entry
        try:
            ballot = ballot_from_json(tally.shape, entry["ballot"])
            if hashlib.sha256(ballot_bytes(ballot)).hexdigest() != entry["body"].get("ballot_hash"):
                self.fail(seq, f"entry {seq}: the ballot's SHA-256 is not the signed ballot_hash")
                return
            context = BallotContext(
                tally.context,
                entry["deputy"],
                base64.b64decode(device.public_key),
                tally.key.public_key,
            )
            verify_ballot(tally.shape, ballot, context=context)
            check_not_reused(ballot, tally.seen)
        except CryptoError as error:
            self.fail(seq, f"entry {seq}: encrypted ballot refused ({error.code}): {error}")
            return
        tally.seen.update(c.a.encode() for c in ballot.ciphertexts)
        tally.valid.append((seq, entry["deputy"], ballot.ciphertexts))
        self.ballots += 1

    def _aggregate(self, seq: int, entry: Entry) -> None:
        tally, poll = self._closed(seq, entry)
        if tally is None or poll is None:
            return
        if tally.aggregate is not None:
            self.fail(seq, f"entry {seq}: second aggregate of poll {poll.poll}")
            return
        counted = counted_seqs(((s, d) for s, d, _ in tally.valid), poll.change_policy)
        if entry["counted"] != counted:
            self.fail(
                seq,
                f"entry {seq}: counted {entry['counted']} are not the ballots that count "
                f"({counted}, change policy {poll.change_policy})",
            )
            return
        shape = tally.shape
        ballots = [cts for s, _, cts in tally.valid if s in set(counted)]
        sums = [total(cts[i] for cts in ballots) for i in range(shape.mark_count)]
        flags = [shape.mark_count + k * (1 + shape.name_points) for k in range(shape.slots)]
        write_in_sum = total(cts[i] for cts in ballots for i in flags) if flags else None
        wanted = {"sums": [_pair(s) for s in sums], "hash": aggregate_hash(sums, write_in_sum)}
        if write_in_sum is not None:
            wanted["write_in_sum"] = _pair(write_in_sum)
        given = {name: entry.get(name) for name in ("sums", "hash", "write_in_sum")}
        if given != {name: wanted.get(name) for name in given}:
            self.fail(
                seq,
                f"entry {seq}: the aggregate of poll {poll.poll} is not the sum of its counted ballots",
            )
            return
        tally.aggregate = dict(entry, seq=seq)
        tally.ciphertexts = [*sums, *([write_in_sum] if write_in_sum is not None else [])]

    def _closed(self, seq: int, entry: Entry) -> tuple[_Tally | None, Poll | None]:
        tally = self.polls.get(entry["poll"])
        poll = self.meeting.polls.get(entry["poll"])
        if tally is None or poll is None:
            self.fail(
                seq, f"entry {seq}: {entry['type']} for {entry['poll']}, not an encrypted poll"
            )
            return None, None
        if poll.closed_at is None or poll.voided_at is not None:
            self.fail(
                seq, f"entry {seq}: {entry['type']} for poll {poll.poll}, which is not closed"
            )
            return None, None
        return tally, poll

    def _shares(self, seq: int, entry: Entry) -> None:
        tally, poll = self._closed(seq, entry)
        if tally is None or poll is None:
            return
        aggregate, j = tally.aggregate, entry["scrutineer"]
        y = tally.key.verification_keys.get(j)
        if aggregate is None or entry["aggregate"] != aggregate["hash"]:
            self.fail(
                seq, f"entry {seq}: decryption shares of another aggregate than poll {poll.poll}'s"
            )
            return
        if y is None or j in tally.share_sets:
            self.fail(seq, f"entry {seq}: scrutineer {j} is not in the key or posted shares twice")
            return
        if entry["checkpoint"] not in self.checkpoints:
            self.fail(
                seq, f"entry {seq}: the shares are bound to a checkpoint the log never signed"
            )
            return
        lines = entry["checkpoint"].split("\n")
        if len(lines) != 4 or lines[0] != self.meeting.origin or int(lines[1]) <= aggregate["seq"]:
            self.fail(
                seq, f"entry {seq}: the checkpoint does not cover poll {poll.poll}'s aggregate"
            )
            return
        context = decryption_context(
            key=Scalar.decode(bytes.fromhex(tally.key.key_id), "key_id"),
            poll_id=poll.poll,
            checkpoint=entry["checkpoint"].encode(),
            aggregate_hash=bytes.fromhex(aggregate["hash"]),
        )
        shares = [
            DecryptionShare.decode(_bytes(s), f"shares[{i}]") for i, s in enumerate(entry["shares"])
        ]
        if len(shares) != len(tally.ciphertexts) or any(s.scrutineer != j for s in shares):
            self.fail(
                seq, f"entry {seq}: the shares do not match the aggregate of poll {poll.poll}"
            )
            return
        for index, (ciphertext, share) in enumerate(zip(tally.ciphertexts, shares, strict=True)):
            try:
                verify_decryption_share(context, y, ciphertext, share, f"shares[{index}]")
            except CryptoError as error:
                self.fail(seq, f"entry {seq}: decryption share refused ({error.code}): {error}")
                return
        tally.share_sets[j] = shares

    def _totals(self, seq: int, entry: Entry) -> None:
        tally, poll = self._closed(seq, entry)
        if tally is None or poll is None or tally.aggregate is None:
            return
        used = entry["scrutineers"]
        counted = len(tally.aggregate["counted"])
        marks = tally.shape.mark_count
        if counted == 0 and used == [] and entry["totals"] == [0] * tally.shape.choice_length:
            poll.encrypted_totals = list(entry["totals"])
            return
        if len(used) != tally.key.t or any(j not in tally.share_sets for j in used):
            self.fail(seq, f"entry {seq}: the totals combine shares that were not verified: {used}")
            return
        values = []
        for index, ciphertext in enumerate(tally.ciphertexts):
            limit = tally.shape.sum_limit(counted) if index < marks else counted * tally.shape.slots
            point = combine(
                ciphertext, [tally.share_sets[j][index] for j in used], tally.key.t, "totals"
            )
            values.append(discrete_log(point, limit, f"totals[{index}]"))
        totals = tally.shape.totals(values[:marks], counted)
        write_ins = sum(values[marks:])
        awaiting = "write-in-mix" if write_ins > 0 else None
        if (
            entry["totals"] != totals
            or entry["write_ins_made"] != write_ins
            or entry.get("awaiting") != awaiting
        ):
            self.fail(
                seq,
                f"entry {seq}: the totals of poll {poll.poll} are not the decryption of its aggregate",
            )
            return
        poll.encrypted_totals = totals if awaiting is None else None
        tally.awaiting_totals = None if awaiting is None else totals
