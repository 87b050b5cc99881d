"""Liveness at opening: t stations answer a fresh challenge for a poll, or the poll may not open."""

from __future__ import annotations

import pytest

from ballots.crypto.randomness import DeterministicRandom
from devices.scrutineer.station import Station
from devices.scrutineer.steps import Outgoing, liveness_steps
from tests.voting.core.ceremonies import ready, run, signed
from tests.voting.core.meetings import Meeting, refused
from voting.core.ceremony import start_ceremony
from voting.core.liveness import (
    answer_liveness,
    issue_challenge,
    live_scrutineers,
    require_live,
)
from voting.errors import CommandError
from voting.http.ceremony import board

CHALLENGE = bytes(range(32))


def keyed() -> tuple[Meeting, dict[str, Station]]:
    meeting, stations = ready()
    meeting.commit(start_ceremony(meeting.state, ceremony="key-1", by="chair"))
    run(meeting, stations)
    assert meeting.state.sitting_key is not None
    return meeting, stations


def answer_of(meeting: Meeting, station: Station) -> Outgoing:
    (answer,) = liveness_steps(station.state, board(meeting.state), DeterministicRandom(b"a"))
    return answer


def answer(meeting: Meeting, station: Station) -> None:
    meeting.commit(answer_liveness(meeting.state, signed(station, answer_of(meeting, station))))  # type: ignore[arg-type]


def test_one_live_station_of_three_is_refused_two_are_accepted() -> None:
    meeting, stations = keyed()
    meeting.commit(issue_challenge(meeting.state, poll="p5", challenge=CHALLENGE, by="chair"))
    with pytest.raises(CommandError) as caught:
        require_live(meeting.state, "p5")
    assert (caught.value.code, caught.value.details) == (
        "scrutineers-not-live",
        {"live": [], "needed": 2},
    )
    answer(meeting, stations["d02"])
    assert live_scrutineers(meeting.state, "p5") == {2}
    error = refused("scrutineers-not-live", require_live, meeting.state, "p5")
    assert (error.zh, error.en) == (
        "在线的监票人终端只有 1 台，至少需要 2 台，表决不能开始",
        "1 scrutineer stations answered, at least 2 are needed; the poll cannot open",
    )
    answer(meeting, stations["d03"])
    assert live_scrutineers(meeting.state, "p5") == {2, 3}
    assert require_live(meeting.state, "p5") is None
    # Answers count for their poll only.
    assert live_scrutineers(meeting.state, "p6") == set()


def test_a_new_challenge_replaces_the_old_answers() -> None:
    meeting, stations = keyed()
    meeting.commit(issue_challenge(meeting.state, poll="p5", challenge=CHALLENGE, by="chair"))
    stale = answer_of(meeting, stations["d01"])
    answer(meeting, stations["d02"])
    meeting.commit(issue_challenge(meeting.state, poll="p5", challenge=bytes(32), by="chair"))
    assert live_scrutineers(meeting.state, "p5") == set()
    before = meeting.state.size
    refused("stale-challenge", answer_liveness, meeting.state, signed(stations["d01"], stale))
    assert meeting.state.size == before


def test_a_proof_for_another_share_is_refused() -> None:
    meeting, stations = keyed()
    meeting.commit(issue_challenge(meeting.state, poll="p5", challenge=CHALLENGE, by="chair"))
    station = stations["d01"]
    station.state.secret_share = stations["d02"].state.secret_share
    refused(
        "bad-proof", answer_liveness, meeting.state, signed(station, answer_of(meeting, station))
    )


def test_a_challenge_needs_the_sittings_key() -> None:
    meeting, _ = ready()
    refused(
        "no-sitting-key", issue_challenge, meeting.state, poll="p5", challenge=CHALLENGE, by="c"
    )
    refused("no-sitting-key", require_live, meeting.state, "p5")
