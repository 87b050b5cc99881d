"""Election rounds in the core, each row naming the article it applies: the candidate count by
round type, runoffs and further elections that follow a result calling for them, write-ins
limited to the deputies, and the presidium's confirmation before an election is announced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.voting.core.elections import SHORT, TIED, VICE, counted, opened, sitting, vice_round
from tests.voting.core.meetings import Meeting, refused
from voting import core
from voting.core import views

HEAD = {"kind": "election", "seats": 1}
C = [{"id": f"c{i}", "name": name} for i, name in enumerate(["王建国", "李秀英", "张伟"], 1)]


def runoff(follows: str = "p1", candidates: list[str] | None = None, seats: int = 1) -> Any:
    chosen = [c for c in C if c["id"] in (candidates or ["c2", "c3"])]
    return dict(VICE, seats=seats, candidates=chosen, round={"type": "runoff", "follows": follows})


def further(follows: str = "p1", seats: int = 1, count: int = 2) -> Any:
    return dict(
        VICE,
        seats=seats,
        candidates=C[1 : 1 + count],
        round={"type": "further", "follows": follows},
    )


def open_as(item: str, definition: Any, poll: str = "p2") -> Callable[[Meeting], Any]:
    return lambda m: opened(m, poll, item, definition)


# (article, meeting, opening, refusal code or None when the round opens)
OPENINGS: list[tuple[str, Callable[[], Meeting], Callable[[Meeting], Any], str | None]] = [
    ("组织法 Art 27: 镇长 2 for 1", sitting, open_as("head", dict(HEAD, candidates=C[:2])), None),
    ("组织法 Art 27: 镇长 等额", sitting, open_as("head", dict(HEAD, candidates=C[:1])), None),
    (
        "组织法 Art 27: 镇长 3 for 1 is refused",
        sitting,
        open_as("head", dict(HEAD, candidates=C)),
        "candidate-count",
    ),
    (
        "组织法 Art 27: 副镇长 seats + 1, not 等额",
        sitting,
        open_as("vice", dict(VICE, candidates=C[:2])),
        "candidate-count",
    ),
    (
        "组织法 Art 29: a runoff among the tied, no 差额 rule on it",
        lambda: vice_round(TIED),
        open_as("vice", runoff()),
        None,
    ),
    (
        "组织法 Art 29: a runoff must name the poll it follows",
        lambda: vice_round(TIED),
        open_as("vice", dict(runoff(), round={"type": "runoff"})),
        "invalid-round",
    ),
    (
        "组织法 Art 29: a runoff of a poll of another item",
        lambda: vice_round(TIED),
        open_as("head", dict(runoff(), seats=1)),
        "invalid-round",
    ),
    (
        "组织法 Art 29: a runoff among others than the tied",
        lambda: vice_round(TIED),
        open_as("vice", runoff(candidates=["c1", "c2"])),
        "candidate-count",
    ),
    (
        "组织法 Art 29: a runoff when nothing is tied",
        lambda: vice_round(SHORT),
        open_as("vice", runoff()),
        "round-not-called",
    ),
    (
        "组织法 Art 29 ¶3: a further election for the unfilled seat, 差额 again",
        lambda: vice_round(SHORT),
        open_as("vice", further()),
        None,
    ),
    (
        "组织法 Art 29 ¶3 → Art 27: a further election 等额 is refused for 副镇长",
        lambda: vice_round(SHORT),
        open_as("vice", further(count=1)),
        "candidate-count",
    ),
    (
        "组织法 Art 29 ¶3: a further election for more seats than were left",
        lambda: vice_round(SHORT),
        open_as("vice", dict(further(seats=2, count=3), candidates=C)),
        "invalid-round",
    ),
    (
        "组织法 Art 29 ¶3: no further election when every seat is filled or tied",
        lambda: vice_round(TIED),
        open_as("vice", further()),
        "round-not-called",
    ),
    (
        "组织法 Art 29: a first round again on an item with a tie pending opens (not decided)",
        lambda: vice_round(TIED),
        open_as("vice", VICE),
        None,
    ),
    (
        "组织法 Art 30: a by-election may be 等额",
        sitting,
        open_as("vice", dict(VICE, seats=2, candidates=C[:2], round={"type": "by_election"})),
        None,
    ),
    (
        "组织法 Art 30: a by-election with fewer candidates than seats",
        sitting,
        open_as("vice", dict(VICE, seats=2, candidates=C[:1], round={"type": "by_election"})),
        "candidate-count",
    ),
]


@pytest.mark.parametrize(
    ("article", "given", "opening", "code"), OPENINGS, ids=[row[0] for row in OPENINGS]
)
def test_opening_a_round(
    article: str,
    given: Callable[[], Meeting],
    opening: Callable[[Meeting], Any],
    code: str | None,
) -> None:
    meeting = given()
    if code is None:
        opened_meeting = opening(meeting)
        assert opened_meeting.state.open_poll is not None
        assert opened_meeting.state.open_poll.id == "p2"
    else:
        error = refused(code, opening, meeting)
        assert error.zh and error.en


def test_a_second_runoff_of_the_same_tie_is_refused_unless_the_first_was_voided() -> None:
    """组织法 Art 29: one runoff per tie; a voided runoff is held again."""
    meeting = opened(vice_round(TIED), "p2", "vice", runoff())
    meeting.commit(core.void_poll(meeting.state, poll="p2", reason="设备故障", by="chair"))
    opened(meeting, "p3", "vice", runoff())
    counted(meeting, "p3", [{"marks": {"c2": "for"}}] * 3 + [{"marks": {"c3": "for"}}] * 2)
    assert meeting.state.polls["p3"].result["outcome"]["elected"] == ["c2"]  # type: ignore[index]
    refused("round-exists", opened, meeting, "p4", "vice", runoff())


def test_the_runoff_is_prepared_from_the_tie_plurality_by_default() -> None:
    """组织法 Art 29: 就票数相等的候选人再次投票，以得票多的当选."""
    meeting = vice_round(TIED)
    definition = core.runoff_definition(meeting.state, poll="p1")
    assert definition == {
        "kind": "election",
        "seats": 1,
        "candidates": C[1:],
        "round": {"type": "runoff", "follows": "p1", "threshold": "plurality"},
    }
    opened(meeting, "p2", "vice", definition)
    assert meeting.state.polls["p2"].definition["present"] == 5


@pytest.mark.parametrize(
    ("setting", "asked", "threshold"),
    [
        (None, None, "plurality"),
        ("majority", None, "majority"),
        ("majority", "plurality", "plurality"),
    ],
)
def test_the_runoff_threshold_follows_the_setting_unless_asked(
    setting: str | None, asked: str | None, threshold: str
) -> None:
    settings = {} if setting is None else {"runoff_threshold": setting}
    meeting = vice_round(TIED, settings)
    definition = core.runoff_definition(meeting.state, poll="p1", threshold=asked)
    assert definition["round"]["threshold"] == threshold


def test_no_runoff_is_prepared_without_a_tie() -> None:
    refused("round-not-called", core.runoff_definition, vice_round(SHORT).state, poll="p1")


def test_the_further_election_is_prepared_from_the_unfilled_seats() -> None:
    """组织法 Art 29 ¶3: the candidates not elected, most votes first; the 差额 rule again."""
    meeting = vice_round(SHORT)
    definition = core.further_definition(meeting.state, poll="p1")
    assert definition["seats"] == 1
    assert [c["id"] for c in definition["candidates"]] == ["c2", "c3"]
    assert definition["round"] == {"type": "further", "follows": "p1"}
    refused(
        "candidate-count",
        core.further_definition,
        meeting.state,
        poll="p1",
        candidates=[{"id": "n1", "name": "赵敏"}],
    )


def test_write_ins_for_the_chair_are_limited_to_the_deputies() -> None:
    """组织法 Art 18: 主席 is elected from among the deputies; 代表法 Art 17: write-ins."""
    meeting = opened(sitting(), "p1", "chair", dict(HEAD, candidates=C[:2]))
    definition = meeting.state.polls["p1"].definition
    assert definition["write_in_eligible"] == [f"代表0{i}" for i in range(1, 6)]
    pairs = [{"id": f"d0{i}", "name": f"代表0{i}"} for i in range(1, 6)]
    assert definition["write_in_roster"] == pairs
    meeting = opened(sitting(), "p1", "head", dict(HEAD, candidates=C[:2]))
    assert "write_in_eligible" not in meeting.state.polls["p1"].definition
    given = dict(HEAD, candidates=C[:2], write_in_roster=[{"id": "x", "name": "王五"}])
    meeting = opened(sitting(), "p1", "head", given)  # only the server fills the roster pairs
    assert "write_in_roster" not in meeting.state.polls["p1"].definition
    no_write_ins = dict(HEAD, candidates=C[:2], write_ins=False)
    meeting = opened(sitting(), "p1", "chair", no_write_ins)
    assert "write_in_eligible" not in meeting.state.polls["p1"].definition


def test_roster_ids_too_long_for_one_name_point_leave_the_names_on_the_ballot() -> None:
    """ballot-crypto.md §6: a closed-list id is written in one point, at most 29 bytes."""
    meeting = sitting()
    meeting.state.roster["d02"].id = "d" * 29
    assert core.polls.write_in_roster(meeting.state) is not None
    meeting.state.roster["d02"].id = "d" * 30
    assert core.polls.write_in_roster(meeting.state) is None
    poll = opened(meeting, "p1", "chair", dict(HEAD, candidates=C[:2])).state.polls["p1"]
    assert poll.definition["write_in_eligible"] == [f"代表0{i}" for i in range(1, 6)]
    assert "write_in_roster" not in poll.definition


def test_an_election_result_waits_for_the_presidium() -> None:
    """domain-rules §3: 选举结果经主席团确认后宣布."""
    meeting = vice_round(SHORT)
    assert views.public_view(meeting.state)["poll"]["result_held"] is True
    assert "result" not in views.public_view(meeting.state)["poll"]
    assert views.console_view(meeting.state, set())["poll"]["result"]["outcome"]["elected"] == [
        "c1"
    ]
    refused("result-unconfirmed", core.announce, meeting.state, poll="p1", by="chair")
    refused(
        "presidium-required",
        core.confirm_result,
        meeting.state,
        poll="p1",
        decision="主席团第三次会议决定确认选举结果",
        presidium=[],
        by="chair",
    )
    refused(
        "decision-required",
        core.confirm_result,
        meeting.state,
        poll="p1",
        decision=" ",
        presidium=["赵敏"],
        by="chair",
    )
    entries = core.confirm_result(
        meeting.state,
        poll="p1",
        decision="主席团第三次会议决定确认选举结果",
        presidium=["赵敏", "钱进"],
        by="chair",
    )
    assert entries == [
        {
            "type": "result_confirmed",
            "poll": "p1",
            "decision": "主席团第三次会议决定确认选举结果",
            "presidium": ["赵敏", "钱进"],
            "by": "chair",
        }
    ]
    meeting.commit(entries)
    public = views.public_view(meeting.state)["poll"]
    assert public["result"]["outcome"]["elected"] == ["c1"]
    assert "result_held" not in public
    refused(
        "already-confirmed",
        core.confirm_result,
        meeting.state,
        poll="p1",
        decision="再次确认",
        presidium=["赵敏"],
        by="chair",
    )
    assert core.announce(meeting.state, poll="p1", by="chair") == [
        {"type": "result_announced", "poll": "p1", "by": "chair"}
    ]


def test_without_the_hold_setting_an_election_is_announced_at_once() -> None:
    meeting = vice_round(SHORT, {"hold_election_results": False})
    assert views.public_view(meeting.state)["poll"]["result"]["outcome"]["unfilled"] == 1
    assert core.announce(meeting.state, poll="p1", by="chair")[0]["type"] == "result_announced"


def test_only_an_election_is_confirmed() -> None:
    meeting = opened(sitting(), "p1", "a", {"kind": "motion"})
    refused(
        "not-election",
        core.confirm_result,
        meeting.state,
        poll="p1",
        decision="x",
        presidium=["赵敏"],
        by="chair",
    )
