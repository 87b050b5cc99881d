"""Counting an encrypted poll (``docs/ballot-secrecy.md`` §7): aggregate, decrypt, result.

At close (:func:`close_encrypted`) the counted set — per deputy the last accepted ballot in log
order under ``last``, the first under ``first`` — is summed homomorphically, one sum per mark
ciphertext and ΣU over the write-in flags of an election; the ``aggregate`` entry records the
counted entries, the sums and their hash. Each scrutineer then posts decryption shares of
exactly those sums (:func:`record_decryption_shares`), bound to the poll, a signed checkpoint
and the aggregate hash (``ballot-crypto-threshold.md`` §9) and authenticated by their
Chaum–Pedersen proofs against the scrutineer's verification key. Once t share sets are in,
the totals are combined (:func:`combine_totals`) and counted by the rules of paper results
(:func:`ballots.decide`); if someone wrote in (ΣU > 0) the result waits for the write-in mix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ballots
from audit.encrypted import aggregate_hash, counted_seqs, counts_from_totals
from ballots.crypto.elgamal import Ciphertext, total
from ballots.crypto.encoding import ballot_from_json
from ballots.crypto.errors import CryptoError, LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shape import BallotShape
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    decryption_context,
    verify_decryption_share,
)
from ballots.crypto.threshold.dlog import discrete_log
from voting.core import bodies, checks
from voting.core.encrypted import (
    b64url,
    ballot_setup,
    crypto_refusal,
    tally_of,
    unb64url,
)
from voting.core.outcome import Change
from voting.core.records import CastBallot, Poll
from voting.core.state import MeetingState
from voting.core.types import Entry
from voting.errors import CommandError, Conflict

__all__ = [
    "aggregate_ciphertexts",
    "aggregated",
    "close_encrypted",
    "combine_totals",
    "counted_ballots",
    "record_decryption_shares",
    "result_from_totals",
]


# The counted set and its sums -----------------------------------------------------------------


def counted_ballots(cast: Sequence[CastBallot], policy: str) -> list[CastBallot]:
    """Per deputy, the last (``last``) or first (``first``) ballot, in log order."""
    by_seq = {ballot.seq: ballot for ballot in cast}
    return [by_seq[seq] for seq in counted_seqs(((b.seq, b.deputy) for b in cast), policy)]


def write_in_flags(shape: BallotShape) -> list[int]:
    """The layout positions of the write-in flags U_i."""
    return [shape.mark_count + slot * (1 + shape.name_points) for slot in range(shape.slots)]


def aggregated(
    shape: BallotShape, counted: Sequence[Mapping[str, Any]]
) -> tuple[list[Ciphertext], Ciphertext | None]:
    """The sum of each mark ciphertext over the ``counted`` ballots (JSON), and ΣU of an
    election with write-in slots (None without)."""
    decoded = [ballot_from_json(shape, ballot).ciphertexts for ballot in counted]
    sums = [total(cts[i] for cts in decoded) for i in range(shape.mark_count)]
    flags = write_in_flags(shape)
    write_in_sum = total(cts[i] for cts in decoded for i in flags) if flags else None
    return sums, write_in_sum


def _pair(ciphertext: Ciphertext) -> list[str]:
    return [b64url(ciphertext.a.encode()), b64url(ciphertext.b.encode())]


def _ciphertext(pair: Sequence[str]) -> Ciphertext:
    a, b = (unb64url(value) for value in pair)
    return Ciphertext(
        Point.decode(a, "a", allow_identity=True), Point.decode(b, "b", allow_identity=True)
    )


def aggregate_ciphertexts(aggregate: Mapping[str, Any]) -> list[Ciphertext]:
    """The ciphertexts an ``aggregate`` entry asks to decrypt, in order: sums, then ΣU."""
    pairs = list(aggregate["sums"])
    if "write_in_sum" in aggregate:
        pairs.append(aggregate["write_in_sum"])
    return [_ciphertext(pair) for pair in pairs]


# Close --------------------------------------------------------------------------------------


def close_encrypted(state: MeetingState, poll: Poll, *, by: str) -> Change:
    """``poll_closed`` and the ``aggregate`` of the counted set; with no ballot at all, the
    all-zero totals and the result at once (nothing to decrypt)."""
    tally = tally_of(poll)
    shape = ballot_setup(state, poll).shape
    counted = counted_ballots(tally.cast, poll.change_policy)
    participants = sorted(ballot.deputy for ballot in counted)
    sums, write_in_sum = aggregated(shape, [ballot.ballot for ballot in counted])
    aggregate: Entry = {
        "type": "aggregate",
        "poll": poll.id,
        "counted": [ballot.seq for ballot in counted],
        "sums": [_pair(s) for s in sums],
        "hash": aggregate_hash(sums, write_in_sum),
    }
    if write_in_sum is not None:
        aggregate["write_in_sum"] = _pair(write_in_sum)
    closed: Entry = {
        "type": "poll_closed",
        "poll": poll.id,
        "participants": participants,
        "issued": len(participants),
        "by": by,
    }
    entries = [closed, aggregate]
    if not counted:
        totals = [0] * shape.choice_length
        entries += _totals_and_result(state, poll, totals, 0, [], issued=0)
    return Change(entries)


# Decryption shares --------------------------------------------------------------------------


def _checkpoint_size(state: MeetingState, checkpoint: str) -> int:
    """The tree size of a checkpoint text ``origin\\nsize\\nroot\\n`` of this meeting's log."""
    lines = checkpoint.split("\n")
    if len(lines) != 4 or lines[3] != "" or lines[0] != state.origin or not lines[1].isdigit():
        raise CommandError(
            "bad-checkpoint",
            "检查点格式有误",
            "checkpoint must be this log's checkpoint text: origin, size, root hash",
        )
    return int(lines[1])


