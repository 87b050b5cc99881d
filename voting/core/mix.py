"""The write-in mix of an encrypted election (``docs/ballot-secrecy.md`` §6 and §7).

When ΣU > 0 the result waits (``decrypted_totals`` with ``awaiting: "write-in-mix"``). The mix
input is the write-in vector of every counted ballot in log order (:mod:`audit.mix`). Each
station, authenticated by its signature as for ceremony messages, posts one shuffle of the
current list with its proof (``shuffle`` entries, checked against the previous output). Once
at least t shuffles are in the chain, each station whose shuffle is in it posts one
Chaum–Pedersen decryption share per point of the final list (``write_in_shares``); with the
t-th set the names are decrypted, decoded leniently and counted by the per-ballot write-in
rules (``decrypted_write_ins``), then the ``result`` follows.

The heavy checks run in :func:`prepare` (the service calls it in a worker thread on a
snapshot); :func:`commit` then re-authenticates the station and refuses with ``mix-moved`` if
the mix changed meanwhile, so the decision itself stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ballots
from audit.encrypted import counts_from_totals
from audit.mix import (
    closed_list,
    decrypted_names,
    list_hash,
    write_in_context,
    write_in_vectors,
)
from ballots.crypto.errors import CryptoError, LayoutError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.shuffle.chain import ChainKey
from ballots.crypto.shuffle.challenges import Vector
from ballots.crypto.shuffle.encoding import shuffle_from_bytes
from ballots.crypto.shuffle.mix import verify_shuffle
from ballots.crypto.threshold.decryption import (
    DecryptionShare,
    combine,
    verify_decryption_share,
)
from voting.core import bodies, checks
from voting.core.devices import SignedBody
from voting.core.encrypted import ballot_setup, crypto_refusal, tally_of, unb64url
from voting.core.outcome import AlreadyRecorded
from voting.core.records import EncryptedBallots, Poll, SittingKey, Station
from voting.core.state import MeetingState
from voting.core.stations import authenticate_station
from voting.core.types import Entry
from voting.errors import CommandError, Conflict, Forbidden

__all__ = [
    "SHARES_BODY",
    "SHUFFLE_BODY",
    "MixSetup",
    "Prepared",
    "commit",
    "current_list",
    "mix_setup",
    "mix_view",
    "prepare",
]

#: The ``type`` of a station's signed body posting a shuffle, and posting write-in shares.
SHUFFLE_BODY: Final = "shuffle"
SHARES_BODY: Final = "write_in_shares"


@dataclass(frozen=True)
class MixSetup:
    """An encrypted poll waiting for its write-in mix: the key the shuffles are bound to, the
    list's size N and width W = S·k, and the points per name k."""

    poll: Poll
    tally: EncryptedBallots
    key: SittingKey
    chain_key: ChainKey
    count: int
    width: int
    name_points: int


def mix_setup(state: MeetingState, poll_id: str) -> MixSetup:
    """The :class:`MixSetup` of ``poll_id``; ``no-write-in-mix`` unless it waits for the mix."""
    poll = checks.known_poll(state, poll_id)
    tally = tally_of(poll)
    if not tally.awaiting_mix or tally.aggregate is None:
        raise Conflict(
            "no-write-in-mix",
            "该表决没有待混洗的另选他人",
            f"poll {poll_id} is not waiting for a write-in mix",
        )
    setup = ballot_setup(state, poll)
    key = state.sitting_key
    assert key is not None  # ballot_setup refused a changed key
    chain_key = ChainKey(
        Scalar.decode(bytes.fromhex(key.key_id), "key_id"), setup.poll_context, setup.key
    )
    shape = setup.shape
    count = len(tally.aggregate["counted"])
    return MixSetup(
        poll, tally, key, chain_key, count, shape.slots * shape.name_points, shape.name_points
    )


def mix_input(state: MeetingState, setup: MixSetup) -> list[Vector]:
    """The write-in vectors of the counted ballots, in log order."""
    by_seq = {ballot.seq: ballot.ballot for ballot in setup.tally.cast}
    assert setup.tally.aggregate is not None
    counted = [by_seq[seq] for seq in setup.tally.aggregate["counted"]]
    return write_in_vectors(ballot_setup(state, setup.poll).shape, counted)


def current_list(state: MeetingState, setup: MixSetup) -> list[Vector]:
    """The list the next shuffle mixes: the last shuffle's outputs, or the mix input."""
    if not setup.tally.shuffles:
        return mix_input(state, setup)
    last = setup.tally.shuffles[-1]["station_body"]["shuffle"]
    mixed = shuffle_from_bytes(unb64url(last), setup.count, setup.width)
    return list(mixed.outputs)


