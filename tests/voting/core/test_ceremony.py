"""The key ceremony in the core: who may start it, each message checked before it is written,
the verdict on a cheat, and key_completed equal to the pure ceremony's key."""

from __future__ import annotations

from typing import Any

import pytest

from audit.ceremony_messages import b64url
from audit.tablet import sign_tablet_body
from ballots.crypto.threshold.ceremony import Phase
from devices.scrutineer.simulated import CheatingStation
from devices.scrutineer.steps import Outgoing, join_board, rebuild
from tests.voting.core.ceremonies import adopt, ready, run, signed, station_of
from tests.voting.core.meetings import Meeting, refused
from voting.core.ceremony import receive_message, sitting_key_of, start_ceremony
from voting.core.devices import SignedBody, pair_device
from voting.core.outcome import AlreadyRecorded
from voting.core.sitting_key import key_completed
from voting.core.stations import pair_station
from voting.http.ceremony import board


def election_naming(meeting: Meeting, name: str) -> None:
    meeting.apply(
        {
            "type": "poll_opened",
            "poll": "p9",
            "item": "e",
            "definition": {
                "kind": "election",
                "seats": 1,
                "candidates": [{"id": "c1", "name": name}],
            },
            "mode": "manual",
            "change_policy": "last",
            "present": [],
            "by": "chair",
        }
    )


def started(meeting: Meeting) -> Meeting:
    return meeting.commit(start_ceremony(meeting.state, ceremony="key-1", by="chair"))


@pytest.mark.parametrize(
    ("setup", "arguments", "code"),
    [
        (lambda m: None, {}, "station-not-paired"),  # d03 has no station (only d01, d02 below)
        (lambda m: None, {"deputies": ["d01", "d04"]}, "not-a-scrutineer"),
        (lambda m: None, {"deputies": ["d01", "d99"]}, "unknown-deputy"),
        (lambda m: None, {"deputies": ["d01", "d01"]}, "invalid-message"),
        (lambda m: None, {"deputies": ["d01", "d02"], "t": 1}, "bad-threshold-parameters"),
        (lambda m: None, {"deputies": ["d01", "d02"], "t": 3}, "bad-threshold-parameters"),
        (lambda m: election_naming(m, "代表02"), {}, "scrutineer-ineligible"),
        (lambda m: started(m), {"deputies": ["d01", "d02"]}, "ceremony-running"),
    ],
)
def test_starting_a_ceremony_is_refused(setup: Any, arguments: dict[str, Any], code: str) -> None:
    meeting = adopt(Meeting(5))
    station_of(meeting, "d01")
    station_of(meeting, "d02")
    if code == "ceremony-running":
        station_of(meeting, "d03")
    setup(meeting)
    before = meeting.state.size
    refused(code, start_ceremony, meeting.state, ceremony="key-9", by="chair", **arguments)
    assert meeting.state.size == before


def test_starting_before_the_scrutineers_are_adopted_is_refused() -> None:
    refused("no-scrutineers", start_ceremony, Meeting(5).state, ceremony="key-1", by="chair")


@pytest.mark.parametrize(
    ("chosen", "t", "n"),
    [
        ({"chief": ["d01"], "scrutineers": ["d02", "d03"]}, 2, 3),
        ({"chief": ["d01"], "scrutineers": ["d02", "d03", "d04", "d05"]}, 3, 5),
        ({"chief": ["d01"], "scrutineers": ["d02"]}, 2, 2),
        ({"chief": ["d01"]}, 1, 1),
    ],
)
def test_the_default_is_every_chief_and_scrutineer_with_t_over_half(
    chosen: dict[str, Any], t: int, n: int
) -> None:
    meeting = adopt(Meeting(5), chosen)
    holders = chosen["chief"] + chosen.get("scrutineers", [])
    for deputy in holders:
        station_of(meeting, deputy)
    (entry,) = start_ceremony(meeting.state, ceremony="key-1", by="chair")
    assert entry == {
        "type": "ceremony_started",
        "ceremony": "key-1",
        "t": t,
        "n": n,
        "scrutineers": {str(j): d for j, d in enumerate(holders, start=1)},
        "stations": {str(j): f"st-{d}" for j, d in enumerate(holders, start=1)},
        "by": "chair",
    }


def test_a_whole_ceremony_ends_with_the_pure_ceremonys_key() -> None:
    meeting, stations = ready()
    started(meeting)
    changes = run(meeting, stations)
    run_state = meeting.state.ceremony
    assert run_state is not None and run_state.ceremony.phase is Phase.COMPLETE
    # The last change carries the t-th test share and key_completed, from the same pure key.
    last = changes[-1].entries
    assert [e["type"] for e in last] == ["ceremony_message", "key_completed"]
    expected = key_completed(sitting_key_of(run_state, run_state.ceremony.joint_key()))
    assert last[1] == expected
    assert meeting.state.sitting_key is not None
    assert meeting.state.sitting_key.scrutineers == {1: "d01", 2: "d02", 3: "d03"}
    # 3 announcements, 6 shares, 3 acceptances, 3 keys, 2 test shares; the third one is late.
    assert [len(c.entries) for c in changes].count(1) == 16
    assert refused("key-complete", start_ceremony, meeting.state, ceremony="key-2", by="chair")


def announcement_of(meeting: Meeting, station: Any) -> Outgoing:
    public = board(meeting.state)
    assert join_board(station.state, public)
    (outgoing,) = station.plan(rebuild(public))
    return outgoing


