"""Public notices in the pure core: only an announced result is published, numbers follow on,
the entry's hash covers exactly its published fields, and a checkpoint is asked for with it."""

from __future__ import annotations

from audit.notices import notice_digest
from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core.outcome import Change


def closed() -> Meeting:
    """Three deputies signed in; p1, a named motion nobody voted in, closed with its result."""
    meeting = Meeting().sign_in("d01", "d02", "d03").agenda().poll("p1")
    return meeting.commit(core.close_poll(meeting.state, poll="p1", by="chair"))


def issue(meeting: Meeting, kind: str = "result", poll: str | None = "p1") -> Change:
    return core.issue_notice(meeting.state, kind=kind, poll=poll, by="chair")


def test_an_open_or_unannounced_poll_is_refused() -> None:
    meeting = Meeting().sign_in("d01", "d02", "d03").agenda().poll("p1")
    error = refused("not-announced", issue, meeting)
    assert error.en == "the result of poll p1 has not been announced"
    meeting.commit(core.close_poll(meeting.state, poll="p1", by="chair"))
    refused("not-announced", issue, meeting)


def test_an_announced_result_is_notice_1_then_2_with_a_checkpoint() -> None:
    meeting = closed()
    meeting.commit(core.announce(meeting.state, poll="p1", by="chair"))
    change = issue(meeting)
    assert change.checkpoint is True
    (entry,) = change.entries
    fields = {k: entry[k] for k in ("notice", "kind", "title", "sources", "text")}
    assert (entry["type"], entry["notice"], entry["sources"], entry["by"]) == (
        "notice_issued",
        1,
        ["p1"],
        "chair",
    )
    assert entry["title"] == "关于「议案一」表决结果的公告"
    assert (
        entry["text"].split("\n")[0] == "镇人代会于2026年3月1日对「议案一」进行了表决，结果如下："
    )
    assert entry["text"].split("\n")[-2:] == ["表决结果：未通过", "现予公告。"]
    assert entry["sha256"] == notice_digest(fields)
    meeting.commit(change)
    assert issue(meeting).entries[0]["notice"] == 2


def test_a_voided_poll_is_refused() -> None:
    meeting = closed()
    meeting.commit(core.void_poll(meeting.state, poll="p1", reason="计票有误", by="chair"))
    refused("not-announced", issue, meeting)


def test_projects_need_a_selection_and_proposals_a_handled_one() -> None:
    meeting = closed()
    meeting.commit(core.announce(meeting.state, poll="p1", by="chair"))
    refused("not-a-selection", issue, meeting, "projects")
    refused("nothing-handled", issue, meeting, "proposals", None)
    refused("poll-required", issue, meeting, "result", None)
    refused("invalid-notice-kind", issue, meeting, "minutes")
    refused("unknown-poll", issue, meeting, "result", "p9")


def test_no_notice_after_the_meeting_closed() -> None:
    meeting = closed()
    meeting.commit(core.announce(meeting.state, poll="p1", by="chair"))
    meeting.commit(core.close_meeting(meeting.state, by="chair"))
    refused("meeting-closed", issue, meeting)
