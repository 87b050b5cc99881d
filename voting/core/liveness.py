"""Liveness at opening (``ballot-secrecy.md`` §4): t stations prove they still hold their share.

The chair issues a fresh challenge for a poll id (``liveness_challenge``); each scrutineer's
station answers with a Schnorr proof of ``s_j`` for ``Y_j`` bound to the key, the poll and the
challenge (``ballots.crypto.threshold.liveness``), signed by the station (``liveness``). A new
challenge for the same poll replaces the old one and its answers. :func:`require_live` refuses
with ``scrutineers-not-live`` while fewer than t have answered the current challenge.
"""

from __future__ import annotations

from typing import Final

from audit.ceremony_messages import b64url, unb64url
from ballots.crypto.errors import CryptoError
from ballots.crypto.group import Point, Scalar
from ballots.crypto.threshold.liveness import (
    LABEL_LIVENESS,
    LivenessProof,
    liveness_context,
)
from ballots.crypto.threshold.proofs import verify_knowledge
from voting.core.ceremony import ceremony_refused
from voting.core.checks import require_open
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded
from voting.core.records import SittingKey
from voting.core.state import MeetingState
from voting.core.stations import authenticate_station
from voting.core.types import Entry
from voting.errors import Conflict, Forbidden, invalid_message

__all__ = [
    "ANSWER_BODY_TYPE",
    "CHALLENGE_BYTES",
    "answer_liveness",
    "issue_challenge",
    "live_scrutineers",
    "require_live",
]

#: The ``type`` of the body a station signs to answer a challenge.
ANSWER_BODY_TYPE: Final = "liveness_answer"
#: Random bytes in a challenge.
CHALLENGE_BYTES: Final = 32
_MAX_POLL_ID: Final = 64


def _sitting_key(state: MeetingState) -> SittingKey:
    if state.sitting_key is None:
        raise Conflict(
            "no-sitting-key",
            "监票人密钥尚未生成，请先完成密钥仪式",
            "the scrutineers' key is not complete; run the key ceremony first",
        )
    return state.sitting_key


def issue_challenge(state: MeetingState, *, poll: str, challenge: bytes, by: str) -> list[Entry]:
    """A fresh challenge for ``poll`` (its random bytes drawn by the caller)."""
    require_open(state)
    key = _sitting_key(state)
    if not poll or len(poll) > _MAX_POLL_ID:
        raise invalid_message(f"poll must be 1 to {_MAX_POLL_ID} characters")
    if len(challenge) != CHALLENGE_BYTES:
        raise ValueError(f"a challenge is {CHALLENGE_BYTES} random bytes, not {len(challenge)}")
    return [
        {
            "type": "liveness_challenge",
            "poll": poll,
            "challenge": b64url(challenge),
            "key_id": key.key_id,
            "by": by,
        }
    ]


def _index_of(key: SittingKey, deputy: str) -> int:
    for index, holder in key.scrutineers.items():
        if holder == deputy:
            return index
    raise Forbidden(
        "not-a-key-holder",
        f"代表 {deputy} 不持有本次会议密钥的份额",
        f"deputy {deputy} holds no share of the sitting's key",
    )


def answer_liveness(state: MeetingState, signed: SignedBody) -> list[Entry] | AlreadyRecorded:
    """A station's signed answer to the current challenge of a poll, its proof checked."""
    require_open(state)
    station = authenticate_station(state, signed, expected=ANSWER_BODY_TYPE)
    if isinstance(station, AlreadyRecorded):
        return station
    body = signed.body
    key = _sitting_key(state)
    poll = body.get("poll")
    current = state.liveness.get(poll) if isinstance(poll, str) else None
    if current is None:
        raise Conflict(
            "no-liveness-challenge", "该表决没有待回答的在线确认", f"no challenge for poll {poll!r}"
        )
    if body.get("challenge") != current.challenge or current.key_id != key.key_id:
        raise Conflict(
            "stale-challenge",
            "在线确认已被新的挑战取代",
            f"the challenge answered is not the current one of poll {poll}",
        )
    index = _index_of(key, station.deputy)
    where = f"liveness[{poll}] station {station.id}"
    try:
        answer = LivenessProof.decode(unb64url(body.get("proof"), where), where)
        if answer.scrutineer != index:
            raise Forbidden(
                "wrong-scrutineer",
                f"该终端持有第 {index} 号份额",
                f"station {station.id} holds index {index}, not {answer.scrutineer}",
            )
        context = liveness_context(
            key=Scalar.decode(bytes.fromhex(key.key_id), "key_id"),
            poll_id=current.poll,
            challenge=unb64url(current.challenge, "challenge"),
        )
        verification_key = Point.decode(unb64url(key.verification_keys[index], where), where)
        verify_knowledge(context, LABEL_LIVENESS, index, verification_key, answer.proof, where)
    except CryptoError as error:
        raise ceremony_refused(error) from None
    if index in current.answered:
        return AlreadyRecorded(body)
    return [
        {
            "type": "liveness",
            "poll": poll,
            "challenge": current.challenge,
            "index": index,
            "proof": body["proof"],
            "deputy": station.deputy,
            "station": station.id,
            "station_body": dict(body),
            "sig": signed.sig,
        }
    ]


def live_scrutineers(state: MeetingState, poll_id: str) -> set[int]:
    """The indices that answered the current challenge of ``poll_id`` under the sitting's key."""
    current = state.liveness.get(poll_id)
    if current is None or state.sitting_key is None:
        return set()
    if current.key_id != state.sitting_key.key_id:
        return set()
    return set(current.answered)


def require_live(state: MeetingState, poll_id: str) -> None:
    """Refuse (``scrutineers-not-live``) unless t stations answered the current challenge."""
    key = _sitting_key(state)
    live = live_scrutineers(state, poll_id)
    if len(live) < key.t:
        raise Conflict(
            "scrutineers-not-live",
            f"在线的监票人终端只有 {len(live)} 台，至少需要 {key.t} 台，表决不能开始",
            f"{len(live)} scrutineer stations answered, at least {key.t} are needed; "
            "the poll cannot open",
            live=sorted(live),
            needed=key.t,
        )