def resigned(sender: Any, outgoing: Outgoing, **changes: Any) -> SignedBody:
    """``sender``'s signature over its next body with ``changes`` applied."""
    message = sender.sign(outgoing)
    body = {**message["body"], **changes}
    return SignedBody.read(body, sign_tablet_body(sender.state.private_key(), body))


CASES = {
    "unknown-station": lambda m, s, o: resigned(s["d01"], o, station="nobody"),
    "wrong-meeting": lambda m, s, o: resigned(s["d01"], o, origin="elsewhere"),
    "wrong-deputy": lambda m, s, o: resigned(s["d01"], o, deputy="d02"),
    "invalid-message": lambda m, s, o: resigned(s["d01"], o, type="vote"),
    "unknown-ceremony": lambda m, s, o: resigned(s["d01"], o, ceremony="key-7"),
    "bad-layout": lambda m, s, o: resigned(s["d01"], o, message=b64url(b"\x01\x02")),
    "bad-encoding": lambda m, s, o: resigned(s["d01"], o, message="not base64!"),
    "ceremony-message": lambda m, s, o: resigned(
        s["d01"], o, kind="acceptance", message=b64url(b"\x01" + bytes(32))
    ),
    "wrong-scrutineer": lambda m, s, o: resigned(s["d02"], o),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_station_message_is_refused_and_changes_nothing(code: str) -> None:
    meeting, stations = ready()
    started(meeting)
    outgoing = announcement_of(meeting, stations["d01"])
    message = CASES[code](meeting, stations, outgoing)
    before = (meeting.state.size, board(meeting.state))
    refused(code, receive_message, meeting.state, message)
    assert (meeting.state.size, board(meeting.state)) == before


def test_a_station_replaced_by_a_new_pairing_is_refused() -> None:
    meeting, stations = ready()
    started(meeting)
    outgoing = announcement_of(meeting, stations["d01"])
    station_of(meeting, "d01", "st-d01-new")
    refused("station-replaced", receive_message, meeting.state, signed(stations["d01"], outgoing))


def test_the_same_body_again_is_already_recorded_and_an_older_counter_is_a_replay() -> None:
    meeting, stations = ready()
    started(meeting)
    outgoing = announcement_of(meeting, stations["d01"])
    first = signed(stations["d01"], outgoing)
    meeting.commit(receive_message(meeting.state, first))  # type: ignore[arg-type]
    assert receive_message(meeting.state, first) == AlreadyRecorded(first.body)
    older = resigned(stations["d01"], outgoing, n=0)
    refused("replayed-message", receive_message, meeting.state, older)
    forged = SignedBody.read({**first.body, "n": 5}, first.sig)
    refused("bad-signature", receive_message, meeting.state, forged)


def test_a_cheating_dealer_is_named_with_the_message_that_reveals_it() -> None:
    meeting, stations = ready()
    started(meeting)
    cheat = stations["d02"]
    stations["d02"] = CheatingStation(
        cheat.state, cheat.client, random=cheat.random, victim=3, ceremony="key-1"
    )
    changes = run(meeting, stations)
    faults = [e for c in changes for e in c.entries if e["type"] == "ceremony_fault"]
    assert faults == [
        {
            "type": "ceremony_fault",
            "ceremony": "key-1",
            "index": 2,
            "deputy": "d02",
            "code": "bad-share",
            "reason": "dealt a bad share to 3 (the share from 2 to 3 does not match "
            "dealer 2's commitments)",
        }
    ]
    revealing = next(c for c in changes if len(c.entries) == 2).entries[0]
    assert (revealing["kind"], revealing["index"]) == ("complaint", 3)
    assert meeting.state.ceremony is not None
    assert meeting.state.ceremony.ceremony.phase is Phase.FAILED
    # A new run may start; the sitting has no key yet.
    (entry,) = start_ceremony(meeting.state, ceremony="key-2", by="chair")
    assert entry["ceremony"] == "key-2" and meeting.state.sitting_key is None


def test_a_station_is_never_a_voting_device() -> None:
    meeting = adopt(Meeting(5))
    station = station_of(meeting, "d01")
    assert "d01" not in meeting.state.active_device
    assert station.state.station not in meeting.state.devices
    # The deputy's tablet pairs as before; ids are unique across tablets and stations.
    tablet = pair_device(
        meeting.state,
        deputy="d01",
        device="tab-d01",
        alg="ed25519",
        public_key=station.state.public_key(),
        by="op",
    )
    assert [e["type"] for e in tablet] == ["device_paired"]
    refused(
        "device-exists",
        pair_device,
        meeting.state,
        deputy="d02",
        device="st-d01",
        alg="ed25519",
        public_key=station.state.public_key(),
        by="op",
    )
    meeting.commit(tablet)
    refused(
        "device-exists",
        pair_station,
        meeting.state,
        deputy="d02",
        station="tab-d01",
        alg="ed25519",
        public_key=station.state.public_key(),
        by="op",
    )
    # A teller or an unknown deputy gets no station.
    for deputy, code in (("d04", "not-a-scrutineer"), ("d99", "unknown-deputy")):
        refused(
            code,
            pair_station,
            meeting.state,
            deputy=deputy,
            station="st-x",
            alg="ed25519",
            public_key=station.state.public_key(),
            by="op",
        )
