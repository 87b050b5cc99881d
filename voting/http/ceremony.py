"""The scrutineers' key ceremony over HTTP: stations, the ceremony's runs, liveness at opening.

Stations (``congress scrutineer``) have no bearer token: they pair with a one-time code and sign
every message with their own key (:mod:`voting.core.stations`). What they read — the current
run, its messages, the faults, the key and the open liveness challenges — is public by design
(the server is a bulletin board: the log holds it all, shares sealed to their recipients). The
chair starts runs and issues challenges; the console reads who has done which round.
"""

from __future__ import annotations

import functools
import secrets
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from audit.ceremony_messages import b64url
from ballots.crypto.threshold.ceremony import Ceremony
from devices.pairing import PairingCodeError
from voting.core import ceremony as core_ceremony
from voting.core import liveness as core_liveness
from voting.core import stations as core_stations
from voting.core.devices import SignedBody
from voting.core.records import CeremonyRun
from voting.core.state import MeetingState
from voting.errors import Unauthenticated
from voting.http.answers import Answer, PairingCode, Written
from voting.http.endpoints import Call, Endpoints
from voting.protocol import Id, Signature, Strict

ROUTES = Endpoints()

#: Pairing codes of stations live apart from tablets' codes: a station code cannot pair a
#: tablet, nor a tablet code a station.
STATION_CODES = "{meeting}/stations"


# Request bodies --------------------------------------------------------------------------------


class StationPair(Strict):
    code: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    station: Id
    alg: Annotated[str, StringConstraints(pattern=r"^(ed25519|p256)$")]
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=200)]


class CeremonyStart(Strict):
    deputies: Annotated[list[Id], Field(min_length=1, max_length=99)] | None = None
    t: Annotated[int, Field(ge=1, le=99)] | None = None


class StationSigned(Strict):
    body: dict[str, Any]
    sig: Signature


class ChallengeRequest(Strict):
    poll: Id


# Answers ---------------------------------------------------------------------------------------


class StationPaired(Written):
    deputy: str
    station: str
    origin: str
    log_key: str


class CeremonyStarted(Written):
    ceremony: str


class CeremonyBoard(Answer):
    """The public board of the ceremony that stations poll."""

    origin: str
    ceremony: str | None
    phase: str | None
    t: int | None
    n: int | None
    scrutineers: dict[str, Any]
    messages: list[dict[str, Any]]
    faults: list[dict[str, Any]]
    key: dict[str, Any] | None
    liveness: list[dict[str, Any]]


class CeremonyProgress(Answer):
    """The console's view: who has done which round, the faults, the key id's prefix."""

    ceremony: str | None
    phase: str | None
    t: int | None
    n: int | None
    scrutineers: list[dict[str, Any]]
    missing: list[str]
    faults: list[dict[str, Any]]
    failed_runs: list[dict[str, Any]]
    key_id_prefix: str | None


class ChallengeIssued(Written):
    poll: str
    challenge: str


# Views -----------------------------------------------------------------------------------------


def _key(state: MeetingState) -> dict[str, Any] | None:
    key = state.sitting_key
    if key is None:
        return None
    return {
        "key_id": key.key_id,
        "t": key.t,
        "n": key.n,
        "public_key": key.public_key,
        "verification_keys": {str(j): y for j, y in sorted(key.verification_keys.items())},
        "scrutineers": {str(j): d for j, d in sorted(key.scrutineers.items())},
    }


def board(state: MeetingState) -> dict[str, Any]:
    """The current run and its messages, the sitting's key, the open liveness challenges."""
    run = state.ceremony
    liveness = [
        {
            "poll": r.poll,
            "challenge": r.challenge,
            "key_id": r.key_id,
            "answered": sorted(r.answered),
        }
        for r in state.liveness.values()
    ]
    common = {"origin": state.origin, "key": _key(state), "liveness": liveness}
    if run is None:
        none: dict[str, Any] = {"ceremony": None, "phase": None, "t": None, "n": None}
        return {**none, "scrutineers": {}, "messages": [], "faults": [], **common}
    return {
        "ceremony": run.id,
        "phase": str(run.ceremony.phase),
        "t": run.t,
        "n": run.n,
        "scrutineers": {
            str(j): {"deputy": run.scrutineers[j], "station": run.stations[j]}
            for j in sorted(run.scrutineers)
        },
        "messages": list(run.messages),
        "faults": list(run.faults),
        **common,
    }


def _rounds_done(ceremony: Ceremony, j: int) -> list[int]:
    others = [k for k in ceremony.params.indices if k != j]
    done = {
        1: j in ceremony.announcements,
        2: all((j, k) in ceremony.sealed for k in others),
        3: j in ceremony.acceptances or any(c == j for c, _ in ceremony.complaints),
        4: j in ceremony.verification_keys,
        5: j in ceremony.test_shares,
    }
    return [round_ for round_, yes in done.items() if yes]


def _run_scrutineers(state: MeetingState, run: CeremonyRun) -> list[dict[str, Any]]:
    faulty = {f["index"]: f["code"] for f in run.faults}
    return [
        {
            "index": j,
            "deputy": run.scrutineers[j],
            "name": state.roster[run.scrutineers[j]].name,
            "station": run.stations[j],
            "rounds_done": _rounds_done(run.ceremony, j),
            "fault": faulty.get(j),
        }
        for j in sorted(run.scrutineers)
    ]


