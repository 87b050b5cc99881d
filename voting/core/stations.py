"""Scrutineers' stations: pairing, and the authentication of what a station signs.

A station is a scrutineer's own laptop running ``congress scrutineer``. It pairs like a tablet,
with a one-time code and its own Ed25519 (or P-256) key, but it is kept apart from tablets:
``station_paired`` never makes it the deputy's voting device. Every ceremony message and
liveness answer is a body signed as tablets sign theirs (``audit.tablet``: the context line and
the canonical JSON), with a counter ``n`` that only grows. Pairing again replaces the deputy's
station (a lost laptop: its share counts as exposed, a new ceremony follows).

A station whose id begins with :data:`SIMULATED_PREFIX` says it is simulated: only a demo
meeting (setting :data:`SIMULATED_SETTING`, which only ``congress demo`` writes; the API
refuses it) takes such a station's pairing or signed bodies (``simulated-station``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from audit.tablet import DeviceKey, TabletSignatureError
from voting.core.checks import known_deputy, require_open, seated
from voting.core.devices import SignedBody, check_body
from voting.core.outcome import AlreadyRecorded
from voting.core.records import Station
from voting.core.state import MeetingState
from voting.core.types import KEY_ALGS, Entry
from voting.errors import CommandError, Conflict, Forbidden, bad_signature

__all__ = [
    "SIMULATED_PREFIX",
    "SIMULATED_SETTING",
    "STATION_ROLES",
    "authenticate_station",
    "chosen_scrutineers",
    "pair_station",
    "refuse_demo_settings",
    "refuse_simulated",
    "require_scrutineer",
]

#: The roles whose members hold shares of the key: 总监票人 and 监票人 (not 计票人).
STATION_ROLES: Final = ("chief", "scrutineers")


#: The meeting setting that allows simulated stations: written only by ``congress demo``.
SIMULATED_SETTING: Final = "simulated_scrutineers"
#: The station id prefix of a simulated station (the demo's stations are ``sim-<deputy>``).
SIMULATED_PREFIX: Final = "sim-"


def refuse_simulated(state: MeetingState, station: object) -> None:
    """Refuse a station that says it is simulated (its id begins with
    :data:`SIMULATED_PREFIX`) on a meeting whose settings do not allow simulated stations
    (403 ``simulated-station``)."""
    if not isinstance(station, str) or not station.startswith(SIMULATED_PREFIX):
        return
    if state.settings.get(SIMULATED_SETTING) is True:
        return
    raise Forbidden(
        "simulated-station",
        f"监票终端 {station} 自称模拟终端：模拟监票人仅供演示会议使用，本会议不接受",
        f"station {station!r} says it is simulated: simulated scrutineers are for a demo "
        "meeting only, and this meeting is not one",
    )


def refuse_demo_settings(settings: Mapping[str, Any]) -> None:
    """Refuse a meeting's settings that claim to be a demo's: :data:`SIMULATED_SETTING` is
    written only by ``congress demo``, never through the API (400 ``demo-only-setting``)."""
    if SIMULATED_SETTING in settings:
        raise CommandError(
            "demo-only-setting",
            f"设置 {SIMULATED_SETTING}（模拟监票人）只能由演示程序 congress demo 写入",
            f"the setting {SIMULATED_SETTING} (simulated scrutineers) is written only by "
            "congress demo, not through the API",
        )


def chosen_scrutineers(state: MeetingState) -> list[str]:
    """The adopted 总监票人 and 监票人, chief first (``no-scrutineers`` before adoption)."""
    if state.scrutineers is None:
        raise Conflict(
            "no-scrutineers",
            "尚未通过监票人名单",
            "the scrutineers have not been adopted yet",
        )
    chosen: list[str] = []
    for role in STATION_ROLES:
        chosen.extend(d for d in state.scrutineers.get(role, []) if d not in chosen)
    return chosen


def require_scrutineer(state: MeetingState, deputy: str) -> None:
    """``deputy`` is an adopted 总监票人 or 监票人 (``not-a-scrutineer`` otherwise)."""
    known_deputy(state, deputy)
    if deputy not in chosen_scrutineers(state):
        raise Conflict(
            "not-a-scrutineer",
            f"代表 {deputy} 不是通过的总监票人或监票人",
            f"deputy {deputy} is not an adopted chief scrutineer or scrutineer",
            deputy=deputy,
        )


def pair_station(
    state: MeetingState, *, deputy: str, station: str, alg: str, public_key: str, by: str
) -> list[Entry]:
    """Register a scrutineer's station key; a second pairing replaces the first station."""
    require_open(state)
    refuse_simulated(state, station)
    require_scrutineer(state, deputy)
    seated(state, deputy)
    if not station or station in state.stations or station in state.devices:
        raise Conflict("device-exists", "该设备编号已被使用", f"device {station!r} already exists")
    if alg not in KEY_ALGS:
        raise CommandError("invalid-key", "不支持的设备密钥算法", f'unsupported algorithm "{alg}"')
    try:
        DeviceKey.parse(alg, public_key)
    except TabletSignatureError as error:
        raise CommandError("invalid-key", "设备公钥格式错误", str(error)) from None
    return [
        {
            "type": "station_paired",
            "deputy": deputy,
            "station": station,
            "alg": alg,
            "public_key": public_key,
            "by": by,
        }
    ]


def _station(state: MeetingState, station_id: object) -> Station:
    station = state.stations.get(station_id) if isinstance(station_id, str) else None
    if station is None:
        raise Forbidden(
            "unknown-station", "监票终端未配对", f"station {station_id!r} is not paired"
        )
    if not station.active:
        raise Forbidden(
            "station-replaced",
            "该监票终端已被新配对的终端取代",
            f"station {station.id} was replaced by a newer pairing",
        )
    return station


def authenticate_station(
    state: MeetingState, signed: SignedBody, *, expected: str
) -> Station | AlreadyRecorded:
    """Authenticate a station's signed body: station, signature, meeting, deputy, type, counter.

    Returns the station, or :class:`AlreadyRecorded` when the body repeats the station's last
    accepted one exactly (a re-send after a lost answer).
    """
    body = signed.body
    refuse_simulated(state, body.get("station"))
    station = _station(state, body.get("station"))
    if signed.payload is None:
        raise bad_signature(station.id, signed.problem)
    try:
        station.key().verify_payload(signed.payload, signed.sig)
    except TabletSignatureError as error:
        raise bad_signature(station.id, error.message) from None
    repeated = check_body(state, body, expected, station, ("终端", "station"))
    if repeated is not None:
        return repeated
    return station