def record_decryption_shares(
    state: MeetingState,
    *,
    poll: str,
    scrutineer: int,
    checkpoint: str,
    aggregate: str,
    shares: Sequence[str],
) -> Change:
    """Scrutineer ``scrutineer``'s decryption shares of a closed encrypted poll's aggregate.

    ``checkpoint``: the text of a signed checkpoint that covers the ``aggregate`` entry (the
    service checked it is one of the log's); ``aggregate``: the aggregate hash; ``shares``:
    base64url of ``u8(j) ‖ D_j ‖ proof`` per aggregated ciphertext. Each share's proof is
    checked against the scrutineer's verification key: that is its authentication. One share
    set per scrutineer per poll; with the t-th set, the totals and the result follow.
    """
    checks.require_open(state)
    found = checks.known_poll(state, poll)
    tally = tally_of(found)
    if found.status != "closed" or tally.aggregate is None:
        raise Conflict("poll-not-closed", "表决尚未结束", f"poll {poll} is not closed")
    if tally.totals is not None:
        raise Conflict("already-decrypted", "该表决已解密计票", f"poll {poll} is already decrypted")
    key = state.sitting_key
    if key is None or key.key_id != found.key_id:
        raise Conflict("key-changed", "监票人密钥已更换", f"poll {poll} used another key")
    verification_key = key.verification_keys.get(scrutineer)
    if verification_key is None:
        raise CommandError(
            "unknown-scrutineer", "没有该编号的监票人", f"no scrutineer {scrutineer} in the key"
        )
    if scrutineer in tally.share_sets:
        raise Conflict(
            "shares-exist",
            "该监票人已提交解密份额",
            f"scrutineer {scrutineer} already posted shares for poll {poll}",
        )
    if aggregate != tally.aggregate["hash"]:
        raise Conflict(
            "wrong-aggregate", "解密份额与本表决的汇总不符", "the aggregate hash is not this poll's"
        )
    if _checkpoint_size(state, checkpoint) <= tally.aggregate["seq"]:
        raise CommandError(
            "bad-checkpoint", "检查点未包含汇总", "the checkpoint does not cover the aggregate"
        )
    ciphertexts = aggregate_ciphertexts(tally.aggregate)
    context = decryption_context(
        key=Scalar.decode(bytes.fromhex(key.key_id), "key_id"),
        poll_id=poll,
        checkpoint=checkpoint.encode(),
        aggregate_hash=bytes.fromhex(aggregate),
    )
    decoded = _decoded_shares(shares, len(ciphertexts), scrutineer)
    y = Point.decode(unb64url(verification_key), "verification_key")
    for index, (ciphertext, share) in enumerate(zip(ciphertexts, decoded, strict=True)):
        try:
            verify_decryption_share(context, y, ciphertext, share, f"shares[{index}]")
        except CryptoError as error:
            raise crypto_refusal(error) from None
    entry: Entry = {
        "type": "decryption_shares",
        "poll": poll,
        "scrutineer": scrutineer,
        "checkpoint": checkpoint,
        "aggregate": aggregate,
        "shares": list(shares),
    }
    share_sets = {**tally.share_sets, scrutineer: entry}
    if len(share_sets) < key.t:
        return Change([entry])
    marks = len(tally.aggregate["sums"])
    counted = found.issued or 0
    shape = ballot_setup(state, found).shape
    limits = [shape.sum_limit(counted)] * marks + ([counted * shape.slots] if shape.slots else [])
    try:
        values, used = combine_totals(ciphertexts, share_sets, key.t, limits)
        totals = shape.totals(values[:marks], counted)
    except CryptoError as error:  # verified shares always combine: a corrupt aggregate
        raise crypto_refusal(error) from None
    write_ins = sum(values[marks:])
    return Change([entry, *_totals_and_result(state, found, totals, write_ins, used)])