def progress(state: MeetingState) -> dict[str, Any]:
    """Who has done which round of the current run, what is missing, faults, the key."""
    run = state.ceremony
    failed = [
        {"ceremony": r.id, "faults": list(r.faults)}
        for r in state.ceremonies.values()
        if r.faults and r is not run
    ]
    key = state.sitting_key
    common = {
        "failed_runs": failed,
        "key_id_prefix": None if key is None else key.key_id[:16],
    }
    if run is None:
        empty: dict[str, Any] = {"ceremony": None, "phase": None, "t": None, "n": None}
        return {**empty, "scrutineers": [], "missing": [], "faults": [], **common}
    status = run.ceremony.status()
    return {
        "ceremony": run.id,
        "phase": str(status.phase),
        "t": run.t,
        "n": run.n,
        "scrutineers": _run_scrutineers(state, run),
        "missing": [str(expected) for expected in status.missing],
        "faults": list(run.faults),
        **common,
    }


# Stations --------------------------------------------------------------------------------------


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/scrutineers/{deputy}/station-code",
    permission="device.pairing",
    answer=PairingCode,
    summary="生成监票终端的一次性配对码 / issue a one-time pairing code for a scrutineer's station",
)
async def station_code(call: Call[None]) -> Any:
    deputy = call.params["deputy"]
    core_stations.require_scrutineer(call.service().state, deputy)
    meeting = STATION_CODES.format(meeting=call.meeting)
    code, expires_at = call.congress.pairing.issue(meeting, deputy)
    return {"deputy": deputy, "code": code, "expires_at": expires_at}


def _station_code_refused(error: PairingCodeError) -> Unauthenticated:
    """A refused station code as the client sees it: 401 with the code's own error."""
    return Unauthenticated(error.code, error.zh, error.en)


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/stations/pair",
    permission=None,
    body=StationPair,
    answer=StationPaired,
    summary="监票终端以一次性配对码登记公钥 / a scrutineer's station registers its key",
)
async def pair_station(call: Call[StationPair]) -> Any:
    body = call.body
    service = call.service()
    meeting = STATION_CODES.format(meeting=call.meeting)
    try:
        deputy = call.congress.pairing.deputy_of(meeting, body.code)
    except PairingCodeError as error:
        raise _station_code_refused(error) from None

    def use_code(session: Any) -> None:
        try:
            call.congress.pairing.use(session, meeting, body.code)
        except PairingCodeError as error:
            raise _station_code_refused(error) from None

    decide = functools.partial(
        core_stations.pair_station,
        deputy=deputy,
        station=body.station,
        alg=body.alg,
        public_key=body.public_key,
        by=f"pairing:{deputy}",
    )
    result = await call.command(decide, also=use_code)
    result.update(
        deputy=deputy, station=body.station, origin=service.origin, log_key=service.log.vkey
    )
    return result


# The ceremony ----------------------------------------------------------------------------------


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/ceremony/start",
    permission="poll",
    body=CeremonyStart,
    answer=CeremonyStarted,
    summary="开始监票人密钥仪式 / start the scrutineers' key ceremony",
)
async def start_ceremony(call: Call[CeremonyStart]) -> Any:
    state = call.service().state
    ceremony = f"key-{len(state.ceremonies) + 1}"
    decide = functools.partial(
        core_ceremony.start_ceremony,
        ceremony=ceremony,
        deputies=call.body.deputies,
        t=call.body.t,
        by=call.actor,
    )
    result = await call.command(decide)
    return {**result, "ceremony": ceremony}


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/ceremony",
    permission=None,
    answer=CeremonyBoard,
    summary="密钥仪式公告板（监票终端轮询）/ the ceremony's public board, polled by stations",
)
async def ceremony_board(call: Call[None]) -> Any:
    return board(call.service().state)


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/ceremony/messages",
    permission=None,
    body=StationSigned,
    answer=Written,
    summary="监票终端提交签名的仪式消息 / a station posts a signed ceremony message",
)
async def post_message(call: Call[StationSigned]) -> Any:
    signed = SignedBody.read(call.body.body, call.body.sig)
    return await call.command(lambda state: core_ceremony.receive_message(state, signed))


@ROUTES.route(
    "GET",
    "/api/meetings/{meeting}/ceremony/progress",
    permission="meeting.read",
    answer=CeremonyProgress,
    summary="密钥仪式进度：各轮完成情况、过错 / ceremony progress: rounds done, faults",
)
async def ceremony_progress(call: Call[None]) -> Any:
    return progress(call.service().state)


# Liveness at opening ---------------------------------------------------------------------------


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/liveness/challenge",
    permission="poll",
    body=ChallengeRequest,
    answer=ChallengeIssued,
    summary="为表决发出监票终端在线确认挑战 / issue a liveness challenge for a poll",
)
async def liveness_challenge(call: Call[ChallengeRequest]) -> Any:
    poll = call.body.poll
    challenge = secrets.token_bytes(core_liveness.CHALLENGE_BYTES)
    decide = functools.partial(
        core_liveness.issue_challenge, poll=poll, challenge=challenge, by=call.actor
    )
    result = await call.command(decide)
    return {**result, "poll": poll, "challenge": b64url(challenge)}


@ROUTES.route(
    "POST",
    "/api/meetings/{meeting}/liveness/answers",
    permission=None,
    body=StationSigned,
    answer=Written,
    summary="监票终端回答在线确认 / a station answers a liveness challenge",
)
async def liveness_answer(call: Call[StationSigned]) -> Any:
    signed = SignedBody.read(call.body.body, call.body.sig)
    return await call.command(lambda state: core_liveness.answer_liveness(state, signed))
