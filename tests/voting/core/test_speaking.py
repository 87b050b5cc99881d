"""The speaking queue in the pure core: request, withdraw, grant and end the floor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.devices import SignedBody
from voting.core.outcome import AlreadyRecorded
from voting.core.speaking import queue_view

NOW = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)


def hall() -> Meeting:
    """d01 and d02 paired and signed in, d03 paired and not."""
    meeting = Meeting()
    for deputy in ("d01", "d02", "d03"):
        meeting.pair(deputy)
    return meeting.sign_in("d01", "d02")


def signed(message: dict[str, Any]) -> SignedBody:
    return SignedBody.read(message["body"], message["sig"])


def ask(meeting: Meeting, deputy: str) -> Any:
    return core.request_floor(meeting.state, signed(meeting.tablets[deputy].speak_request()))


def withdraw(meeting: Meeting, deputy: str) -> Any:
    return core.withdraw_request(meeting.state, signed(meeting.tablets[deputy].speak_withdraw()))


def grant(meeting: Meeting, deputy: str | None = None, minutes: int | None = None) -> Any:
    return core.grant_floor(meeting.state, deputy=deputy, minutes=minutes, now=NOW, by="chair")


def test_requests_queue_in_log_order_and_the_head_is_granted_for_five_minutes() -> None:
    meeting = hall()
    (entry,) = ask(meeting, "d02")
    assert {k: entry[k] for k in ("type", "deputy", "by")} == {
        "type": "speech_requested",
        "deputy": "d02",
        "by": "device:tab-d02",
    }
    assert entry["body"]["type"] == "speak_request"
    meeting.commit([entry]).commit(ask(meeting, "d01"))
    assert meeting.state.speaking_queue == ["d02", "d01"]
    assert grant(meeting) == [
        {
            "type": "floor_granted",
            "deputy": "d02",
            "minutes": 5,
            "ends_at": "2026-03-01T09:05:00Z",
            "by": "chair",
        }
    ]
    meeting.commit(grant(meeting))
    assert meeting.state.speaking_queue == ["d01"]
    assert queue_view(meeting.state) == {
        "queue": [{"deputy": "d01", "name": "代表01", "seat": "01"}],
        "speaker": {
            "deputy": "d02",
            "name": "代表02",
            "seat": "02",
            "minutes": 5,
            "ends_at": "2026-03-01T09:05:00Z",
        },
        "default_minutes": 5,
    }
    assert core.end_floor(meeting.state, by="chair") == [
        {"type": "floor_ended", "deputy": "d02", "reason": "chair", "by": "chair"}
    ]


def end_on_time(meeting: Meeting, deputy: str, ends_at: str, now: datetime) -> Any:
    return core.end_floor_on_time(meeting.state, deputy=deputy, ends_at=ends_at, now=now)


def test_the_timer_ends_the_floor_once_its_limit_has_passed() -> None:
    meeting = hall()
    meeting.commit(ask(meeting, "d02")).commit(grant(meeting, minutes=2))
    limit = "2026-03-01T09:02:00Z"
    early = datetime(2026, 3, 1, 9, 1, 59, 900_000, tzinfo=UTC)
    error = refused("floor-time-left", end_on_time, meeting, "d02", limit, early)
    assert error.zh == "发言时间未到"
    on_time = datetime(2026, 3, 1, 9, 2, 0, tzinfo=UTC)
    assert end_on_time(meeting, "d02", limit, on_time) == [
        {"type": "floor_ended", "deputy": "d02", "reason": "time", "by": "timer"}
    ]


def test_the_timer_of_a_floor_already_ended_or_granted_anew_writes_nothing() -> None:
    meeting = hall()
    meeting.commit(ask(meeting, "d02")).commit(grant(meeting, minutes=2))
    later = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert end_on_time(meeting, "d02", "2026-03-01T09:01:00Z", later) == []
    meeting.commit(core.end_floor(meeting.state, by="chair"))
    assert end_on_time(meeting, "d02", "2026-03-01T09:02:00Z", later) == []


def test_the_chair_may_name_a_queued_deputy_and_the_setting_gives_the_limit() -> None:
    meeting = hall()
    meeting.state.settings["speaking_minutes"] = 3
    meeting.commit(ask(meeting, "d01")).commit(ask(meeting, "d02"))
    (entry,) = grant(meeting, "d02")
    assert (entry["deputy"], entry["minutes"], entry["ends_at"]) == (
        "d02",
        3,
        "2026-03-01T09:03:00Z",
    )
    (entry,) = grant(meeting, "d01", 10)
    assert (entry["minutes"], entry["ends_at"]) == (10, "2026-03-01T09:10:00Z")


def test_a_withdrawn_request_leaves_the_queue() -> None:
    meeting = hall()
    meeting.commit(ask(meeting, "d01")).commit(ask(meeting, "d02"))
    (entry,) = withdraw(meeting, "d01")
    assert (entry["type"], entry["deputy"]) == ("speech_withdrawn", "d01")
    meeting.commit([entry])
    assert meeting.state.speaking_queue == ["d02"]
    refused("not-queued", withdraw, meeting, "d01")


def test_refusals() -> None:
    meeting = hall()
    refused("not-signed-in", ask, meeting, "d03")
    refused("queue-empty", grant, meeting)
    refused("no-speaker", core.end_floor, meeting.state, by="chair")
    refused("not-queued", withdraw, meeting, "d02")
    meeting.commit(ask(meeting, "d01"))
    refused("already-queued", ask, meeting, "d01")
    refused("not-queued", grant, meeting, "d02")
    refused("invalid-minutes", grant, meeting, None, 61)
    meeting.commit(ask(meeting, "d02")).commit(grant(meeting))
    refused("floor-taken", grant, meeting)
    refused("has-floor", ask, meeting, "d01")


def test_a_queued_deputy_who_signed_out_is_not_granted_the_floor() -> None:
    meeting = hall()
    meeting.commit(ask(meeting, "d01"))
    meeting.apply({"type": "signed_out", "deputy": "d01", "method": "operator", "by": "op"})
    error = refused("not-signed-in", grant, meeting)
    assert error.zh == "该代表已签退，不能准许发言"


def test_a_resent_request_is_already_recorded_and_a_replayed_counter_refused() -> None:
    meeting = hall()
    message = meeting.tablets["d01"].speak_request()
    meeting.commit(core.request_floor(meeting.state, signed(message)))
    again = core.request_floor(meeting.state, signed(message))
    assert isinstance(again, AlreadyRecorded)
    tablet = meeting.tablets["d01"]
    tablet.counter -= 2
    refused("replayed-message", withdraw, meeting, "d01")


def test_a_request_signed_as_another_body_type_is_refused() -> None:
    meeting = hall()
    message = meeting.tablets["d01"].sign_in()
    refused("invalid-message", core.request_floor, meeting.state, signed(message))
