"""The verifier replays the speaking queue (check 6) and checks its signed requests (check 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from audit.verify import verify_bundle
from tests.audit.meeting_builder import MeetingBuilder


def hall() -> MeetingBuilder:
    """Three deputies with tablets; d-01 and d-02 signed in, d-03 not."""
    b = MeetingBuilder()
    b.open_meeting(
        [("d-01", "王建国", "active"), ("d-02", "李明", "active"), ("d-03", "赵敏", "active")]
    )
    for deputy in ("d-01", "d-02", "d-03"):
        b.pair(deputy)
    b.sign_in("d-01")
    b.sign_in("d-02")
    return b


def failures(b: MeetingBuilder, tmp_path: Path) -> list[str]:
    b.close_meeting()
    b.write(tmp_path / "bundle")
    report = verify_bundle(tmp_path / "bundle", vkey=b.vkey)
    return [failure for check in report.checks for failure in check.failures]


def test_a_queue_granted_in_order_verifies(tmp_path: Path) -> None:
    b = hall()
    b.ask_to_speak("d-02")
    b.ask_to_speak("d-01")
    b.ask_to_speak("d-01", withdraw=True)
    b.grant_floor("d-02")
    b.end_floor("d-02")
    assert failures(b, tmp_path) == []


def test_a_floor_ended_by_the_timer_after_its_limit_verifies(tmp_path: Path) -> None:
    b = hall()
    b.ask_to_speak("d-02")
    b.grant_floor("d-02", minutes=2)
    b.wait(timedelta(minutes=2))
    b.end_floor("d-02", reason="time", by="timer")
    assert failures(b, tmp_path) == []


def _time_up_early(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.grant_floor("d-02", minutes=2)  # at 01:00:35, until 01:02:35
    b.wait(timedelta(minutes=1))
    b.end_floor("d-02", reason="time", by="timer")


def _time_up_by_the_chair(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.grant_floor("d-02")
    b.wait(timedelta(minutes=5))
    b.end_floor("d-02", reason="time")


def _no_such_reason(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.grant_floor("d-02")
    b.end_floor("d-02", reason="tired")


def _grant_unqueued(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.grant_floor("d-01")


def _twice(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.ask_to_speak("d-02")


def _grant_while_speaking(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.ask_to_speak("d-01")
    b.grant_floor("d-02")
    b.grant_floor("d-01")


def _grant_signed_out(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-02")
    b.sign_out("d-02")
    b.grant_floor("d-02")


def _withdraw_unqueued(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-01", withdraw=True)


def _end_without_speaker(b: MeetingBuilder) -> None:
    b.end_floor("d-01")


def _device_as_chair(b: MeetingBuilder) -> None:
    b.ask_to_speak("d-01")
    b.append({"type": "floor_ended", "deputy": "d-01", "reason": "chair", "by": "device:t-01"})


TAMPERED: list[tuple[str, Callable[[MeetingBuilder], None], str]] = [
    ("granted signed out", _grant_signed_out, 'entry 8: floor granted to "d-02", not signed in'),
    (
        "not signed in",
        lambda b: b.ask_to_speak("d-03"),
        'entry 6: deputy "d-03" asks to speak, not signed in',
    ),
    ("asked twice", _twice, 'entry 7: deputy "d-02" asks to speak, already queued'),
    ("granted unqueued", _grant_unqueued, 'entry 7: floor granted to "d-01", who is not queued'),
    (
        "granted while taken",
        _grant_while_speaking,
        'entry 9: floor granted to "d-01" while d-02 has it',
    ),
    (
        "withdrawn unqueued",
        _withdraw_unqueued,
        'entry 6: deputy "d-01" withdraws, but is not queued',
    ),
    (
        "ended unspoken",
        _end_without_speaker,
        'entry 6: floor_ended names "d-01", but nobody has the floor',
    ),
    (
        "a device ends the floor",
        _device_as_chair,
        "entry 7: floor_ended names device:t-01 as its actor, but a device acts only through "
        "signed messages",
    ),
    (
        "ended on time before the limit",
        _time_up_early,
        "entry 8: floor ended on time at 2026-03-10T01:01:45Z, before its limit 2026-03-10T01:02:35Z",
    ),
    (
        "ended on time by the chair",
        _time_up_by_the_chair,
        'entry 8: floor ended on time by "chair:zhou", not timer',
    ),
    (
        "an unknown reason",
        _no_such_reason,
        'entry 8: floor_ended reason "tired", not "chair" or "time"',
    ),
]


@pytest.mark.parametrize(
    ("tamper", "failure"), [t[1:] for t in TAMPERED], ids=[t[0] for t in TAMPERED]
)
def test_a_broken_queue_fails(
    tamper: Callable[[MeetingBuilder], None], failure: str, tmp_path: Path
) -> None:
    b = hall()
    tamper(b)
    assert failures(b, tmp_path) == [failure]


def test_a_request_signed_as_a_sign_in_fails_check_5(tmp_path: Path) -> None:
    b = hall()
    body, sig = b.tablet_message("d-01", "sign_in")
    b.append(
        {
            "type": "speech_requested",
            "deputy": "d-01",
            "by": "device:t-01",
            "body": body,
            "sig": sig,
        }
    )
    assert "entry 6: body.type is \"sign_in\", expected 'speak_request'" in failures(b, tmp_path)