def mix_view(state: MeetingState, poll_id: str) -> dict[str, Any]:
    """What a station needs to shuffle or decrypt: the counted ballots (to recompute the mix
    input), the shuffles so far, the poll's encryption setup and the threshold t."""
    setup = mix_setup(state, poll_id)
    by_seq = {ballot.seq: ballot.ballot for ballot in setup.tally.cast}
    assert setup.tally.aggregate is not None
    return {
        "poll": poll_id,
        "encryption": ballot_setup(state, setup.poll).view(),
        "t": setup.key.t,
        "counted": [by_seq[seq] for seq in setup.tally.aggregate["counted"]],
        "shuffles": [entry["station_body"]["shuffle"] for entry in setup.tally.shuffles],
        "stations": [entry["index"] for entry in setup.tally.shuffles],
        "shares_from": sorted(setup.tally.write_in_share_sets),
    }


# Prepare (heavy, on a snapshot) and commit (cheap, in the decision) ---------------------------


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` found: the entries to write, the mix state they were checked
    against, or the re-sent body already recorded."""

    entries: list[Entry]
    moment: tuple[Any, ...]
    already: AlreadyRecorded | None = None


def _moment(state: MeetingState, poll_id: str) -> tuple[Any, ...]:
    poll = checks.known_poll(state, poll_id)
    tally = tally_of(poll)
    key = state.sitting_key.key_id if state.sitting_key is not None else None
    return (key, tally.awaiting_mix, len(tally.shuffles), tuple(tally.write_in_share_sets))


def _index_of(key: SittingKey, station: Station) -> int:
    for index, holder in key.scrutineers.items():
        if holder == station.deputy:
            return index
    raise Forbidden(
        "not-a-key-holder",
        f"代表 {station.deputy} 不持有本次会议密钥的份额",
        f"deputy {station.deputy} holds no share of the sitting's key",
    )


def _poll_of(body: Mapping[str, Any]) -> str:
    poll = body.get("poll")
    if not isinstance(poll, str):
        raise CommandError("invalid-message", "消息缺少表决编号", "the body names no poll")
    return poll


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise CommandError("invalid-message", f"消息缺少 {name}", f"the body has no {name} text")
    return value


def _bytes(text: str, where: str) -> bytes:
    try:
        return unb64url(text)
    except ValueError:
        raise crypto_refusal(LayoutError(where, "not base64url")) from None


def prepare(state: MeetingState, signed: SignedBody, kind: str, poll_id: str) -> Prepared:
    """Authenticate a station's signed ``shuffle`` or ``write_in_shares`` body for poll
    ``poll_id`` and check it fully against ``state``; the entries it writes. Reads only: the
    service runs it in a worker thread."""
    checks.require_open(state)
    station = authenticate_station(state, signed, expected=kind)
    if isinstance(station, AlreadyRecorded):
        return Prepared([], (), station)
    if _poll_of(signed.body) != poll_id:
        raise CommandError(
            "invalid-message", "消息中的表决与地址不符", f"the body is not for poll {poll_id}"
        )
    moment = _moment(state, poll_id)
    setup = mix_setup(state, poll_id)
    index = _index_of(setup.key, station)
    check = _check_shuffle if kind == SHUFFLE_BODY else _check_shares
    common: Entry = {
        "poll": poll_id,
        "scrutineer": index,
        "deputy": station.deputy,
        "station": station.id,
        "station_body": dict(signed.body),
        "sig": signed.sig,
    }
    return Prepared(check(state, setup, index, signed.body, common), moment)


def commit(state: MeetingState, signed: SignedBody, prepared: Prepared) -> Any:
    """The decision: re-authenticate, refuse ``mix-moved`` if the mix changed since
    :func:`prepare`, else the prepared entries."""
    if prepared.already is not None:
        return prepared.already
    kind = signed.body.get("type")
    station = authenticate_station(state, signed, expected=str(kind))
    if isinstance(station, AlreadyRecorded):
        return station
    if _moment(state, _poll_of(signed.body)) != prepared.moment:
        raise Conflict(
            "mix-moved",
            "混洗状态已变化，请重新提交",
            "the mix changed while the post was checked: read it again and re-post",
        )
    return prepared.entries


def _check_shuffle(
    state: MeetingState, setup: MixSetup, index: int, body: Mapping[str, Any], common: Entry
) -> list[Entry]:
    tally = setup.tally
    if tally.write_in_share_sets:
        raise Conflict(
            "mix-closed",
            "已开始解密，不再接受混洗",
            "write-in shares were posted: the mix is closed",
        )
    if any(earlier["scrutineer"] == index for earlier in tally.shuffles):
        raise Conflict(
            "already-shuffled",
            "该监票终端已混洗过",
            f"scrutineer {index} already shuffled poll {setup.poll.id}",
        )
    data = _bytes(_text(body, "shuffle"), "shuffle")
    inputs = current_list(state, setup)
    try:
        mixed = shuffle_from_bytes(data, setup.count, setup.width)
        where = f"shuffles[{len(tally.shuffles)}]"
        verify_shuffle(inputs, mixed, setup.chain_key.for_station(index), where)
    except CryptoError as error:
        raise crypto_refusal(error) from None
    return [{"type": "shuffle", **common, "index": index, "output": list_hash(mixed.outputs)}]


def _check_shares(
    state: MeetingState, setup: MixSetup, index: int, body: Mapping[str, Any], common: Entry
) -> list[Entry]:
    tally = setup.tally
    if len(tally.shuffles) < setup.key.t:
        raise Conflict(
            "mix-incomplete",
            f"混洗尚未完成：需要 {setup.key.t} 次",
            f"{len(tally.shuffles)} shuffles, the chain needs {setup.key.t}",
        )
    if index not in [earlier["scrutineer"] for earlier in tally.shuffles]:
        raise Forbidden(
            "not-in-chain",
            "该监票终端未参与混洗，不能解密",
            f"scrutineer {index} has no shuffle in the chain",
        )
    if index in tally.write_in_share_sets:
        raise Conflict(
            "shares-exist",
            "该监票人已提交解密份额",
            f"scrutineer {index} already posted write-in shares for poll {setup.poll.id}",
        )
    final = current_list(state, setup)
    final_hash = tally.shuffles[-1]["output"]
    if body.get("final") != final_hash:
        raise Conflict(
            "stale-list",
            "解密份额不是针对最终列表",
            "the shares are not for the chain's final list",
        )
    texts = body.get("shares")
    points = [c for vector in final for c in vector]
    if not isinstance(texts, list) or len(texts) != len(points):
        count = len(texts) if isinstance(texts, list) else 0
        raise crypto_refusal(LayoutError("shares", f"{count} shares, not {len(points)}"))
    context = write_in_context(setup.chain_key.key_id, setup.poll.id, final_hash)
    y = Point.decode(unb64url(setup.key.verification_keys[index]), "verification_key")
    decoded: list[DecryptionShare] = []
    for position, (text, ciphertext) in enumerate(zip(texts, points, strict=True)):
        where = f"shares[{position}]"
        try:
            share = DecryptionShare.decode(_bytes(str(text), where), where)
            if share.scrutineer != index:
                problem = f"share of scrutineer {share.scrutineer}, not {index}"
                raise LayoutError(where, problem)
            verify_decryption_share(context, y, ciphertext, share, where)
        except CryptoError as error:
            raise crypto_refusal(error) from None
        decoded.append(share)
    posted: Entry = {"type": "write_in_shares", **common, "final": final_hash}
    sets = {j: _decode_set(e) for j, e in tally.write_in_share_sets.items()}
    sets[index] = decoded
    if len(sets) < setup.key.t:
        return [posted]
    return [posted, *_names_and_result(state, setup, final, sets)]


def _decode_set(entry: Mapping[str, Any]) -> list[DecryptionShare]:
    texts = entry["station_body"]["shares"]
    return [DecryptionShare.decode(unb64url(text), "share") for text in texts]


def _names_and_result(
    state: MeetingState,
    setup: MixSetup,
    final: Sequence[Vector],
    sets: Mapping[int, Sequence[DecryptionShare]],
) -> list[Entry]:
    """Combine the first t share sets, decode and count the names, then the result."""
    used = list(sets)[: setup.key.t]
    roster = closed_list(setup.poll.definition)
    written: list[list[str | bytes]] = []
    position = 0
    for k, vector in enumerate(final):
        points = []
        for w, ciphertext in enumerate(vector):
            shares = [sets[j][position] for j in used]
            try:
                points.append(combine(ciphertext, shares, setup.key.t, f"final[{k}][{w}]"))
            except CryptoError as error:  # verified shares always combine
                raise crypto_refusal(error) from None
            position += 1
        written.append(decrypted_names(points, setup.name_points, roster))
    poll = setup.poll
    cast = poll.issued or 0
    definition = ballots.parse_poll(dict(poll.definition, issued=cast))
    counted = ballots.count_decrypted_write_ins(definition, written)
    assert setup.tally.totals is not None
    result = ballots.decide(
        definition,
        cast=cast,
        valid=cast,
        void=0,
        counts=counts_from_totals(definition, setup.tally.totals["totals"], cast),
        write_ins=counted.counted,
        write_ins_ignored=counted.ignored,
    )
    decrypted: Entry = {
        "type": "decrypted_write_ins",
        "poll": poll.id,
        "write_ins": counted.counted,
        "write_ins_ignored": counted.ignored,
        "scrutineers": sorted(used),
    }
    return [
        decrypted,
        {"type": "result", "poll": poll.id, "result": result},
        *bodies.adoption(state, poll.id, result),
    ]
