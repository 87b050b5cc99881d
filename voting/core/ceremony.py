"""The scrutineers' key ceremony on the meeting's log: start, each round's messages, the verdict.

The chair starts a run for n adopted scrutineers (default: every 总监票人 and 监票人) with a
threshold t > n/2 (default ⌊n/2⌋ + 1); each must have a paired station. Stations then post the
messages of ``docs/ballot-crypto-threshold.md`` §4, each signed (``voting.core.stations``).
Every message is checked by the pure :class:`~ballots.crypto.threshold.ceremony.Ceremony`
before it is written::

    ceremony_started   id, t, n, index → deputy and station
    ceremony_message   kind, index, the exact bytes (base64url), the station's body and sig
    ceremony_fault     a scrutineer caught breaking the protocol: the run has failed, a new
                       run (new id) may start
    key_completed      after the round 5 test decryption gives 7: the sitting's key

A message the pure ceremony refuses (wrong round, unknown index, bad layout) is refused with
the code of :mod:`ballots.crypto` and changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Final

from audit.ceremony_messages import b64url, decode_message, sender_of, unb64url
from ballots.crypto.errors import CryptoError
from ballots.crypto.threshold.ceremony import Ceremony, JointKey, Phase
from ballots.crypto.threshold.errors import ParameterError
from ballots.crypto.threshold.params import CeremonyParams
from voting.core.bodies import candidate_names, refuse_ineligible
from voting.core.checks import require_open
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded, Change
from voting.core.records import CeremonyRun, SittingKey
from voting.core.sitting_key import key_completed
from voting.core.state import MeetingState
from voting.core.stations import authenticate_station, chosen_scrutineers, require_scrutineer
from voting.core.types import Entry
from voting.errors import CommandError, Conflict, Forbidden, invalid_message

__all__ = [
    "MESSAGE_BODY_TYPE",
    "ceremony_refused",
    "default_threshold",
    "receive_message",
    "sitting_key_of",
    "start_ceremony",
]

#: The ``type`` of the body a station signs for a ceremony message.
MESSAGE_BODY_TYPE: Final = "ceremony"


def default_threshold(n: int) -> int:
    """⌊n/2⌋ + 1: the smallest t with t > n/2 (2 of 3, 3 of 5)."""
    return n // 2 + 1


def ceremony_refused(error: CryptoError) -> CommandError:
    """A refusal by :mod:`ballots.crypto` as the client sees it, with the same stable code:
    a malformed message is 400, a message out of place in the ceremony 409."""
    zh = f"密钥仪式消息被拒绝：{error}"
    en = f"ceremony message refused: {error}"
    if error.code in {"ceremony-message", "bad-threshold-parameters"}:
        return Conflict(error.code, zh, en, where=error.where)
    return CommandError(error.code, zh, en, where=error.where)


def start_ceremony(
    state: MeetingState,
    *,
    ceremony: str,
    deputies: Sequence[str] | None = None,
    t: int | None = None,
    by: str,
) -> list[Entry]:
    """Start run ``ceremony`` of the key ceremony for ``deputies`` (default: every adopted
    总监票人 and 监票人), t of n (default ⌊n/2⌋ + 1)."""
    require_open(state)
    if state.sitting_key is not None:
        raise Conflict("key-complete", "本次会议的密钥已生成", "the sitting's key is complete")
    running = state.ceremony
    if running is not None and running.ceremony.phase not in (Phase.FAILED, Phase.COMPLETE):
        raise Conflict(
            "ceremony-running",
            f"密钥仪式 {running.id} 正在进行",
            f"ceremony {running.id} is under way",
        )
    if ceremony in state.ceremonies:
        raise Conflict("ceremony-exists", "该仪式编号已使用", f"ceremony {ceremony} exists")
    chosen = list(deputies) if deputies is not None else chosen_scrutineers(state)
    if len(set(chosen)) != len(chosen):
        raise invalid_message("deputies lists a deputy twice")
    for deputy in chosen:
        require_scrutineer(state, deputy)
    refuse_ineligible(state, {"scrutineers": chosen}, candidate_names(state))
    n = len(chosen)
    threshold = default_threshold(n) if t is None else t
    try:
        CeremonyParams(state.origin, ceremony, threshold, n)
    except ParameterError as error:
        raise ceremony_refused(error) from None
    stations: dict[str, str] = {}
    for index, deputy in enumerate(chosen, start=1):
        station = state.active_station.get(deputy)
        if station is None:
            raise Conflict(
                "station-not-paired",
                f"监票人 {state.roster[deputy].name}（{deputy}）的监票终端尚未配对",
                f"scrutineer {deputy} has no paired station",
                deputy=deputy,
            )
        stations[str(index)] = station
    return [
        {
            "type": "ceremony_started",
            "ceremony": ceremony,
            "t": threshold,
            "n": n,
            "scrutineers": {str(j): d for j, d in enumerate(chosen, start=1)},
            "stations": stations,
            "by": by,
        }
    ]


def _received(ceremony: Ceremony) -> int:
    """How many messages and faults ``ceremony`` holds: unchanged means a message was ignored."""
    return (
        len(ceremony.announcements)
        + len(ceremony.sealed)
        + len(ceremony.acceptances)
        + len(ceremony.complaints)
        + len(ceremony.verification_keys)
        + len(ceremony.test_shares)
        + len(ceremony.faults)
    )


def sitting_key_of(run: CeremonyRun, key: JointKey) -> SittingKey:
    """The :class:`SittingKey` of a completed run: hex key id, base64url points."""
    return SittingKey(
        key_id=key.key_id.encode().hex(),
        t=run.t,
        n=run.n,
        public_key=b64url(key.public_key.encode()),
        verification_keys={j: b64url(y.encode()) for j, y in key.verification_keys.items()},
        scrutineers=dict(run.scrutineers),
    )


def receive_message(state: MeetingState, signed: SignedBody) -> Change | AlreadyRecorded:
    """A station's signed ceremony message: checked, then written with any verdict it brings
    and, once the test decryption succeeds, ``key_completed``."""
    require_open(state)
    station = authenticate_station(state, signed, expected=MESSAGE_BODY_TYPE)
    if isinstance(station, AlreadyRecorded):
        return station
    body = signed.body
    run = state.ceremony
    if run is None or body.get("ceremony") != run.id:
        raise Conflict(
            "unknown-ceremony",
            "不是当前进行的密钥仪式",
            f"ceremony {body.get('ceremony')!r} is not the current one",
        )
    index = run.index_of_station(station.id)
    if index is None:
        raise Forbidden(
            "not-in-ceremony",
            "该监票终端不参加本次密钥仪式",
            f"station {station.id} takes no part in ceremony {run.id}",
        )
    kind = body.get("kind")
    where = f"ceremony {run.id} station {station.id}"
    try:
        message = decode_message(str(kind), unb64url(body.get("message"), where), where)
    except CryptoError as error:
        raise ceremony_refused(error) from None
    if sender_of(message) != index:
        raise Forbidden(
            "wrong-scrutineer",
            f"该终端持有第 {index} 号份额，不能代替第 {sender_of(message)} 号发送",
            f"station {station.id} holds index {index}, not {sender_of(message)}",
        )
    trial = copy.deepcopy(run.ceremony)
    before, faults_before = _received(trial), len(trial.faults)
    try:
        trial.receive(message)
    except CryptoError as error:
        raise ceremony_refused(error) from None
    if _received(trial) == before:
        return AlreadyRecorded(body)  # a repeat, or a late extra the ceremony ignores
    entries: list[Entry] = [
        {
            "type": "ceremony_message",
            "ceremony": run.id,
            "kind": kind,
            "index": index,
            "message": body["message"],
            "deputy": station.deputy,
            "station": station.id,
            "station_body": dict(body),
            "sig": signed.sig,
        }
    ]
    for fault in trial.faults[faults_before:]:
        entries.append(
            {
                "type": "ceremony_fault",
                "ceremony": run.id,
                "index": fault.scrutineer,
                "deputy": run.scrutineers[fault.scrutineer],
                "code": fault.code,
                "reason": fault.reason,
            }
        )
    if trial.phase is Phase.COMPLETE and run.ceremony.phase is not Phase.COMPLETE:
        entries.append(key_completed(sitting_key_of(run, trial.joint_key())))
    return Change(entries)