def _decoded_shares(shares: Sequence[str], count: int, scrutineer: int) -> list[DecryptionShare]:
    if len(shares) != count:
        raise crypto_refusal(LayoutError("shares", f"{len(shares)} shares, not {count}"))
    decoded: list[DecryptionShare] = []
    for index, text in enumerate(shares):
        where = f"shares[{index}]"
        try:
            share = DecryptionShare.decode(unb64url(text), where)
        except CryptoError as error:
            raise crypto_refusal(error) from None
        except ValueError:
            raise crypto_refusal(LayoutError(where, "not base64url")) from None
        if share.scrutineer != scrutineer:
            problem = f"share of scrutineer {share.scrutineer}, not {scrutineer}"
            raise crypto_refusal(LayoutError(where, problem))
        decoded.append(share)
    return decoded


def combine_totals(
    ciphertexts: Sequence[Ciphertext],
    share_sets: Mapping[int, Mapping[str, Any]],
    t: int,
    limits: Sequence[int],
) -> tuple[list[int], list[int]]:
    """Each ciphertext's decrypted value (at most its limit) and the scrutineers whose
    (already verified) shares were combined: the first ``t`` sets in log order."""
    used = list(share_sets)[:t]
    decoded = {
        j: [DecryptionShare.decode(unb64url(s), "share") for s in share_sets[j]["shares"]]
        for j in used
    }
    values: list[int] = []
    for index, (ciphertext, limit) in enumerate(zip(ciphertexts, limits, strict=True)):
        where = f"totals[{index}]"
        point = combine(ciphertext, [decoded[j][index] for j in used], t, where)
        values.append(discrete_log(point, limit, where))
    return values, sorted(used)


# Totals to the result -----------------------------------------------------------------------


def _totals_and_result(
    state: MeetingState,
    poll: Poll,
    totals: list[int],
    write_ins: int,
    scrutineers: list[int],
    *,
    issued: int | None = None,
) -> list[Entry]:
    """``decrypted_totals``, then — unless someone wrote in — the ``result`` by the counting
    rules of paper results and what a passing motion adopts."""
    entry: Entry = {
        "type": "decrypted_totals",
        "poll": poll.id,
        "totals": totals,
        "write_ins_made": write_ins,
        "scrutineers": scrutineers,
    }
    if write_ins > 0:
        entry["awaiting"] = "write-in-mix"
        return [entry]
    cast = poll.issued if issued is None else issued
    result = result_from_totals(poll, totals, cast or 0)
    return [
        entry,
        {"type": "result", "poll": poll.id, "result": result},
        *bodies.adoption(state, poll.id, result),
    ]


def result_from_totals(poll: Poll, totals: Sequence[int], cast: int) -> dict[str, Any]:
    """The tally-format result of an encrypted poll: every counted ballot is valid (proven)."""
    definition = ballots.parse_poll(dict(poll.definition, issued=cast))
    return ballots.decide(
        definition,
        cast=cast,
        valid=cast,
        void=0,
        counts=counts_from_totals(definition, totals, cast),
    )
